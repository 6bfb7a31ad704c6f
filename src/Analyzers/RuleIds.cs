namespace AsyncGuard.Analyzers
{
    /// <summary>Every rule id AsyncGuard ships. Ids are stable once released; new rules take the next free number in their group.</summary>
    public static class RuleIds
    {
        /// <summary><c>Thread.Sleep</c> in async code.</summary>
        public const string ThreadSleepInAsyncCode = "AG0010";
    }
}
