using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>A timeout argument that is certainly zero: the wait only polls and returns at once.</summary>
    internal static class ZeroTimeout
    {
        /// <summary>
        /// <c>0</c> or <c>TimeSpan.Zero</c>, written there, in a constant, in a local initialised with it and never
        /// written again, or in a readonly field initialised with it and never assigned elsewhere.
        /// </summary>
        internal static bool Is(IOperation value)
        {
            for (var depth = 0; depth < 4; depth++)
            {
                value = KnownConditions.SkipConversions(value);
                if (value.ConstantValue is { HasValue: true, Value: 0 or 0L })
                {
                    return true;
                }

                switch (value)
                {
                    case IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true } field } when field.ContainingType is { Name: "TimeSpan", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }:
                        return true;
                    case ILocalReferenceOperation { Local: { IsRef: false } local }:
                        if (SingleInitializer(local, Symbols.Root(value)) is not { } initializer)
                        {
                            return false;
                        }

                        value = initializer;
                        continue;
                    case IFieldReferenceOperation { Field: { IsReadOnly: true, IsConst: false } field }:
                        return IsZeroFieldInitializer(field);
                    default:
                        return false;
                }
            }

            return false;
        }

        private static IOperation? SingleInitializer(ILocalSymbol local, IOperation root) => Symbols.InitializerOfUnwrittenLocal(local, root);

        /// <summary>A readonly field declared <c>= 0</c> or <c>= TimeSpan.Zero</c> and assigned nowhere in its type.</summary>
        private static bool IsZeroFieldInitializer(IFieldSymbol field)
        {
            if (field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: var initializer })
            {
                return false;
            }

            var zero = initializer switch
            {
                LiteralExpressionSyntax literal => literal.Token.Value is 0 or 0L,
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Zero", Expression: var type } =>
                    type is IdentifierNameSyntax { Identifier.ValueText: "TimeSpan" } or QualifiedNameSyntax { Right.Identifier.ValueText: "TimeSpan" } or
                        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TimeSpan" },
                _ => false,
            };
            if (!zero)
            {
                return false;
            }

            // Constructors may assign readonly fields: any assignment to the name in the type's declarations disqualifies.
            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var assignment in reference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    var target = assignment.Left is MemberAccessExpressionSyntax access ? access.Name : assignment.Left as SimpleNameSyntax;
                    if (target?.Identifier.ValueText == field.Name)
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}
