using System.Globalization;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// The bounds a session's figures must keep when they are read back from a comment's JSON. A comment is text anyone
/// with write access (or a broken tool) may have written; a figure outside these bounds makes the whole comment
/// unreadable, so it is left out with a warning instead of turning a total negative or overflowing a sum.
/// <para>
/// Claude Code's own figures (<c>claude_code</c>) keep the same bounds, and a correction
/// (<c>output_tokens_correction</c>) can be no larger than the output it is part of.
/// </para>
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
               ?? Tokens("output_tokens_correction", s.OutputTokensCorrection, tokens, limit)
               ?? Included("output_tokens_correction", s.OutputTokensCorrection, "total_tokens.output", s.OutputTokens)
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
                                         ?? Tokens($"subagents[{a.Id}].output_tokens_correction", a.OutputTokensCorrection, tokens, limit)
                                         ?? Included($"subagents[{a.Id}].output_tokens_correction", a.OutputTokensCorrection, $"subagents[{a.Id}].tokens.output", a.OutputTokens)
                                         ?? OutOfRange($"subagents[{a.Id}].duration_ms", a.DurationMs ?? 0, 0, MaxMinutes * 60_000L)
                                         ?? OutOfRange($"subagents[{a.Id}].tool_uses", a.ToolUseCount ?? 0, 0, MaxCount))
               ?? First(s.ProblemsFaced, p => OutOfRange("problems_faced[].iterations", p.Iterations, 0, MaxCount))
               ?? First(s.WorkflowEdges, f => Counts($"workflow_edges.{f.Key}", f.Value))
               ?? ClaudeCode("claude_code.status_line", s.ClaudeCode?.StatusLine)
               ?? ClaudeCode("claude_code.cost_command", s.ClaudeCode?.CostCommand);
    }

    /// <summary>Claude Code's own figures as read back: the same bounds as ours (it cannot have billed more than a million
    /// responses at the bound either); durations as minutes; lines changed and web searches as counts.</summary>
    private static string? ClaudeCode(string what, ClaudeCodeFigures? f)
    {
        if (f is null) return null;
        const long tokens = MaxTokens;
        const string limit = "the bound of a million responses of 10^9 tokens each";
        return (f.CostUsd is decimal c ? Cost(what + ".cost_usd", c) : null)
               ?? Tokens(what + ".input_tokens", f.InputTokens ?? 0, tokens, limit)
               ?? Tokens(what + ".output_tokens", f.OutputTokens ?? 0, tokens, limit)
               ?? Tokens(what + ".cache_read_tokens", f.CacheReadTokens ?? 0, tokens, limit)
               ?? Tokens(what + ".cache_write_tokens", f.CacheWriteTokens ?? 0, tokens, limit)
               ?? OutOfRange(what + ".api_duration_ms", f.ApiDurationMs ?? 0, 0, MaxMinutes * 60_000L)
               ?? OutOfRange(what + ".wall_duration_ms", f.WallDurationMs ?? 0, 0, MaxMinutes * 60_000L)
               ?? OutOfRange(what + ".lines_added", f.LinesAdded ?? 0, 0, MaxCount)
               ?? OutOfRange(what + ".lines_removed", f.LinesRemoved ?? 0, 0, MaxCount)
               ?? First(f.Models, m => (m.CostUsd is decimal mc ? Cost($"{what}.models[{m.Model}].cost_usd", mc) : null)
                                       ?? Tokens($"{what}.models[{m.Model}].input_tokens", m.InputTokens ?? 0, tokens, limit)
                                       ?? Tokens($"{what}.models[{m.Model}].output_tokens", m.OutputTokens ?? 0, tokens, limit)
                                       ?? Tokens($"{what}.models[{m.Model}].cache_read_tokens", m.CacheReadTokens ?? 0, tokens, limit)
                                       ?? Tokens($"{what}.models[{m.Model}].cache_write_tokens", m.CacheWriteTokens ?? 0, tokens, limit)
                                       ?? OutOfRange($"{what}.models[{m.Model}].web_search_requests", m.WebSearchRequests ?? 0, 0, MaxCount));
    }

    /// <summary>A correction is part of the figure it corrects, so it cannot be larger.</summary>
    private static string? Included(string field, long part, string whole, long total) =>
        part > total ? $"{field} is {Number(part)}, more than {whole} ({Number(total)}) that includes it." : null;

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
