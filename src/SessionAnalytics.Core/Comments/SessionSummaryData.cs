using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Comments;

/// <summary>How the pinned summary is rendered.</summary>
public sealed class SummaryOptions
{
    /// <summary>"pr" or "issue": the title says "PR Summary" or "Issue Summary". Null: "issue" when every session targets an issue, else "pr".</summary>
    public string? TargetType { get; init; }
    public int? TargetNumber { get; init; }
    /// <summary>The PR's or issue's state for the TL;DR (e.g. "merged", "open"); omitted when null.</summary>
    public string? Status { get; init; }
    public int MaxLength { get; init; } = SessionCommentOptions.GitHubMaxLength;
    public int MaxCellLength { get; init; } = 200;

    /// <summary>
    /// Sentences about what the summary does not count (session comments by other authors, unreadable ones), shown
    /// under the totals. They are part of the rendering, so every publisher that sees the same comments writes the same body.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// The pinned summary's data (its "Summary Data (JSON)"): totals recomputed from every session, never incremented.
/// Costs are per-session cents: each session's cost is rounded to cents first and the total is their exact sum, so the
/// summary's "Totals Verification" adds up to the last cent.
/// </summary>
public sealed class SessionSummaryData
{
    public const int SchemaVersion = 1;

    /// <summary>The sessions' figures add up to more than a total can hold (only figures outside <see cref="SessionFigureBounds"/> can).</summary>
    public const string FiguresOverflowErrorId = "SummaryFiguresOverflow";

    /// <summary>"pr", "issue", or null when the sessions name no common target.</summary>
    public string? TargetType { get; init; }
    public int? TargetNumber { get; init; }
    public string? Status { get; init; }
    /// <summary>Distinct sessions counted. Equals <see cref="Sessions"/>' count except in a summary whose rows were collapsed to fit.</summary>
    public int SessionCount { get; init; }
    /// <summary>The sessions' ids in display order (empty when a collapsed summary had no room for them).</summary>
    public IReadOnlyList<string> SessionIds { get; init; } = [];
    /// <summary>The sum of <see cref="SessionSummaryEntry.CostUsd"/> (each already in cents).</summary>
    public decimal TotalCostUsd { get; init; }
    public int TotalCommits { get; init; }
    public int TotalDurationMinutes { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheCreationTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long TotalTokens { get; init; }
    /// <summary>
    /// True when some session's output tokens are a lower bound (Claude Code's logged mid-stream counts), so the output
    /// total is too; false when every session's output is final; null when no session says (JSON written before this was measured).
    /// </summary>
    public bool? OutputTokensLowerBound { get; init; }
    /// <summary>How many sessions' output tokens are a lower bound.</summary>
    public int OutputTokensLowerBoundSessions { get; init; }
    /// <summary>Output tokens the sessions' final-usage corrections added (included in <see cref="OutputTokens"/>).</summary>
    public long OutputTokensCorrection { get; init; }
    /// <summary>Claude Code's own figures summed over the sessions that have them, beside ours for the same sessions; null when none has.</summary>
    public ClaudeCodeTotals? ClaudeCode { get; init; }
    /// <summary>Per model, summed across sessions; the most expensive first, then by name.</summary>
    public IReadOnlyList<ModelUsage> Models { get; init; } = [];
    /// <summary>One short record per session, ordered by start time, then session id.</summary>
    public IReadOnlyList<SessionSummaryEntry> Sessions { get; init; } = [];

    public override string ToString() =>
        $"{SessionCount} sessions ${TotalCostUsd:0.00} {TotalCommits} commits" + (Status is null ? "" : " " + Status);

    /// <summary>
    /// Aggregates <paramref name="sessions"/> (texts redacted): duplicates of one session id count once, the fullest
    /// (<see cref="SessionFullness.CompareFullest"/>: more messages, then tokens, tool calls, commits, minutes), then
    /// the first in the input (for comments: the oldest). An end time or a cost decides nothing: both are easy to forge
    /// upwards. Order is by <see cref="SessionStats.StartedAt"/> (unknown last), then session id. Every sum is checked:
    /// figures too large to add up give an <see cref="EngineException"/> (<see cref="FiguresOverflowErrorId"/>).
    /// </summary>
    public static SessionSummaryData Aggregate(IEnumerable<SessionStats> sessions, SummaryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        try { return AggregateChecked(sessions, options); }
        catch (OverflowException e)
        {
            throw new EngineException(new EngineError(FiguresOverflowErrorId, ErrorKind.LimitsExceeded,
                $"The sessions' figures add up to more than a summary total can hold ({e.Message}); no summary is written.", options?.TargetNumber, e)
            {
                RecommendedAction = "A session comment holds absurd figures: find it with Get-SessionAnalytics and correct or delete it.",
            });
        }
    }

    private static SessionSummaryData AggregateChecked(IEnumerable<SessionStats> sessions, SummaryOptions? options)
    {
        var distinct = sessions
            .Select((s, i) => (Stats: SecretRedactor.Redact(s ?? throw new ArgumentException("A session is null.", nameof(sessions))), Index: i))
            .GroupBy(x => x.Stats.SessionId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(x => x.Stats, Comparer<SessionStats>.Create(SessionFullness.CompareFullest))
                          .ThenBy(x => x.Index)
                          .First().Stats)
            .OrderBy(s => s.StartedAt is null ? 1 : 0)
            .ThenBy(s => s.StartedAt)
            .ThenBy(s => s.SessionId, StringComparer.Ordinal)
            .ToList();

        var entries = distinct.Select(s => new SessionSummaryEntry
        {
            SessionId = s.SessionId,
            Branch = s.Branch,
            StartedAt = s.StartedAt,
            EndedAt = s.EndedAt,
            DurationMinutes = s.DurationMinutes,
            CostUsd = CommentFormatting.Cents(s.EstimatedCostUsd),
            Commits = s.CommitCount,
            Skills = s.SkillsInvoked.Select(k => k.Skill).Distinct(StringComparer.Ordinal).ToList(),
            Models = s.Models.Select(m => m.Model).Distinct(StringComparer.Ordinal).ToList(),
            Status = SessionStatus(s),
            ClaudeCodeCostUsd = s.ClaudeCodeCostUsd,
            ClaudeCodeOutputTokens = s.ClaudeCodeOutputTokens,
            OutputTokens = s.OutputTokens,
            OutputTokensLowerBound = s.OutputTokensLowerBound,
        }).ToList();

        var models = distinct.SelectMany(s => s.Models)
            .GroupBy(m => m.Model, StringComparer.Ordinal)
            .Select(g => new ModelUsage
            {
                Model = g.Key,
                Messages = g.Sum(m => m.Messages),
                InputTokens = g.Sum(m => m.InputTokens),
                OutputTokens = g.Sum(m => m.OutputTokens),
                CacheCreationTokens = g.Sum(m => m.CacheCreationTokens),
                CacheCreation1hTokens = g.Sum(m => m.CacheCreation1hTokens),
                CacheReadTokens = g.Sum(m => m.CacheReadTokens),
                CostUsd = g.Any(m => m.CostUsd is not null) ? g.Sum(m => m.CostUsd ?? 0m) : null,
            })
            .OrderByDescending(m => m.CostUsd ?? -1m)
            .ThenBy(m => m.Model, StringComparer.Ordinal)
            .ToList();

        string? targetType = options?.TargetType?.ToLowerInvariant();
        int? targetNumber = options?.TargetNumber;
        if (targetType is null && distinct.Count > 0 && distinct.All(s => s.TargetType == distinct[0].TargetType && s.TargetNumber == distinct[0].TargetNumber))
        {
            targetType = distinct[0].TargetType;
            targetNumber = distinct[0].TargetNumber;
        }

        // Enumerable.Sum is checked: an overflow throws instead of wrapping to a wrong total.
        long input = distinct.Sum(s => s.InputTokens), output = distinct.Sum(s => s.OutputTokens);
        long cacheCreation = distinct.Sum(s => s.CacheCreationTokens), cacheRead = distinct.Sum(s => s.CacheReadTokens);
        return new SessionSummaryData
        {
            TargetType = targetType,
            TargetNumber = targetType is null ? null : targetNumber,
            Status = options?.Status,
            SessionCount = entries.Count,
            SessionIds = entries.Select(e => e.SessionId).ToList(),
            TotalCostUsd = entries.Sum(e => e.CostUsd),
            TotalCommits = entries.Sum(e => e.Commits),
            TotalDurationMinutes = entries.Sum(e => e.DurationMinutes),
            InputTokens = input,
            OutputTokens = output,
            CacheCreationTokens = cacheCreation,
            CacheReadTokens = cacheRead,
            TotalTokens = checked(input + output + cacheCreation + cacheRead),
            OutputTokensLowerBound = LowerBound(distinct.Select(s => s.OutputTokensLowerBound)),
            OutputTokensLowerBoundSessions = distinct.Count(s => s.OutputTokensLowerBound == true),
            OutputTokensCorrection = distinct.Sum(s => s.OutputTokensCorrection),
            ClaudeCode = ClaudeCodeTotals.Of(entries),
            Models = models,
            Sessions = entries,
        };
    }

    /// <summary>Any true → true; all false → false; otherwise (some unknown, none true) unknown.</summary>
    internal static bool? LowerBound(IEnumerable<bool?> sessions)
    {
        var list = sessions.ToList();
        return list.Any(b => b == true) ? true : list.Count > 0 && list.All(b => b == false) ? false : null;
    }

    /// <summary>"done" when every problem the session met was resolved, else "N unresolved".</summary>
    public static string SessionStatus(SessionStats s)
    {
        var open = s.ProblemsFaced.Count(p => !p.Resolved);
        return open == 0 ? "done" : CommentFormatting.Number(open) + " unresolved";
    }
}

/// <summary>One row of the summary's session history.</summary>
public sealed class SessionSummaryEntry
{
    public required string SessionId { get; init; }
    public string SessionIdShort => SessionStats.ShortId(SessionId);
    public string? Branch { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public int DurationMinutes { get; init; }
    /// <summary>The session's estimated cost rounded to cents (half away from zero): the addend the summary shows.</summary>
    public decimal CostUsd { get; init; }
    public int Commits { get; init; }
    public IReadOnlyList<string> Skills { get; init; } = [];
    public IReadOnlyList<string> Models { get; init; } = [];
    public string Status { get; init; } = "done";
    /// <summary>The session's output tokens (ours).</summary>
    public long OutputTokens { get; init; }
    /// <summary>Whether the session's output tokens are a lower bound; null when unknown.</summary>
    public bool? OutputTokensLowerBound { get; init; }
    /// <summary>Claude Code's own cost for the session; null when none was recorded.</summary>
    public decimal? ClaudeCodeCostUsd { get; init; }
    /// <summary>Claude Code's own output tokens for the session; null when none were recorded.</summary>
    public long? ClaudeCodeOutputTokens { get; init; }
    public override string ToString() => $"{SessionIdShort} {CommentFormatting.Duration(DurationMinutes)} {CommentFormatting.Money(CostUsd)} {Commits} commits {Status}";
}

/// <summary>
/// Claude Code's own figures summed over the sessions that have them, and ours for exactly those sessions, so the two
/// sums compare like with like ("Claude Code reported $A for 3 of 4 sessions; ours for those: $B").
/// </summary>
public sealed record ClaudeCodeTotals
{
    /// <summary>Sessions with a cost from Claude Code.</summary>
    public int CostSessions { get; init; }
    /// <summary>The sum of Claude Code's costs of those sessions.</summary>
    public decimal CostUsd { get; init; }
    /// <summary>The sum of our costs (in cents, as the summary adds them) of the same sessions.</summary>
    public decimal OursCostUsd { get; init; }
    /// <summary>Sessions with output tokens from Claude Code.</summary>
    public int OutputSessions { get; init; }
    public long OutputTokens { get; init; }
    /// <summary>Our output tokens of the same sessions.</summary>
    public long OursOutputTokens { get; init; }

    /// <summary>The sums over <paramref name="entries"/>; null when no session has a Claude Code figure. Checked sums.</summary>
    public static ClaudeCodeTotals? Of(IReadOnlyList<SessionSummaryEntry> entries)
    {
        var cost = entries.Where(e => e.ClaudeCodeCostUsd.HasValue).ToList();
        var output = entries.Where(e => e.ClaudeCodeOutputTokens.HasValue).ToList();
        if (cost.Count == 0 && output.Count == 0) return null;
        return new ClaudeCodeTotals
        {
            CostSessions = cost.Count,
            CostUsd = cost.Sum(e => e.ClaudeCodeCostUsd!.Value),
            OursCostUsd = cost.Sum(e => e.CostUsd),
            OutputSessions = output.Count,
            OutputTokens = output.Sum(e => e.ClaudeCodeOutputTokens!.Value),
            OursOutputTokens = output.Sum(e => e.OutputTokens),
        };
    }
}
