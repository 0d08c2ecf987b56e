using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Export;

/// <summary>What the Markdown report and the dashboard say about the report (title, period, repository labels).</summary>
public sealed class AnalyticsReportOptions
{
    /// <summary>The repository label; by default the records' repositories, or "local sessions of &lt;projects&gt;".</summary>
    public string? Repository { get; init; }
    /// <summary>The start of the period label; by default the first session's date.</summary>
    public DateOnly? From { get; init; }
    /// <summary>The end of the period label; by default the last session's date.</summary>
    public DateOnly? To { get; init; }
    /// <summary>Remarks listed at the end of the report (e.g. comments the extraction left out, and why).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// Every figure the Markdown report and the dashboard show, computed once from the records so both outputs agree.
/// The records are put in a fixed order (session start, session id, target) and duplicates of the same session on
/// the same PR/issue are dropped, so the same set of records gives the same files whatever order they arrived in.
/// </summary>
public sealed class AnalyticsSummary
{
    /// <summary>Bucket of the model table for sessions whose per-model split is not known (re-imported CSV rows with several models).</summary>
    public const string UnsplitModels = "(several models; split not in the CSV)";

    public required IReadOnlyList<SessionAnalyticsRecord> Records { get; init; }
    public required string RepositoryLabel { get; init; }
    public required string PeriodLabel { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    public int SessionCount => Records.Count;
    public int PullRequestCount => Targets.Count(t => t.Kind == TargetKind.PullRequest);
    public int IssueCount => Targets.Count(t => t.Kind == TargetKind.Issue);
    /// <summary>Records not tied to a PR or issue (local sessions).</summary>
    public int LocalSessionCount => Records.Count(r => KindOf(r) == TargetKind.Local);
    public decimal TotalCostUsd => Records.Sum(r => r.EstimatedCostUsd);
    public int TotalCommits => Records.Sum(r => r.CommitsCount);
    public long TotalInputTokens => Records.Sum(r => r.TotalInputTokens);
    public long TotalOutputTokens => Records.Sum(r => r.TotalOutputTokens);
    public long TotalCacheCreate => Records.Sum(r => r.TotalCacheCreate);
    public long TotalCacheRead => Records.Sum(r => r.TotalCacheRead);

    /// <summary>The cost of the sessions on PRs divided by the number of PRs; null without PRs.</summary>
    public decimal? AverageCostPerPullRequest
    {
        get
        {
            var prs = Targets.Where(t => t.Kind == TargetKind.PullRequest).ToList();
            return prs.Count == 0 ? null : prs.Sum(t => t.CostUsd) / prs.Count;
        }
    }

    public int MergedPullRequests => Targets.Count(t => t.Kind == TargetKind.PullRequest && t.Outcome == PullRequestOutcome.Merged);
    /// <summary>PRs closed without merging.</summary>
    public int RejectedPullRequests => Targets.Count(t => t.Kind == TargetKind.PullRequest && t.Outcome == PullRequestOutcome.Rejected);
    public int OpenPullRequests => Targets.Count(t => t.Kind == TargetKind.PullRequest && t.Outcome == PullRequestOutcome.Open);

    /// <summary>Merged PRs as a percentage of decided ones (merged or closed); open PRs are not decided yet. Null when none is decided.</summary>
    public decimal? AcceptanceRatePercent => Rate(MergedPullRequests, MergedPullRequests + RejectedPullRequests);

    /// <summary>Mean hours from creation to merge over the merged PRs that have the figure.</summary>
    public decimal? AverageTimeToMergeHours
    {
        get
        {
            var hours = Targets.Where(t => t.Kind == TargetKind.PullRequest && t.TimeToMergeHours is not null).Select(t => t.TimeToMergeHours!.Value).ToList();
            return hours.Count == 0 ? null : hours.Sum() / hours.Count;
        }
    }

    public required IReadOnlyList<TargetSummary> Targets { get; init; }
    public required IReadOnlyList<ModelSummary> Models { get; init; }
    public required IReadOnlyList<SkillSummary> Skills { get; init; }
    /// <summary>Tokens per UTC day of session start; sessions without a start date are left out.</summary>
    public required IReadOnlyList<DailyTokens> TokensByDay { get; init; }
    /// <summary>Decided PRs per week (Monday, UTC) of their last session.</summary>
    public required IReadOnlyList<WeeklyAcceptance> AcceptanceByWeek { get; init; }

    /// <summary>The design's summary table: metric and formatted value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SummaryRows
    {
        get
        {
            var rows = new List<KeyValuePair<string, string>>
            {
                new("PRs with session data", AnalyticsFormat.Count(PullRequestCount)),
                new("Issues with session data", AnalyticsFormat.Count(IssueCount)),
                new("Total sessions", AnalyticsFormat.Count(SessionCount)),
            };
            if (LocalSessionCount > 0) rows.Add(new("Sessions without a PR or issue", AnalyticsFormat.Count(LocalSessionCount)));
            rows.Add(new("Total cost", AnalyticsFormat.Cost(TotalCostUsd)));
            rows.Add(new("Total commits", AnalyticsFormat.Count(TotalCommits)));
            rows.Add(new("Average cost per PR", AverageCostPerPullRequest is { } avg ? AnalyticsFormat.Cost(avg) : "n/a"));
            rows.Add(new("PR acceptance rate", AcceptanceRatePercent is { } rate
                ? $"{AnalyticsFormat.Percent(rate)} ({MergedPullRequests} of {MergedPullRequests + RejectedPullRequests} decided PRs merged; {OpenPullRequests} open)"
                : $"n/a (no merged or closed PRs; {OpenPullRequests} open)"));
            rows.Add(new("Average time to merge", AverageTimeToMergeHours is { } h ? AnalyticsFormat.Hours(h) : "n/a"));
            return rows;
        }
    }

    public static AnalyticsSummary Create(IEnumerable<SessionAnalyticsRecord> records, AnalyticsReportOptions? options = null, IDiagnostics? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        options ??= new AnalyticsReportOptions();
        diagnostics ??= NullDiagnostics.Instance;
        var ordered = Normalize(records, diagnostics);
        var repositories = ordered.Select(r => r.Repository).Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var targets = BuildTargets(ordered, repositories.Count > 1);
        var projects = ordered.Select(r => r.Project).Where(p => !string.IsNullOrEmpty(p)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        return new AnalyticsSummary
        {
            Records = ordered,
            RepositoryLabel = options.Repository
                ?? (repositories.Count > 0 ? string.Join(", ", repositories!)
                    : projects.Count > 0 ? "local sessions of " + string.Join(", ", projects!) : "local sessions"),
            PeriodLabel = Period(options, ordered),
            Notes = options.Notes,
            Targets = targets,
            Models = BuildModels(ordered, diagnostics),
            Skills = BuildSkills(ordered, targets, diagnostics),
            TokensByDay = ordered.Where(r => r.SessionStarted is not null)
                .GroupBy(r => DateOnly.FromDateTime(r.SessionStarted!.Value.UtcDateTime))
                .OrderBy(g => g.Key)
                .Select(g => new DailyTokens(g.Key, g.Count(), g.Sum(r => r.TotalInputTokens), g.Sum(r => r.TotalOutputTokens), g.Sum(r => r.TotalCacheCreate), g.Sum(r => r.TotalCacheRead)))
                .ToList(),
            AcceptanceByWeek = targets.Where(t => t.Kind == TargetKind.PullRequest && t.Outcome is PullRequestOutcome.Merged or PullRequestOutcome.Rejected && t.LastSession is not null)
                .GroupBy(t => WeekStart(t.LastSession!.Value))
                .OrderBy(g => g.Key)
                .Select(g => new WeeklyAcceptance(g.Key, g.Count(t => t.Outcome == PullRequestOutcome.Merged), g.Count()))
                .ToList(),
        };
    }

    public static TargetKind KindOf(SessionAnalyticsRecord r) => r.TargetType?.ToLowerInvariant() switch
    {
        PullRequestTargetType.PullRequest when r.PrNumber is not null => TargetKind.PullRequest,
        PullRequestTargetType.Issue when r.PrNumber is not null => TargetKind.Issue,
        _ => TargetKind.Local,
    };

    internal static decimal? Rate(int part, int whole) => whole == 0 ? null : Math.Round(100m * part / whole, 1, MidpointRounding.AwayFromZero);

    private static List<SessionAnalyticsRecord> Normalize(IEnumerable<SessionAnalyticsRecord> records, IDiagnostics diagnostics)
    {
        var kept = new Dictionary<(string, string, string, int?), SessionAnalyticsRecord>();
        foreach (var r in records)
        {
            var key = (r.SessionId, r.Repository?.ToLowerInvariant() ?? "", KindOf(r).ToString(), r.PrNumber);
            if (kept.TryGetValue(key, out var earlier))
            {
                // Keep the larger measurement of the same session (a later re-post of a longer session).
                var keepNew = (r.TotalTokens, r.EstimatedCostUsd).CompareTo((earlier.TotalTokens, earlier.EstimatedCostUsd)) > 0;
                diagnostics.Warning($"Session {r.SessionId} appears more than once for {Describe(r)}; kept the one with {(keepNew ? r : earlier).TotalTokens:N0} tokens.");
                if (keepNew) kept[key] = r;
            }
            else kept[key] = r;
        }
        return kept.Values
            .OrderBy(r => r.SessionStarted is null)
            .ThenBy(r => r.SessionStarted)
            .ThenBy(r => r.SessionId, StringComparer.Ordinal)
            .ThenBy(r => r.Repository ?? "", StringComparer.Ordinal)
            .ThenBy(r => KindOf(r))
            .ThenBy(r => r.PrNumber)
            .ToList();
    }

    internal static string Describe(SessionAnalyticsRecord r) => KindOf(r) switch
    {
        TargetKind.PullRequest => $"PR #{r.PrNumber}",
        TargetKind.Issue => $"issue #{r.PrNumber}",
        _ => "no PR or issue",
    };

    private static string Period(AnalyticsReportOptions options, IReadOnlyList<SessionAnalyticsRecord> records)
    {
        var dated = records.Where(r => r.SessionStarted is not null).Select(r => DateOnly.FromDateTime(r.SessionStarted!.Value.UtcDateTime)).ToList();
        var from = options.From ?? (dated.Count > 0 ? dated.Min() : null);
        var to = options.To ?? (dated.Count > 0 ? dated.Max() : null);
        return (from, to) switch
        {
            ({ } f, { } t) => $"{AnalyticsFormat.Date(f)} to {AnalyticsFormat.Date(t)}",
            ({ } f, null) => $"from {AnalyticsFormat.Date(f)}",
            (null, { } t) => $"until {AnalyticsFormat.Date(t)}",
            _ => "no dated sessions",
        };
    }

    private static DateOnly WeekStart(DateTimeOffset d)
    {
        var day = DateOnly.FromDateTime(d.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static List<TargetSummary> BuildTargets(IReadOnlyList<SessionAnalyticsRecord> records, bool severalRepositories)
    {
        return records
            .GroupBy(TargetKeyOf)
            .Select(g =>
            {
                var first = g.First();
                var kind = g.Key.Kind;
                var repoPrefix = severalRepositories && !string.IsNullOrEmpty(first.Repository) ? first.Repository + " " : "";
                var label = kind switch
                {
                    TargetKind.PullRequest => $"{repoPrefix}PR #{first.PrNumber}",
                    TargetKind.Issue => $"{repoPrefix}Issue #{first.PrNumber}",
                    _ => first.Branch is { Length: > 0 } b ? $"Local: {b}" : "Local (no branch)",
                };
                var status = g.Select(r => r.PrStatus).FirstOrDefault(s => s is not null);
                var acceptance = g.Select(r => r.AcceptanceStatus).FirstOrDefault(s => s is not null);
                var dates = g.Where(r => r.SessionStarted is not null).Select(r => r.SessionStarted!.Value).ToList();
                return new TargetSummary
                {
                    Kind = kind,
                    Label = label,
                    Repository = first.Repository,
                    Number = kind == TargetKind.Local ? null : first.PrNumber,
                    Branch = kind == TargetKind.Local ? first.Branch : null,
                    Title = g.Select(r => r.PrTitle).FirstOrDefault(s => s is not null),
                    Author = g.Select(r => r.PrAuthor).FirstOrDefault(s => s is not null),
                    Status = status,
                    AcceptanceStatus = acceptance,
                    Outcome = kind == TargetKind.PullRequest ? OutcomeOf(acceptance ?? status) : PullRequestOutcome.Unknown,
                    Sessions = g.Count(),
                    CostUsd = g.Sum(r => r.EstimatedCostUsd),
                    Commits = g.Sum(r => r.CommitsCount),
                    InputTokens = g.Sum(r => r.TotalInputTokens),
                    OutputTokens = g.Sum(r => r.TotalOutputTokens),
                    CacheCreateTokens = g.Sum(r => r.TotalCacheCreate),
                    CacheReadTokens = g.Sum(r => r.TotalCacheRead),
                    CiRuns = g.Select(r => r.CiRuns).FirstOrDefault(v => v is not null),
                    CiPassRate = g.Select(r => r.CiPassRate).FirstOrDefault(v => v is not null),
                    ReviewComments = g.Select(r => r.ReviewComments).FirstOrDefault(v => v is not null),
                    LinesAdded = g.Select(r => r.LinesAdded).FirstOrDefault(v => v is not null),
                    LinesRemoved = g.Select(r => r.LinesRemoved).FirstOrDefault(v => v is not null),
                    TimeToMergeHours = g.Select(r => r.TimeToMergeHours).FirstOrDefault(v => v is not null),
                    FirstSession = dates.Count > 0 ? dates.Min() : null,
                    LastSession = dates.Count > 0 ? dates.Max() : null,
                };
            })
            .OrderBy(t => t.Kind)
            .ThenBy(t => t.Repository ?? "", StringComparer.OrdinalIgnoreCase)
            .ThenBy(t => t.Number)
            .ThenBy(t => t.Branch ?? "", StringComparer.Ordinal)
            .ToList();
    }

    private static PullRequestOutcome OutcomeOf(string? status) => status?.ToLowerInvariant() switch
    {
        "merged" => PullRequestOutcome.Merged,
        "closed" => PullRequestOutcome.Rejected,
        "open" => PullRequestOutcome.Open,
        _ => PullRequestOutcome.Unknown,
    };

    private static List<ModelSummary> BuildModels(IReadOnlyList<SessionAnalyticsRecord> records, IDiagnostics diagnostics)
    {
        var byModel = new Dictionary<string, ModelSummary>(StringComparer.Ordinal);
        ModelSummary Get(string model) => byModel.TryGetValue(model, out var m) ? m : byModel[model] = new ModelSummary { Model = model };

        foreach (var r in records)
            foreach (var row in SessionModelRows.For(r, diagnostics))
            {
                var m = Get(row.Model);
                m.Sessions++;
                m.InputTokens = checked(m.InputTokens + row.InputTokens);
                m.OutputTokens = checked(m.OutputTokens + row.OutputTokens);
                m.CacheCreateTokens = checked(m.CacheCreateTokens + row.CacheCreateTokens);
                m.CacheReadTokens = checked(m.CacheReadTokens + row.CacheReadTokens);
                if (row.CostUsd is { } cost) m.CostUsd = checked(m.CostUsd + cost);
                else m.UnpricedSessions++;
            }
        return byModel.Values.OrderByDescending(m => m.CostUsd).ThenByDescending(m => m.TotalTokens).ThenBy(m => m.Model, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The skills a record used: those of its per-skill JSON (with their invocation count and usage), then those only
    /// listed in skills_used (one invocation each). The report's skill table and the dashboard's filtered chart both
    /// add these up.
    /// </summary>
    internal static List<(string Skill, int Invocations, JsonElement? Usage)> SkillUses(SessionAnalyticsRecord r, IDiagnostics diagnostics)
    {
        var perSkill = SessionModelRows.ParseObject(r.PerSkillTokens, "per-skill tokens", r, diagnostics) ?? [];
        var listed = r.SkillsUsed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return perSkill.Keys.Concat(listed.Where(s => !perSkill.ContainsKey(s))).Distinct(StringComparer.Ordinal)
            .Select(name => perSkill.TryGetValue(name, out var usage)
                ? (name, usage.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 1, (JsonElement?)usage)
                : (name, 1, null))
            .ToList();
    }

    /// <summary>Which target (PR, issue, or local branch) a record counts towards: the grouping of <see cref="Targets"/>.</summary>
    internal static (TargetKind Kind, string Repository, string Branch, int Number) TargetKeyOf(SessionAnalyticsRecord r) =>
        KindOf(r) == TargetKind.Local
            ? (TargetKind.Local, "", r.Branch ?? "", 0)
            : (KindOf(r), r.Repository?.ToLowerInvariant() ?? "", "", r.PrNumber!.Value);

    private static List<SkillSummary> BuildSkills(IReadOnlyList<SessionAnalyticsRecord> records, IReadOnlyList<TargetSummary> targets, IDiagnostics diagnostics)
    {
        var outcomes = targets.Where(t => t.Kind == TargetKind.PullRequest)
            .ToDictionary(t => (t.Repository?.ToLowerInvariant() ?? "", t.Number!.Value), t => t.Outcome);
        var bySkill = new Dictionary<string, SkillSummary>(StringComparer.Ordinal);
        var prsBySkill = new Dictionary<string, HashSet<(string, int)>>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            foreach (var (name, invocations, usage) in SkillUses(r, diagnostics))
            {
                if (!bySkill.TryGetValue(name, out var s)) bySkill[name] = s = new SkillSummary { Skill = name };
                s.Sessions++;
                s.Invocations = checked(s.Invocations + invocations);
                if (usage is { } u)
                {
                    s.InputTokens = checked(s.InputTokens + SessionModelRows.Long(u, "in"));
                    s.OutputTokens = checked(s.OutputTokens + SessionModelRows.Long(u, "out"));
                    switch (u.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null)
                    {
                        case "pass": s.PassedSessions++; break;
                        case "fail": s.FailedSessions++; break;
                        case "partial": s.PartialSessions++; break;
                    }
                }
                if (KindOf(r) == TargetKind.PullRequest)
                {
                    if (!prsBySkill.TryGetValue(name, out var prs)) prsBySkill[name] = prs = [];
                    prs.Add((r.Repository?.ToLowerInvariant() ?? "", r.PrNumber!.Value));
                }
            }
        }
        foreach (var (name, prs) in prsBySkill)
        {
            bySkill[name].PullRequestsMerged = prs.Count(p => outcomes.GetValueOrDefault(p) == PullRequestOutcome.Merged);
            bySkill[name].PullRequestsDecided = prs.Count(p => outcomes.GetValueOrDefault(p) is PullRequestOutcome.Merged or PullRequestOutcome.Rejected);
        }
        return bySkill.Values.OrderByDescending(s => s.Invocations).ThenBy(s => s.Skill, StringComparer.Ordinal).ToList();
    }
}

public enum TargetKind
{
    PullRequest,
    Issue,
    /// <summary>Sessions not tied to a PR or issue; grouped by branch.</summary>
    Local,
}

public enum PullRequestOutcome
{
    Unknown,
    Open,
    Merged,
    /// <summary>Closed without merging.</summary>
    Rejected,
}

/// <summary>The sessions of one PR, one issue, or one local branch, added up.</summary>
public sealed class TargetSummary
{
    public required TargetKind Kind { get; init; }
    /// <summary>"PR #12", "Issue #8", "Local: fix/x" (with the repository in front when the report spans several).</summary>
    public required string Label { get; init; }
    public string? Repository { get; init; }
    public int? Number { get; init; }
    public string? Branch { get; init; }
    public string? Title { get; init; }
    public string? Author { get; init; }
    public string? Status { get; init; }
    public string? AcceptanceStatus { get; init; }
    public PullRequestOutcome Outcome { get; init; }
    public int Sessions { get; init; }
    public decimal CostUsd { get; init; }
    public int Commits { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheCreateTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public int? CiRuns { get; init; }
    public decimal? CiPassRate { get; init; }
    public int? ReviewComments { get; init; }
    public int? LinesAdded { get; init; }
    public int? LinesRemoved { get; init; }
    public decimal? TimeToMergeHours { get; init; }
    public DateTimeOffset? FirstSession { get; init; }
    public DateTimeOffset? LastSession { get; init; }
}

/// <summary>One model's share of the sessions.</summary>
public sealed class ModelSummary
{
    public required string Model { get; init; }
    public int Sessions { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CacheCreateTokens { get; set; }
    public long CacheReadTokens { get; set; }
    public decimal CostUsd { get; set; }
    /// <summary>Sessions in which this model had no known price (its cost counts as 0).</summary>
    public int UnpricedSessions { get; set; }
    public long TotalTokens => checked(InputTokens + OutputTokens + CacheCreateTokens + CacheReadTokens);
}

/// <summary>How often a skill was used, what it cost in tokens, and how its PRs ended.</summary>
public sealed class SkillSummary
{
    public required string Skill { get; init; }
    public int Sessions { get; set; }
    public int Invocations { get; set; }
    public int PassedSessions { get; set; }
    public int FailedSessions { get; set; }
    public int PartialSessions { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    /// <summary>Merged PRs among the PRs whose sessions used the skill.</summary>
    public int PullRequestsMerged { get; set; }
    /// <summary>Merged or closed PRs among the PRs whose sessions used the skill.</summary>
    public int PullRequestsDecided { get; set; }
}

public sealed record DailyTokens(DateOnly Day, int Sessions, long InputTokens, long OutputTokens, long CacheCreateTokens, long CacheReadTokens);

public sealed record WeeklyAcceptance(DateOnly WeekStart, int Merged, int Decided)
{
    public decimal RatePercent => AnalyticsSummary.Rate(Merged, Decided) ?? 0m;
}

/// <summary>Invariant number formats shared by the report and the dashboard.</summary>
public static class AnalyticsFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    public static string Cost(decimal usd) => (usd < 0 ? "-$" : "$") + Math.Abs(usd).ToString("#,##0.00", Invariant);
    public static string Count(long n) => n.ToString("#,##0", Invariant);
    public static string Percent(decimal p) => p.ToString("0.#", Invariant) + "%";
    public static string Hours(decimal h) => Math.Round(h, 1, MidpointRounding.AwayFromZero).ToString("0.0", Invariant) + "h";
    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", Invariant);
    public static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant);
    public static string Minutes(int minutes) => minutes >= 60 ? $"{minutes / 60}h {minutes % 60:00}m" : $"{minutes}m";
}
