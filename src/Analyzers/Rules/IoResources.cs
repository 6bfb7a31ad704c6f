using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// What a stream, reader or writer stands on, traced through the local it is read from to the expression that
    /// created it: memory (its synchronous calls never wait), or a file or writer opened for writing, or a database
    /// object whose <c>DisposeAsync</c> is overridden (its synchronous dispose flushes or talks to the other side).
    /// </summary>
    internal sealed class IoResources
    {
        private readonly INamedTypeSymbol? _memoryStream;
        private readonly INamedTypeSymbol? _unmanagedMemoryStream;
        private readonly INamedTypeSymbol? _stringReader;
        private readonly INamedTypeSymbol? _stringWriter;
        private readonly INamedTypeSymbol? _pipe;
        private readonly INamedTypeSymbol? _fileStream;
        private readonly INamedTypeSymbol? _file;
        private readonly INamedTypeSymbol? _fileAccess;
        private readonly INamedTypeSymbol? _fileMode;
        private readonly INamedTypeSymbol? _dbConnection;
        private readonly INamedTypeSymbol?[] _dbBases;
        private readonly INamedTypeSymbol?[] _wrappers;

        // Per member body: each local's initializer, when it is never reassigned. Weak keys: the operation trees belong
        // to the compiler's semantic models and go when they go.
        private readonly ConditionalWeakTable<IOperation, Dictionary<ILocalSymbol, IOperation>> _origins = new();

        // Per private method: which parameters every caller fills with an in-memory object (null: unsure).
        private readonly ConcurrentDictionary<IMethodSymbol, bool[]?> _inMemoryParameters = new(SymbolEqualityComparer.Default);

        internal IoResources(Compilation compilation)
        {
            _memoryStream = compilation.GetBestType("System.IO.MemoryStream");
            _unmanagedMemoryStream = compilation.GetBestType("System.IO.UnmanagedMemoryStream");
            _stringReader = compilation.GetBestType("System.IO.StringReader");
            _stringWriter = compilation.GetBestType("System.IO.StringWriter");
            _pipe = compilation.GetBestType("System.IO.Pipelines.Pipe");
            _fileStream = compilation.GetBestType("System.IO.FileStream");
            _file = compilation.GetBestType("System.IO.File");
            _fileAccess = compilation.GetBestType("System.IO.FileAccess");
            _fileMode = compilation.GetBestType("System.IO.FileMode");
            _dbConnection = compilation.GetBestType("System.Data.Common.DbConnection");
            _dbBases = new[]
            {
                _dbConnection,
                compilation.GetBestType("System.Data.Common.DbDataReader"),
                compilation.GetBestType("System.Data.Common.DbTransaction"),
                compilation.GetBestType("System.Data.Common.DbCommand"),
                compilation.GetBestType("System.Data.Common.DbBatch"),
            };
            _wrappers = new[]
            {
                compilation.GetBestType("System.IO.StreamReader"),
                compilation.GetBestType("System.IO.StreamWriter"),
                compilation.GetBestType("System.IO.BufferedStream"),
                compilation.GetBestType("System.IO.BinaryReader"),
                compilation.GetBestType("System.IO.BinaryWriter"),
            };
        }

        /// <summary>A receiver whose synchronous calls never wait for a device: memory streams, string readers and
        /// writers, readers and writers over those, a <c>Pipe</c>'s reader and writer, <c>Console.Out</c>/<c>Error</c>.</summary>
        internal bool IsInMemory(IOperation receiver, INamedTypeSymbol? console) => IsInMemory(receiver, console, followParameters: true);

        private bool IsInMemory(IOperation receiver, INamedTypeSymbol? console, bool followParameters)
        {
            var value = Origin(receiver);
            if (followParameters && value is IParameterReferenceOperation { Parameter: var parameter } &&
                value.SemanticModel is { } model && !Symbols.IsAssignedAfterDeclaration(parameter, Symbols.Root(value)))
            {
                return EveryCallerPassesInMemory(parameter, model, console);
            }

            if (value.Type is { } type && (Symbols.IsOrDerivesFrom(type, _memoryStream) || Symbols.IsOrDerivesFrom(type, _unmanagedMemoryStream) ||
                                           Symbols.IsOrDerivesFrom(type, _stringReader) || Symbols.IsOrDerivesFrom(type, _stringWriter)))
            {
                return true;
            }

            switch (value)
            {
                case IPropertyReferenceOperation { Property: { Name: "Reader" or "Writer" } property } when SymbolEqualityComparer.Default.Equals(property.ContainingType, _pipe):
                    return true;
                case IPropertyReferenceOperation { Property: { Name: "Out" or "Error", IsStatic: true } property } when SymbolEqualityComparer.Default.Equals(property.ContainingType, console):
                    return true;
                case IObjectCreationOperation { Arguments.Length: > 0 } creation when IsWrapper(creation.Type):
                    return IsInMemory(creation.Arguments[0].Value, console, followParameters);
                default:
                    return false;
            }
        }

        /// <summary>
        /// A private method's parameter whose every call, all of them in the containing type's declarations in this
        /// tree, passes an in-memory object; the method is never used other than by calling it. Cached per method.
        /// Unsure (a partial type in another file, a method group, no caller): false.
        /// </summary>
        private bool EveryCallerPassesInMemory(IParameterSymbol parameter, SemanticModel model, INamedTypeSymbol? console)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary, ContainingType: { } type } method ||
                parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                return false;
            }

            var inMemory = _inMemoryParameters.GetOrAdd(method.OriginalDefinition, m => InMemoryParameters(m, type, model, console));
            return inMemory is not null && parameter.Ordinal < inMemory.Length && inMemory[parameter.Ordinal];
        }

        private bool[]? InMemoryParameters(IMethodSymbol method, INamedTypeSymbol type, SemanticModel model, INamedTypeSymbol? console)
        {
            var outermost = type;
            while (outermost.ContainingType is { } outer)
            {
                outermost = outer;
            }

            if (outermost.DeclaringSyntaxReferences.Any(r => r.SyntaxTree != model.SyntaxTree))
            {
                return null;
            }

            var result = Enumerable.Repeat(true, method.Parameters.Length).ToArray();
            var calls = 0;
            foreach (var reference in outermost.DeclaringSyntaxReferences)
            {
                foreach (var name in reference.GetSyntax().DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    if (name.Identifier.ValueText != method.Name || name.Parent is MethodDeclarationSyntax)
                    {
                        continue;
                    }

                    var callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : (ExpressionSyntax)name;
                    if (callee.Parent is not InvocationExpressionSyntax call || call.Expression != callee)
                    {
                        // A method group or nameof: the method may be called from anywhere. Unresolved: unsure too.
                        var info = model.GetSymbolInfo(name);
                        if (info.Symbol is null && info.CandidateSymbols.Length > 0 ||
                            info.Symbol is IMethodSymbol other && SymbolEqualityComparer.Default.Equals(other.OriginalDefinition, method))
                        {
                            return null;
                        }

                        continue;
                    }

                    if (model.GetOperation(call) is not IInvocationOperation invocation ||
                        !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, method))
                    {
                        continue;
                    }

                    calls++;
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.Parameter is { } target && target.Ordinal < result.Length && result[target.Ordinal] &&
                            !IsInMemory(argument.Value, console, followParameters: false))
                        {
                            result[target.Ordinal] = false;
                        }
                    }
                }
            }

            return calls > 0 ? result : null;
        }

        /// <summary>
        /// One level into a helper declared in the same file (<c>OpenWriteAsync(path)</c> returning <c>Task&lt;Stream&gt;</c>):
        /// every value it returns creates a file or writer opened for writing.
        /// </summary>
        private bool ReturnsNewWritableStream(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (invocation.SemanticModel is not { } model || method.IsAbstract || method.IsVirtual || method.IsOverride ||
                method.DeclaringSyntaxReferences.Length != 1 || method.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree ||
                method.DeclaringSyntaxReferences[0].GetSyntax() is not MethodDeclarationSyntax declaration ||
                ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is not { } bodySyntax ||
                model.GetOperation(bodySyntax) is not { } body)
            {
                return false;
            }

            var returned = 0;
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is IReturnOperation { ReturnedValue: { } value } && Symbols.IsInSameFunction(operation, body))
                {
                    returned++;
                    if (!CreatesIoResource(value, followHelpers: false))
                    {
                        return false;
                    }
                }
            }

            return returned > 0;
        }

        /// <summary>Whether disposing this receiver synchronously does I/O.</summary>
        internal bool DisposesWithIo(IOperation receiver) => CreatesIoResource(receiver) || HasAsynchronousDispose(receiver.Type);

        /// <summary>
        /// The expression creates (or reads a local created as) a file stream or writer opened for writing, or a
        /// database object with a truly asynchronous dispose.
        /// </summary>
        internal bool CreatesIoResource(IOperation value) => CreatesIoResource(value, followHelpers: true);

        private bool CreatesIoResource(IOperation value, bool followHelpers)
        {
            value = Origin(value);
            if (value is IAwaitOperation awaited)
            {
                value = KnownConditions.SkipConversions(awaited.Operation);
                if (value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                {
                    value = KnownConditions.SkipConversions(configured);
                }
            }

            if (followHelpers && value is IInvocationOperation helper && ReturnsNewWritableStream(helper))
            {
                return true;
            }

            if (HasAsynchronousDispose(value.Type))
            {
                return true;
            }

            switch (value)
            {
                case IObjectCreationOperation creation when Symbols.IsOrDerivesFrom(creation.Type, _fileStream):
                    return OpensForWriting(creation.Arguments);
                case IObjectCreationOperation { Arguments.Length: > 0 } creation when IsWrapper(creation.Type):
                    var underlying = creation.Arguments[0].Value;
                    // new StreamWriter(path): a file opened for writing.
                    return underlying.Type?.SpecialType == SpecialType.System_String
                        ? creation.Type?.Name == "StreamWriter" || creation.Type?.Name == "BinaryWriter"
                        : CreatesIoResource(underlying, followHelpers);
                case IInvocationOperation { TargetMethod: { IsStatic: true } method } invocation when SymbolEqualityComparer.Default.Equals(method.ContainingType, _file):
                    return method.Name is "Create" or "OpenWrite" or "CreateText" or "AppendText" ||
                           (method.Name == "Open" && OpensForWriting(invocation.Arguments));
                default:
                    return false;
            }
        }

        /// <summary>
        /// A database connection, reader, transaction, command or batch whose own type (or a base below the
        /// <c>System.Data.Common</c> one) overrides <c>DisposeAsync</c>: the base classes' <c>DisposeAsync</c> only calls
        /// <c>Dispose</c>, so without an override <c>await using</c> gains nothing. Network and TLS streams forward to a
        /// synchronous dispose and never count; file streams and writers are decided by how they were created.
        /// </summary>
        private bool HasAsynchronousDispose(ITypeSymbol? type)
        {
            if (type is null || type.TypeKind != TypeKind.Class)
            {
                return false;
            }

            foreach (var dbBase in _dbBases)
            {
                if (dbBase is null || !Symbols.IsOrDerivesFrom(type, dbBase))
                {
                    continue;
                }

                for (var current = type as INamedTypeSymbol; current is not null && !SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, dbBase); current = current.BaseType)
                {
                    foreach (var member in current.GetMembers("DisposeAsync"))
                    {
                        if (member is IMethodSymbol { IsOverride: true, Parameters.Length: 0 })
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            return false;
        }

        /// <summary>An explicit <c>FileAccess</c> with Write, else a <c>FileMode</c> that creates or appends.</summary>
        private bool OpensForWriting(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments)
        {
            var access = arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Value.Type, _fileAccess));
            if (access is not null)
            {
                return access.Value.ConstantValue is { HasValue: true, Value: int flags } && (flags & 2) != 0;
            }

            var mode = arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Value.Type, _fileMode));
            // CreateNew = 1, Create = 2, OpenOrCreate = 4, Truncate = 5, Append = 6
            return mode?.Value.ConstantValue is { HasValue: true, Value: int value } && value is 1 or 2 or 4 or 5 or 6;
        }

        /// <summary>A local's value is the expression that initialized it, when it is never reassigned.</summary>
        private IOperation Origin(IOperation value)
        {
            value = KnownConditions.SkipConversions(value);
            if (value is not ILocalReferenceOperation { Local: var local })
            {
                return value;
            }

            var root = Symbols.Root(value);

            // Built once per body, then only read.
            return _origins.GetValue(root, Initializers).TryGetValue(local, out var initializer) ? initializer : value;
        }

        private static Dictionary<ILocalSymbol, IOperation> Initializers(IOperation root)
        {
            var assigned = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var initializers = new Dictionary<ILocalSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer()?.Value is { } initializer:
                        initializers[declarator.Symbol] = KnownConditions.SkipConversions(initializer);
                        break;
                    case IAssignmentOperation assignment when Symbols.LocalOrParameter(assignment.Target) is { } target:
                        assigned.Add(target);
                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when Symbols.LocalOrParameter(argument.Value) is { } target:
                        assigned.Add(target);
                        break;
                }
            }

            foreach (var local in assigned)
            {
                if (local is ILocalSymbol reassigned)
                {
                    initializers.Remove(reassigned);
                }
            }

            return initializers;
        }

        private bool IsWrapper(ITypeSymbol? type) => _wrappers.Any(w => Symbols.IsOrDerivesFrom(type, w));
    }
}
