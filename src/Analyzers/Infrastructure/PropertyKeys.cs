namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Keys of <c>Diagnostic.Properties</c> shared by several rules: the analyzer finds the facts, the fix reads them.</summary>
    public static class PropertyKeys
    {
        /// <summary>The C# expression of the cancellation token to forward; absent when none is in scope.</summary>
        public const string CancellationToken = "CancellationToken";

        /// <summary>Which rewrite the fix performs; absent when no fix is possible at this place.</summary>
        public const string FixKind = "FixKind";

        /// <summary>"true" when the function's other awaits all use <c>ConfigureAwait(false)</c>: a new await follows suit.</summary>
        public const string ConfigureAwaitFalse = "ConfigureAwaitFalse";
    }
}
