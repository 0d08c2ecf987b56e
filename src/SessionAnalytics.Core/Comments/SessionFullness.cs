using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// Which of two measurements of one session holds more: what decides between copies of a session (two comments, or
/// a comment and a new rendering). A transcript that was truncated, or only partly copied to another machine, gives
/// a smaller measurement of the same session; the fuller one is the one to keep.
/// </summary>
public static class SessionFullness
{
    /// <summary>
    /// What <paramref name="existing"/> has more of than <paramref name="next"/> ("messages 15 &lt; 40, ..."), or null
    /// when <paramref name="next"/> has at least as much of everything (then it may replace <paramref name="existing"/>).
    /// </summary>
    public static string? LessDataThan(SessionStats existing, SessionStats next)
    {
        var less = new List<string>();
        void Check(string what, long had, long now)
        {
            if (now < had) less.Add($"{what} {now:N0} < {had:N0}");
        }
        Check("messages", existing.MessageCount, next.MessageCount);
        Check("tokens", Tokens(existing), Tokens(next));
        Check("tool calls", ToolCalls(existing), ToolCalls(next));
        Check("commits", existing.CommitCount, next.CommitCount);
        Check("minutes", existing.DurationMinutes, next.DurationMinutes);
        return less.Count == 0 ? null : string.Join(", ", less);
    }

    /// <summary>
    /// Orders measurements from the fullest down: more messages, then more tokens, tool calls, commits, minutes.
    /// Equal measurements compare as 0: the caller breaks the tie (the oldest comment, the first input).
    /// </summary>
    public static int CompareFullest(SessionStats a, SessionStats b)
    {
        int c = b.MessageCount.CompareTo(a.MessageCount);
        if (c == 0) c = Tokens(b).CompareTo(Tokens(a));
        if (c == 0) c = ToolCalls(b).CompareTo(ToolCalls(a));
        if (c == 0) c = b.CommitCount.CompareTo(a.CommitCount);
        if (c == 0) c = b.DurationMinutes.CompareTo(a.DurationMinutes);
        return c;
    }

    // Saturating sums: these compare measurements that may not have been validated yet (a local SessionStats built
    // in a script), and a comparison must never throw.
    private static long Tokens(SessionStats s) =>
        Add(Add(s.InputTokens, s.OutputTokens), Add(s.CacheCreationTokens, s.CacheReadTokens));

    private static long ToolCalls(SessionStats s)
    {
        long total = 0;
        foreach (var count in s.Tools.Values) total = Add(total, count);
        return total;
    }

    private static long Add(long a, long b)
    {
        var sum = a + b;
        // Overflow happened when both operands share a sign the result does not.
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }
}
