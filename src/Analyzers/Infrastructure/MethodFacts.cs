using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>What a method's signature allows: is it an event handler, may its signature change, may it become async.</summary>
    internal static class MethodFacts
    {
        /// <summary>
        /// <c>(object sender, TArgs e)</c> where TArgs is EventArgs, derives from it, or is named like it (some UI
        /// frameworks have argument types that do not derive from EventArgs).
        /// </summary>
        internal static bool HasEventHandlerShape(IMethodSymbol method, KnownSymbols known)
        {
            if (method.Parameters.Length != 2 || method.Parameters[0].Type.SpecialType != SpecialType.System_Object)
            {
                return false;
            }

            var args = method.Parameters[1].Type;
            if (args.Name.EndsWith("EventArgs", System.StringComparison.Ordinal) || args.Name.EndsWith("Args", System.StringComparison.Ordinal))
            {
                return true;
            }

            return Symbols.IsOrDerivesFrom(args, known.EventArgs);
        }

        /// <summary>True when the method overrides, or implements an interface member: its return type is not its own to choose.</summary>
        internal static bool SignatureIsInherited(IMethodSymbol method)
        {
            if (method.IsOverride || !method.ExplicitInterfaceImplementations.IsEmpty)
            {
                return true;
            }

            var type = method.ContainingType;
            if (type is null || method.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }

            foreach (var candidate in type.AllInterfaces.SelectMany(i => i.GetMembers(method.Name)))
            {
                if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(candidate), method))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether <c>async</c> may be added to this method or local function: C# forbids it for iterators, unsafe
        /// code, by-reference parameters (CS1988) and ref struct parameters such as <c>Span&lt;T&gt;</c> (CS4012), and partial, extern and abstract methods have no body to change.
        /// </summary>
        internal static bool CanBecomeAsync(IMethodSymbol method, SyntaxNode declaration)
        {
            if (method.IsAsync || method.IsExtern || method.IsAbstract || method.PartialDefinitionPart is not null ||
                method.PartialImplementationPart is not null ||
                method.Parameters.Any(p => p.RefKind != RefKind.None || p.Type.TypeKind == TypeKind.Pointer || p.Type.IsRefLikeType))
            {
                return false;
            }

            var (modifiers, body) = declaration switch
            {
                MethodDeclarationSyntax m => (m.Modifiers, (SyntaxNode?)m.Body ?? m.ExpressionBody),
                LocalFunctionStatementSyntax l => (l.Modifiers, (SyntaxNode?)l.Body ?? l.ExpressionBody),
                _ => (default(SyntaxTokenList), null),
            };
            if (body is null || modifiers.Any(SyntaxKind.UnsafeKeyword))
            {
                return false;
            }

            // yield inside this function's own body (not inside a nested function) makes it an iterator.
            return !body.DescendantNodes(n => n == body || !IsFunction(n)).Any(n => n is YieldStatementSyntax);
        }

        internal static bool IsFunction(SyntaxNode node) =>
            node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax;
    }
}
