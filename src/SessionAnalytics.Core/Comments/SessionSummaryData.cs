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
}

/// <summary>
/// The pinned summary's data (its "Summary Data (JSON)"): totals recomputed from every session, never incremented.
/// Costs are per-session cents: each session's cost is rounded to cents first and the total is their exact sum, so the
/// summary's "Totals Verification" adds up to the last cent.
/// </summary>
public sealed class SessionSummaryData
{
    public const int SchemaVersion = 1;

    /// <summary>"pr", "issue", or null when the sessions name no common target.</summary>
    public string? TargetType { get; init; }
    public int? TargetNumber { get; init; }
    public string? Status { get; init; }
    public int SessionCount => Sessions.Count;
    public IReadOnlyList<string> SessionIds => Sessions.Select(s => s.SessionId).ToList();
    /// <summary>The sum of <see cref="SessionSummaryEntry.CostUsd"/> (each already in cents).</summary>
    public decimal TotalCostUsd { get; init; }
    public int TotalCommits { get; init; }
    public int TotalDurationMinutes { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheCreationTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long TotalTokens => InputTokens + OutputTokens + CacheCreationTokens + CacheReadTokens;
    /// <summary>Per model, summed across sessions; the most expensive first, then by name.</summary>
    public IReadOnlyList<ModelUsage> Models { get; init; } = [];
    /// <summary>One short record per session, ordered by start time, then session id.</summary>
    public IReadOnlyList<SessionSummaryEntry> Sessions { get; init; } = [];

    public override string ToString() =>
        $"{SessionCount} sessions ${TotalCostUsd:0.00} {TotalCommits} commits" + (Status is null ? "" : " " + Status);

    /// <summary>
    /// Aggregates <paramref name="sessions"/> (texts redacted): duplicates of one session id count once (the copy that
    /// ended last, then the one with more messages, then the later one in the input); order is by
    /// <see cref="SessionStats.StartedAt"/> (unknown last), then session id.
    /// </summary>
    public static SessionSummaryData Aggregate(IEnumerable<SessionStats> sessions, SummaryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var distinct = sessions
            .Select((s, i) => (Stats: SecretRedactor.Redact(s ?? throw new ArgumentException("A session is null.", nameof(sessions))), Index: i))
            .GroupBy(x => x.Stats.SessionId, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(x => x.Stats.EndedAt ?? DateTimeOffset.MinValue)
                          .ThenByDescending(x => x.Stats.MessageCount)
                          .ThenByDescending(x => x.Index)
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

        return new SessionSummaryData
        {
            TargetType = targetType,
            TargetNumber = targetType is null ? null : targetNumber,
            Status = options?.Status,
            TotalCostUsd = entries.Sum(e => e.CostUsd),
            TotalCommits = entries.Sum(e => e.Commits),
            TotalDurationMinutes = entries.Sum(e => e.DurationMinutes),
            InputTokens = distinct.Sum(s => s.InputTokens),
            OutputTokens = distinct.Sum(s => s.OutputTokens),
            CacheCreationTokens = distinct.Sum(s => s.CacheCreationTokens),
            CacheReadTokens = distinct.Sum(s => s.CacheReadTokens),
            Models = models,
            Sessions = entries,
        };
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
    public override string ToString() => $"{SessionIdShort} {CommentFormatting.Duration(DurationMinutes)} {CommentFormatting.Money(CostUsd)} {Commits} commits {Status}";
}
