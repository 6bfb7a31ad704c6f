using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Decides whether a value of a type can be awaited: Task, ValueTask and their generic forms, and any type
    /// with an accessible instance or extension <c>GetAwaiter()</c> whose result is an awaiter (IsCompleted,
    /// GetResult(), INotifyCompletion). Create one per compilation; answers for instance patterns are cached.
    /// </summary>
    internal sealed class Awaitables
    {
        private readonly KnownSymbols _known;

        // Shared by every rule of the compilation (see CompilationFacts).
        private readonly ConcurrentDictionary<ITypeSymbol, bool> _instancePattern;

        // Extension GetAwaiter methods in scope, per type and per import scope (the usings and namespaces around the code,
        // which most files share): asking the binder at every statement, or once per file, was the costliest part of the
        // question.
        private readonly ConcurrentDictionary<(ITypeSymbol Type, ImportScope Scope), bool> _extensionPattern;
        private readonly ImportScopes _importScopes;
        private readonly ExtensionNames _extensionNames;

        // Made once: an instance method group passed at each question is a new delegate per call.
        private readonly System.Func<ITypeSymbol, bool> _hasInstanceGetAwaiter;

        internal Awaitables(KnownSymbols known)
        {
            _known = known;
            _hasInstanceGetAwaiter = HasInstanceGetAwaiter;
            var facts = CompilationFacts.For(known.Compilation);
            _instancePattern = facts.InstanceAwaitables;
            _extensionPattern = facts.ExtensionAwaitables;
            _importScopes = facts.ImportScopes;
            _extensionNames = facts.ExtensionNames;
        }

        /// <summary>
        /// True when the type is awaitable. With a semantic model and position, extension <c>GetAwaiter</c>
        /// methods in scope there count too.
        /// </summary>
        internal bool IsAwaitable(ITypeSymbol? type, SemanticModel? model = null, int position = 0)
        {
            if (type is null || type.TypeKind is TypeKind.Error or TypeKind.Dynamic || type.SpecialType == SpecialType.System_Void)
            {
                return false;
            }

            if (IsTaskLike(type, _known))
            {
                return true;
            }

            if (_instancePattern.GetOrAdd(type, _hasInstanceGetAwaiter))
            {
                return true;
            }

            if (model is null || !_extensionNames.MightExist("GetAwaiter"))
            {
                return false;
            }

            // TryGetValue first: a GetOrAdd factory would capture the model and position, a new closure per question.
            var key = (type, _importScopes.Of(model.SyntaxTree, position));
            if (!_extensionPattern.TryGetValue(key, out var found))
            {
                found = HasExtensionGetAwaiter(type, model, position);
                _extensionPattern.TryAdd(key, found);
            }

            return found;
        }

        /// <summary>
        /// False when the type cannot be awaitable anywhere in the compilation: not task-like, no instance
        /// <c>GetAwaiter()</c>, and no extension <c>GetAwaiter</c> exists at all. A cheap first question, without a
        /// position; true means <see cref="IsAwaitable"/> with a semantic model decides.
        /// </summary>
        internal bool CouldBeAwaitable(ITypeSymbol? type) =>
            IsAwaitable(type) ||
            (type is not null && type.TypeKind is not (TypeKind.Error or TypeKind.Dynamic) && type.SpecialType != SpecialType.System_Void &&
             _extensionNames.MightExist("GetAwaiter"));

        private bool HasExtensionGetAwaiter(ITypeSymbol type, SemanticModel model, int position) =>
            model.LookupSymbols(position, container: type, name: "GetAwaiter", includeReducedExtensionMethods: true)
                .OfType<IMethodSymbol>()
                .Any(m => m.IsExtensionMethod && IsGetAwaiter(m));

        /// <summary>Exactly Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt; (any construction; not a derived type).</summary>
        internal static bool IsTaskOrValueTask(ITypeSymbol? type, KnownSymbols known)
        {
            var definition = type?.OriginalDefinition;
            return definition is not null &&
                   (Is(definition, known.Task) || Is(definition, known.TaskOfT) || Is(definition, known.ValueTask) || Is(definition, known.ValueTaskOfT));
        }

        /// <summary>Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt; (and types derived from Task).</summary>
        internal static bool IsTaskLike(ITypeSymbol type, KnownSymbols known)
        {
            var definition = type.OriginalDefinition;
            if (Is(definition, known.ValueTask) || Is(definition, known.ValueTaskOfT))
            {
                return true;
            }

            // Task<T> derives from Task.
            return Symbols.IsOrDerivesFrom(type, known.Task);
        }

        private bool HasInstanceGetAwaiter(ITypeSymbol type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers("GetAwaiter"))
                {
                    if (member is IMethodSymbol { IsStatic: false } method && IsGetAwaiter(method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool IsGetAwaiter(IMethodSymbol method)
        {
            var parameterCount = method.IsExtensionMethod && method.ReducedFrom is null ? 1 : 0;
            return method.Parameters.Length == parameterCount &&
                   method.TypeParameters.Length == 0 &&
                   _known.Compilation.IsSymbolAccessibleWithin(method, _known.Compilation.Assembly) &&
                   IsAwaiter(method.ReturnType);
        }

        private bool IsAwaiter(ITypeSymbol awaiter)
        {
            if (_known.INotifyCompletion is null || !awaiter.AllInterfaces.Contains(_known.INotifyCompletion, SymbolEqualityComparer.Default))
            {
                return false;
            }

            var hasIsCompleted = awaiter.GetMembers("IsCompleted")
                .OfType<IPropertySymbol>()
                .Any(p => p.Type.SpecialType == SpecialType.System_Boolean && p.GetMethod is not null && !p.IsStatic);
            var hasGetResult = awaiter.GetMembers("GetResult")
                .OfType<IMethodSymbol>()
                .Any(m => m.Parameters.Length == 0 && m.TypeParameters.Length == 0 && !m.IsStatic);
            return hasIsCompleted && hasGetResult;
        }

        /// <summary><c>x.ConfigureAwait(…)</c> → <c>x</c>.</summary>
        internal static IOperation StripConfigureAwait(IOperation operation)
        {
            operation = KnownConditions.SkipConversions(operation);
            return operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance } ? KnownConditions.SkipConversions(instance) : operation;
        }

        private static bool Is(ITypeSymbol type, INamedTypeSymbol? known) =>
            known is not null && SymbolEqualityComparer.Default.Equals(type, known);
    }
}
