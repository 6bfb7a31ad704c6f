using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers
{
    /// <summary>Rule categories. Users can raise or lower a whole group with
    /// <c>dotnet_analyzer_diagnostic.category-AsyncGuard.Blocking.severity</c>.</summary>
    public static class Categories
    {
        public const string LostTasks = "AsyncGuard.LostTasks";
        public const string Blocking = "AsyncGuard.Blocking";
        public const string Concurrency = "AsyncGuard.Concurrency";
        public const string Timeouts = "AsyncGuard.Timeouts";
        public const string Completion = "AsyncGuard.Completion";
    }

    /// <summary>The one place descriptors are built. Tests enumerate the public fields of this class, so every
    /// descriptor a rule reports must be declared here.</summary>
    public static class Descriptors
    {
        /// <summary>Rule pages live in the repository under <c>docs/rules/{id}.md</c>.</summary>
        public const string HelpLinkBase = "https://github.com/asyncguard/asyncguard/blob/main/docs/rules/";

        public static readonly DiagnosticDescriptor ThreadSleepInAsyncCode = Create(
            RuleIds.ThreadSleepInAsyncCode,
            Categories.Blocking,
            title: "Thread.Sleep in async code",
            messageFormat: "'Thread.Sleep' blocks a thread inside async code; await 'Task.Delay' instead",
            description: "Thread.Sleep holds the current thread for the whole delay. In async code that thread belongs to the " +
                         "thread pool or to a UI or request context, so every other continuation waiting for it waits too. " +
                         "Awaiting Task.Delay releases the thread for the duration of the delay.");

        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Create(
            string id,
            string category,
            string title,
            string messageFormat,
            string description,
            DiagnosticSeverity severity = DiagnosticSeverity.Warning,
            bool isEnabledByDefault = true)
        {
#pragma warning disable RS0030 // This is the one helper allowed to call the constructor.
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                severity,
                isEnabledByDefault,
                description,
                HelpLink(id));
#pragma warning restore RS0030
        }
    }
}
