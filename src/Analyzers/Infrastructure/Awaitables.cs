using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;

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
        private readonly ConcurrentDictionary<ITypeSymbol, bool> _instancePattern = new(SymbolEqualityComparer.Default);

        internal Awaitables(KnownSymbols known) => _known = known;

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

            if (_instancePattern.GetOrAdd(type, HasInstanceGetAwaiter))
            {
                return true;
            }

            return model is not null && model
                .LookupSymbols(position, container: type, name: "GetAwaiter", includeReducedExtensionMethods: true)
                .OfType<IMethodSymbol>()
                .Any(m => m.IsExtensionMethod && IsGetAwaiter(m));
        }

        /// <summary>Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt; (and types derived from Task).</summary>
        internal static bool IsTaskLike(ITypeSymbol type, KnownSymbols known)
        {
            var definition = type.OriginalDefinition;
            if (Is(definition, known.ValueTask) || Is(definition, known.ValueTaskOfT))
            {
                return true;
            }

            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (Is(current.OriginalDefinition, known.Task) || Is(current.OriginalDefinition, known.TaskOfT))
                {
                    return true;
                }
            }

            return false;
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

        private static bool Is(ITypeSymbol type, INamedTypeSymbol? known) =>
            known is not null && SymbolEqualityComparer.Default.Equals(type, known);
    }
}
