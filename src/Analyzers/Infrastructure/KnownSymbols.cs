using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// The well-known types rules need, resolved once per compilation (create it in a compilation-start action).
    /// A member is null when the compilation cannot see that type; rules that need it register nothing.
    /// </summary>
    internal sealed class KnownSymbols
    {
        internal KnownSymbols(Compilation compilation)
        {
            Compilation = compilation;
            _facts = CompilationFacts.For(compilation);
            Task = compilation.GetBestType("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetBestType("System.Threading.Tasks.Task`1");
            ValueTask = compilation.GetBestType("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = compilation.GetBestType("System.Threading.Tasks.ValueTask`1");
            Thread = compilation.GetBestType("System.Threading.Thread");
            TimeSpan = compilation.GetBestType("System.TimeSpan");
            CancellationToken = compilation.GetBestType("System.Threading.CancellationToken");
            CancellationTokenSource = compilation.GetBestType("System.Threading.CancellationTokenSource");
            INotifyCompletion = compilation.GetBestType("System.Runtime.CompilerServices.INotifyCompletion");
            HttpContext = compilation.GetBestType("Microsoft.AspNetCore.Http.HttpContext");
            TaskCompletionSource = compilation.GetBestType("System.Threading.Tasks.TaskCompletionSource");
            TaskCompletionSourceOfT = compilation.GetBestType("System.Threading.Tasks.TaskCompletionSource`1");
            TaskCreationOptions = compilation.GetBestType("System.Threading.Tasks.TaskCreationOptions");
            EventArgs = compilation.GetBestType("System.EventArgs");
            ExpressionOfT = compilation.GetBestType("System.Linq.Expressions.Expression`1");
            Parallel = compilation.GetBestType("System.Threading.Tasks.Parallel");
            ListOfT = compilation.GetBestType("System.Collections.Generic.List`1");
            SemaphoreSlim = compilation.GetBestType("System.Threading.SemaphoreSlim");
            TaskFactory = compilation.GetBestType("System.Threading.Tasks.TaskFactory");
            TaskFactoryOfT = compilation.GetBestType("System.Threading.Tasks.TaskFactory`1");
            XmlReader = compilation.GetBestType("System.Xml.XmlReader");
            XmlWriter = compilation.GetBestType("System.Xml.XmlWriter");
            FireAndForget = compilation.GetBestType("AsyncGuard.FireAndForget");
            _collectTokenSources = CollectTokenSources;
        }

        private readonly CompilationFacts _facts;

        // Made once: a lambda written at the lookup would capture this instance, a new delegate per question.
        private readonly ConditionalWeakTable<IOperation, List<IVariableDeclaratorOperation>>.CreateValueCallback _collectTokenSources;

        internal Compilation Compilation { get; }

        internal INamedTypeSymbol? Task { get; }

        internal INamedTypeSymbol? TaskOfT { get; }

        internal INamedTypeSymbol? ValueTask { get; }

        internal INamedTypeSymbol? ValueTaskOfT { get; }

        internal INamedTypeSymbol? Thread { get; }

        internal INamedTypeSymbol? TimeSpan { get; }

        internal INamedTypeSymbol? CancellationToken { get; }

        internal INamedTypeSymbol? CancellationTokenSource { get; }

        internal INamedTypeSymbol? INotifyCompletion { get; }

        internal INamedTypeSymbol? HttpContext { get; }

        internal INamedTypeSymbol? TaskCompletionSource { get; }

        internal INamedTypeSymbol? TaskCompletionSourceOfT { get; }

        internal INamedTypeSymbol? TaskCreationOptions { get; }

        internal INamedTypeSymbol? EventArgs { get; }

        internal INamedTypeSymbol? ExpressionOfT { get; }

        internal INamedTypeSymbol? Parallel { get; }

        internal INamedTypeSymbol? ListOfT { get; }

        internal INamedTypeSymbol? SemaphoreSlim { get; }

        internal INamedTypeSymbol? TaskFactory { get; }

        internal INamedTypeSymbol? TaskFactoryOfT { get; }

        internal INamedTypeSymbol? XmlReader { get; }

        internal INamedTypeSymbol? XmlWriter { get; }

        /// <summary>AsyncGuard's own helper library, when the compilation references it.</summary>
        internal INamedTypeSymbol? FireAndForget { get; }

        /// <summary>
        /// Whether the compilation references AsyncGuard's helper library with a public extension method of this name
        /// (<c>SelectBoundedAsync</c>, <c>WithTimeout</c>, …): fixes use a helper only when the user can call it.
        /// </summary>
        internal bool HasHelper(string extensionMethod) =>
            Compilation.GlobalNamespace.GetMembers("AsyncGuard").OfType<INamespaceSymbol>()
                .SelectMany(n => n.GetTypeMembers())
                .SelectMany(t => t.GetMembers(extensionMethod))
                .Any(m => m is IMethodSymbol { IsExtensionMethod: true, DeclaredAccessibility: Accessibility.Public });

        /// <summary>
        /// The <c>CancellationTokenSource</c> and <c>HttpContext</c> locals declared in a member body, collected once per
        /// body for every rule (weakly keyed: the operation trees belong to the compiler's semantic models).
        /// </summary>
        internal IReadOnlyList<IVariableDeclaratorOperation> TokenSourceDeclarators(IOperation root) =>
            _facts.TokenSourceDeclarators.GetValue(root, _collectTokenSources);

        private List<IVariableDeclaratorOperation> CollectTokenSources(IOperation body)
        {
            // A loop, not LINQ, and each local's type read once (in nullable code each read makes a new object).
            List<IVariableDeclaratorOperation>? found = null;
            foreach (var declarator in Index(body).Declarators)
            {
                var type = declarator.Symbol.Type;
                if (SymbolEqualityComparer.Default.Equals(type, CancellationTokenSource) || SymbolEqualityComparer.Default.Equals(type, HttpContext) || IsCancellationToken(type))
                {
                    (found ??= new List<IVariableDeclaratorOperation>()).Add(declarator);
                }
            }

            return found ?? NoDeclarators;
        }

        private static readonly List<IVariableDeclaratorOperation> NoDeclarators = new();

        /// <summary>
        /// The index of the member body <paramref name="operation"/> belongs to, built on first use by any rule (weakly
        /// keyed by the root, like <see cref="TokenSourceDeclarators"/>).
        /// </summary>
        internal OperationIndex Index(IOperation operation) => _facts.Indexes.GetValue(Symbols.Root(operation), root => new OperationIndex(root));

        internal bool IsCancellationToken(ITypeSymbol? type) =>
            CancellationToken is not null && SymbolEqualityComparer.Default.Equals(type, CancellationToken);

        /// <summary>True for <c>CancellationToken?</c>.</summary>
        internal bool IsNullableCancellationToken(ITypeSymbol? type) =>
            type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable &&
            IsCancellationToken(nullable.TypeArguments[0]);
    }
}
