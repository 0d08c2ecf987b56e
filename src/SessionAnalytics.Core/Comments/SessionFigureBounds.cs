using System.Globalization;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// The bounds a session's figures must keep when they are read back from a comment's JSON. A comment is text anyone
/// with write access (or a broken tool) may have written; a figure outside these bounds makes the whole comment
/// unreadable, so it is left out with a warning instead of turning a total negative or overflowing a sum.
/// <para>
/// The token bound follows the calculator's per-response bound (<see cref="MaxTokensPerResponse"/>, 10^9 per usage
/// field): no session, model, skill or subagent holds more of a field than <see cref="MaxMessages"/> responses at that
/// bound could, 10^15. The other bounds are far above any real session, and low enough that the sums of a couple of
/// thousand sessions at the bounds still fit their types (beyond that, the summary's checked sums fail with a clear
/// error instead of wrapping). See docs/about_SessionAnalytics.md, "Published numbers".
/// </para>
/// </summary>
public static class SessionFigureBounds
{
    /// <summary>The most tokens one API response may report per usage field (input, output, cache creation, cache read).</summary>
    public const long MaxTokensPerResponse = UsageLimits.MaxTokensPerField;

    /// <summary>Responses (messages) per session.</summary>
    public const int MaxMessages = 1_000_000;

    /// <summary>Tokens per usage field of one session (or of one model, skill or subagent in it): <see cref="MaxMessages"/> × <see cref="MaxTokensPerResponse"/>.</summary>
    public const long MaxTokens = MaxMessages * MaxTokensPerResponse;

    /// <summary>Estimated cost of one session or one model within it, in US dollars.</summary>
    public const decimal MaxCostUsd = 1_000_000_000m;

    /// <summary>Minutes of one session (duration, active time): about 694 days.</summary>
    public const int MaxMinutes = 1_000_000;

    /// <summary>Tool calls (per tool and all together), skill calls, subagent tool uses, problem iterations, workflow edge traversals.</summary>
    public const int MaxCount = 10_000_000;

    /// <summary>Null when every figure is within bounds, else what is wrong, naming the JSON field.</summary>
    public static string? Check(SessionStats s)
    {
        if (OutOfRange("messages", s.MessageCount, 0, MaxMessages) is { } m) return m;
        const long tokens = MaxTokens;
        const string limit = "the bound of a million responses of 10^9 tokens each";
        return Tokens("total_tokens.input", s.InputTokens, tokens, limit)
               ?? Tokens("total_tokens.output", s.OutputTokens, tokens, limit)
               ?? Tokens("total_tokens.cache_creation", s.CacheCreationTokens, tokens, limit)
               ?? Tokens("total_tokens.cache_read", s.CacheReadTokens, tokens, limit)
               ?? Cost("estimated_cost_usd", s.EstimatedCostUsd)
               ?? OutOfRange("duration_minutes", s.DurationMinutes, 0, MaxMinutes)
               ?? OutOfRange("active_minutes", s.ActiveMinutes, 0, MaxMinutes)
               ?? Models(s.Models)
               ?? Counts("tools", s.Tools)
               ?? First(s.SkillsInvoked, k => OutOfRange($"skills_invoked[{k.Skill}].count", k.Count, 0, MaxCount)
                                              ?? Tokens($"skills_invoked[{k.Skill}].tokens.input", k.InputTokens, tokens, limit)
                                              ?? Tokens($"skills_invoked[{k.Skill}].tokens.output", k.OutputTokens, tokens, limit))
               ?? First(s.Subagents, a => Tokens($"subagents[{a.Id}].tokens.input", a.InputTokens, tokens, limit)
                                         ?? Tokens($"subagents[{a.Id}].tokens.output", a.OutputTokens, tokens, limit)
                                         ?? Tokens($"subagents[{a.Id}].tokens.cache_creation", a.CacheCreationTokens, tokens, limit)
                                         ?? Tokens($"subagents[{a.Id}].tokens.cache_read", a.CacheReadTokens, tokens, limit)
                                         ?? Tokens($"subagents[{a.Id}].tokens.total", a.TotalTokens ?? 0, 4 * tokens, "four times " + limit)
                                         ?? OutOfRange($"subagents[{a.Id}].duration_ms", a.DurationMs ?? 0, 0, MaxMinutes * 60_000L)
                                         ?? OutOfRange($"subagents[{a.Id}].tool_uses", a.ToolUseCount ?? 0, 0, MaxCount))
               ?? First(s.ProblemsFaced, p => OutOfRange("problems_faced[].iterations", p.Iterations, 0, MaxCount))
               ?? First(s.WorkflowEdges, f => Counts($"workflow_edges.{f.Key}", f.Value));
    }

    private static string? Models(IReadOnlyList<ModelUsage> models) => First(models, m =>
    {
        var what = $"models.{m.Model}";
        if (OutOfRange(what + ".messages", m.Messages, 0, MaxMessages) is { } e) return e;
        const long tokens = MaxTokens;
        const string limit = "the bound of a million responses of 10^9 tokens each";
        return Tokens(what + ".input_tokens", m.InputTokens, tokens, limit)
               ?? Tokens(what + ".output_tokens", m.OutputTokens, tokens, limit)
               ?? Tokens(what + ".cache_creation_tokens", m.CacheCreationTokens, tokens, limit)
               ?? Tokens(what + ".cache_creation_1h_tokens", m.CacheCreation1hTokens, tokens, limit)
               ?? Tokens(what + ".cache_read_tokens", m.CacheReadTokens, tokens, limit)
               ?? (m.CostUsd is decimal c ? Cost(what + ".cost_usd", c) : null);
    });

    private static string? Counts(string what, IReadOnlyDictionary<string, int> counts)
    {
        long total = 0;
        foreach (var (key, count) in counts)
        {
            if (OutOfRange($"{what}.{key}", count, 0, MaxCount) is { } e) return e;
            total += count;
        }
        return OutOfRange(what + " (all together)", total, 0, MaxCount);
    }

    private static string? Tokens(string field, long value, long max, string limit) =>
        value < 0 ? $"{field} is {Number(value)}, below zero."
        : value > max ? $"{field} is {Number(value)}, more than {limit} ({Number(max)})."
        : null;

    private static string? Cost(string field, decimal value) =>
        value < 0 ? $"{field} is {value.ToString(CultureInfo.InvariantCulture)}, below zero."
        : value > MaxCostUsd ? $"{field} is {value.ToString(CultureInfo.InvariantCulture)}, more than the bound of {Number((long)MaxCostUsd)} USD."
        : null;

    private static string? OutOfRange(string field, long value, long min, long max) =>
        value < min || value > max ? $"{field} is {Number(value)}, outside {Number(min)} to {Number(max)}." : null;

    private static string? First<T>(IEnumerable<T> items, Func<T, string?> check)
    {
        foreach (var item in items)
            if (check(item) is { } problem) return problem;
        return null;
    }

    private static string Number(long value) => CommentFormatting.Number(value);
}
