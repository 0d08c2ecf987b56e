using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Export;

/// <summary>
/// One session's figures for one pull request or issue: a row of the design's <c>analytics.csv</c>.
/// The first 29 properties are the design's CSV columns in its order (<see cref="CsvColumns"/>); the first property
/// after them, <see cref="Repository"/>, is the CSV's 30th column (<see cref="CsvFileColumns"/>); the rest is extra
/// detail the reports and the Parquet dataset use and the CSV leaves out. Flat scalars only, so
/// <c>Where-Object</c>, <c>Sort-Object</c> and <c>Export-Csv</c> behave as a user expects.
/// GitHub-derived columns are null when the data is absent (local sessions, a failed API call).
/// </summary>
public sealed record SessionAnalyticsRecord
{
    /// <summary>The design's CSV columns, in the design's order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "pr_number", "target_type", "pr_title", "pr_author", "pr_status",
        "session_id", "session_started", "session_duration_min", "models_used",
        "total_input_tokens", "total_output_tokens", "total_cache_create", "total_cache_read", "estimated_cost_usd",
        "commits_count", "commit_shas", "ci_runs", "ci_pass_rate",
        "skills_used", "per_skill_tokens", "subagent_count", "per_subagent_tokens",
        "problems_count", "problems_resolved", "review_comments", "lines_added", "lines_removed",
        "time_to_merge_hours", "acceptance_status",
    ];

    /// <summary>
    /// The columns of analytics.csv: the design's 29, then <c>repository</c> (owner/name), so the same PR number in two
    /// repositories stays two PRs when the file is read back. A CSV written before the column existed still reads
    /// (its records have no repository).
    /// </summary>
    public static IReadOnlyList<string> CsvFileColumns { get; } = [.. CsvColumns, "repository"];

    // ---- the 29 CSV columns, in the design's order ----

    /// <summary>PR or issue number (<c>pr_number</c>).</summary>
    public int? PrNumber { get; init; }
    /// <summary>"pr" or "issue"; null for a session not tied to either (<c>target_type</c>).</summary>
    public string? TargetType { get; init; }
    public string? PrTitle { get; init; }
    /// <summary>The PR/issue author's login.</summary>
    public string? PrAuthor { get; init; }
    /// <summary>open, merged or closed.</summary>
    public string? PrStatus { get; init; }
    /// <summary>The full session UUID.</summary>
    public required string SessionId { get; init; }
    public DateTimeOffset? SessionStarted { get; init; }
    public int SessionDurationMin { get; init; }
    /// <summary>Comma-separated model ids, the most expensive first.</summary>
    public string ModelsUsed { get; init; } = "";
    public long TotalInputTokens { get; init; }
    public long TotalOutputTokens { get; init; }
    public long TotalCacheCreate { get; init; }
    public long TotalCacheRead { get; init; }
    public decimal EstimatedCostUsd { get; init; }
    public int CommitsCount { get; init; }
    /// <summary>Semicolon-separated commit SHAs.</summary>
    public string CommitShas { get; init; } = "";
    /// <summary>Completed CI workflow runs for the PR's commits.</summary>
    public int? CiRuns { get; init; }
    /// <summary>Percentage (0–100) of CI runs that passed.</summary>
    public decimal? CiPassRate { get; init; }
    /// <summary>Comma-separated skills in invocation order.</summary>
    public string SkillsUsed { get; init; } = "";
    /// <summary>JSON object: skill → {"in", "out", "count", "status"} (the design's {in, out} plus two fields).</summary>
    public string PerSkillTokens { get; init; } = "{}";
    public int SubagentCount { get; init; }
    /// <summary>JSON object: subagent type → {"in", "out", "count"}, summed over the subagents of that type.</summary>
    public string PerSubagentTokens { get; init; } = "{}";
    public int ProblemsCount { get; init; }
    public int ProblemsResolved { get; init; }
    public int? ReviewComments { get; init; }
    public int? LinesAdded { get; init; }
    public int? LinesRemoved { get; init; }
    /// <summary>Hours from the PR's creation to its merge; null unless merged.</summary>
    public decimal? TimeToMergeHours { get; init; }
    /// <summary>PRs: merged, closed or open. Issues: completed, not_planned, closed or open.</summary>
    public string? AcceptanceStatus { get; init; }

    // ---- the CSV's 30th column ----

    /// <summary>"owner/name" of the PR/issue (<c>repository</c>); null for local sessions.</summary>
    public string? Repository { get; init; }

    // ---- extra detail, not in the CSV ----

    /// <summary>The session's project (the name of its working folder).</summary>
    public string? Project { get; init; }
    /// <summary>The session's git branch.</summary>
    public string? Branch { get; init; }
    /// <summary>Who posted the session comment this record was read from (extraction only).</summary>
    public string? CommentAuthor { get; init; }
    public string? CommentUrl { get; init; }
    public DateTimeOffset? PrCreatedAt { get; init; }
    public DateTimeOffset? PrMergedAt { get; init; }
    public DateTimeOffset? PrClosedAt { get; init; }
    /// <summary>
    /// JSON object: model → {"in", "out", "cache_create", "cache_read", "cost_usd"}; null when unknown
    /// (records re-imported from the CSV, which has only <see cref="ModelsUsed"/>).
    /// </summary>
    public string? PerModelUsage { get; init; }

    /// <summary>Input + output + cache creation + cache read.</summary>
    public long TotalTokens => checked(TotalInputTokens + TotalOutputTokens + TotalCacheCreate + TotalCacheRead);
    public string SessionIdShort => SessionStats.ShortId(SessionId);

    /// <summary>
    /// The record for one session and (optionally) the PR/issue it belongs to. Without <paramref name="target"/> the
    /// GitHub columns stay empty; the target type and number still come from the session itself when it knows them.
    /// </summary>
    public static SessionAnalyticsRecord FromStats(SessionStats stats, PullRequestInfo? target = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return new SessionAnalyticsRecord
        {
            PrNumber = target?.Number ?? stats.TargetNumber,
            TargetType = target?.TargetType ?? stats.TargetType,
            PrTitle = target?.Title,
            PrAuthor = target?.Author,
            PrStatus = target?.State,
            SessionId = stats.SessionId,
            // To the second, as the design's JSON has it: the same session gives the same row from its stats, from its
            // comment and from its stats CSV (Export-Csv writes times to the second).
            SessionStarted = stats.StartedAt is { } started ? started.AddTicks(-(started.Ticks % TimeSpan.TicksPerSecond)) : null,
            SessionDurationMin = stats.DurationMinutes,
            ModelsUsed = stats.ModelsUsed,
            TotalInputTokens = stats.InputTokens,
            TotalOutputTokens = stats.OutputTokens,
            TotalCacheCreate = stats.CacheCreationTokens,
            TotalCacheRead = stats.CacheReadTokens,
            EstimatedCostUsd = stats.EstimatedCostUsd,
            CommitsCount = stats.CommitCount,
            CommitShas = string.Join(";", stats.Commits.Select(c => c.Sha)),
            CiRuns = target?.CiRuns,
            CiPassRate = target?.CiPassRate,
            SkillsUsed = stats.SkillsUsed,
            PerSkillTokens = JsonObject(w =>
            {
                foreach (var skill in stats.SkillsInvoked)
                {
                    w.WriteStartObject(skill.Skill);
                    w.WriteNumber("in", skill.InputTokens);
                    w.WriteNumber("out", skill.OutputTokens);
                    w.WriteNumber("count", skill.Count);
                    w.WriteString("status", skill.Status);
                    w.WriteEndObject();
                }
            }),
            SubagentCount = stats.SubagentCount,
            PerSubagentTokens = JsonObject(w =>
            {
                foreach (var type in stats.Subagents.GroupBy(a => a.Type ?? UnknownSubagentType).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject(type.Key);
                    w.WriteNumber("in", type.Sum(a => a.InputTokens));
                    w.WriteNumber("out", type.Sum(a => a.OutputTokens));
                    w.WriteNumber("count", type.Select(a => a.Id).Distinct(StringComparer.Ordinal).Count()); // rows are per subagent and model
                    w.WriteEndObject();
                }
            }),
            ProblemsCount = stats.ProblemCount,
            ProblemsResolved = stats.ProblemsFaced.Count(p => p.Resolved),
            ReviewComments = target?.ReviewComments,
            LinesAdded = target?.LinesAdded,
            LinesRemoved = target?.LinesRemoved,
            TimeToMergeHours = target?.TimeToMergeHours,
            AcceptanceStatus = target?.AcceptanceStatus,
            Repository = target?.Repository,
            Project = stats.Project,
            Branch = stats.Branch,
            PrCreatedAt = target?.CreatedAt,
            PrMergedAt = target?.MergedAt,
            PrClosedAt = target?.ClosedAt,
            PerModelUsage = JsonObject(w =>
            {
                foreach (var m in stats.Models)
                {
                    w.WriteStartObject(m.Model);
                    w.WriteNumber("in", m.InputTokens);
                    w.WriteNumber("out", m.OutputTokens);
                    w.WriteNumber("cache_create", m.CacheCreationTokens);
                    w.WriteNumber("cache_read", m.CacheReadTokens);
                    // Unrounded, so a session's model costs add up to its cost exactly (the dataset's long table
                    // sums to the sessions table). Comments round them to 4 decimals (SessionStatsJson).
                    if (m.CostUsd is decimal c) w.WriteNumber("cost_usd", c); else w.WriteNull("cost_usd");
                    w.WriteEndObject();
                }
            }),
        };
    }

    /// <summary>Subagents launched without a type are grouped under this name in <see cref="PerSubagentTokens"/>.</summary>
    public const string UnknownSubagentType = "unknown";

    /// <summary>
    /// Builds a record from named text cells: a row of analytics.csv, or the properties of an object re-imported with
    /// Import-Csv. Columns are looked up by the design's snake_case name, then by the property name
    /// (<c>pr_number</c>, then <c>PrNumber</c>), case-insensitively. When the cells use the snake_case names they come
    /// from analytics.csv, whose writer prefixed risky text with <c>'</c>; that prefix is removed again
    /// (<see cref="AnalyticsCsvWriter"/>). Throws <see cref="FormatException"/> naming the column and the value.
    /// </summary>
    public static SessionAnalyticsRecord FromCells(IReadOnlyDictionary<string, string?> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var c = new CellReader(cells);
        return new SessionAnalyticsRecord
        {
            PrNumber = c.Int("pr_number"),
            TargetType = c.Text("target_type"),
            PrTitle = c.Text("pr_title"),
            PrAuthor = c.Text("pr_author"),
            PrStatus = c.Text("pr_status"),
            SessionId = c.Text("session_id") ?? throw new FormatException("Column 'session_id' is empty: every record needs its session id."),
            SessionStarted = c.Date("session_started"),
            SessionDurationMin = c.Int("session_duration_min") ?? 0,
            ModelsUsed = c.Text("models_used") ?? "",
            TotalInputTokens = c.Long("total_input_tokens") ?? 0,
            TotalOutputTokens = c.Long("total_output_tokens") ?? 0,
            TotalCacheCreate = c.Long("total_cache_create") ?? 0,
            TotalCacheRead = c.Long("total_cache_read") ?? 0,
            EstimatedCostUsd = c.Decimal("estimated_cost_usd") ?? 0m,
            CommitsCount = c.Int("commits_count") ?? 0,
            CommitShas = c.Text("commit_shas") ?? "",
            CiRuns = c.Int("ci_runs"),
            CiPassRate = c.Decimal("ci_pass_rate"),
            SkillsUsed = c.Text("skills_used") ?? "",
            PerSkillTokens = c.JsonObjectText("per_skill_tokens") ?? "{}",
            SubagentCount = c.Int("subagent_count") ?? 0,
            PerSubagentTokens = c.JsonObjectText("per_subagent_tokens") ?? "{}",
            ProblemsCount = c.Int("problems_count") ?? 0,
            ProblemsResolved = c.Int("problems_resolved") ?? 0,
            ReviewComments = c.Int("review_comments"),
            LinesAdded = c.Int("lines_added"),
            LinesRemoved = c.Int("lines_removed"),
            TimeToMergeHours = c.Decimal("time_to_merge_hours"),
            AcceptanceStatus = c.Text("acceptance_status"),
            Repository = c.Text("repository"),
            Project = c.Text("project"),
            Branch = c.Text("branch"),
            CommentAuthor = c.Text("comment_author"),
            CommentUrl = c.Text("comment_url"),
            PrCreatedAt = c.Date("pr_created_at"),
            PrMergedAt = c.Date("pr_merged_at"),
            PrClosedAt = c.Date("pr_closed_at"),
            PerModelUsage = c.JsonObjectText("per_model_usage"),
        };
    }

    /// <summary>"PascalCase" for a snake_case column name: pr_number → PrNumber.</summary>
    public static string PropertyName(string column) =>
        string.Concat(column.Split('_').Select(part => part.Length == 0 ? "" : char.ToUpperInvariant(part[0]) + part[1..]));

    public override string ToString() =>
        $"{(TargetType is null ? "local" : $"{TargetType} #{PrNumber}")} {SessionIdShort} {SessionStarted:yyyy-MM-dd} ${EstimatedCostUsd:0.00} {CommitsCount} commits";

    /// <summary>ISO 8601 in UTC, fractional seconds only when present (so the round trip is exact).</summary>
    public const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public static string FormatDate(DateTimeOffset d) => d.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static readonly JsonWriterOptions CellJsonOptions = new()
    {
        // The JSON lives in a CSV cell; HTML-escaping it would only make it harder to read there.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string JsonObject(Action<Utf8JsonWriter> writeProperties)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CellJsonOptions))
        {
            w.WriteStartObject();
            writeProperties(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private sealed class CellReader
    {
        private readonly IReadOnlyDictionary<string, string?> _cells;
        private readonly bool _neutralised;

        public CellReader(IReadOnlyDictionary<string, string?> cells)
        {
            var byName = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in cells) byName.TryAdd(name, value);
            _cells = byName;
            // Only our CSV writer neutralises cells, and only it uses the snake_case names.
            _neutralised = byName.ContainsKey("session_id");
        }

        public string? Text(string column)
        {
            if (!_cells.TryGetValue(column, out var value) && !_cells.TryGetValue(PropertyName(column), out value)) return null;
            if (string.IsNullOrEmpty(value)) return null;
            return _neutralised ? AnalyticsCsvWriter.Restore(value) : value;
        }

        public int? Int(string column) => Parse(column, (s, c) => int.Parse(s, NumberStyles.Integer, c), "a whole number");
        public long? Long(string column) => Parse(column, (s, c) => long.Parse(s, NumberStyles.Integer, c), "a whole number");
        public decimal? Decimal(string column) => Parse(column, (s, c) => decimal.Parse(s, NumberStyles.Float, c), "a number");

        public DateTimeOffset? Date(string column) =>
            Parse(column, (s, c) => DateTimeOffset.Parse(s, c, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), "an ISO 8601 date");

        public string? JsonObjectText(string column)
        {
            var text = Text(column);
            if (text is null) return null;
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object) return text;
            }
            catch (JsonException) { }
            throw new FormatException($"Column '{column}' is not a JSON object: '{Truncate(text)}'.");
        }

        private T? Parse<T>(string column, Func<string, IFormatProvider, T> parse, string expected) where T : struct
        {
            var text = Text(column)?.Trim();
            if (string.IsNullOrEmpty(text)) return null;
            try { return parse(text, CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                // Export-Csv writes numbers and dates in the current culture ("1,25", "02.02.2026 09:30:00 +00:00");
                // analytics.csv is always invariant, so only the property-name form gets this second try.
                if (!_neutralised)
                {
                    try { return parse(text, CultureInfo.CurrentCulture); }
                    catch (Exception again) when (again is FormatException or OverflowException) { }
                }
                throw new FormatException($"Column '{column}' should be {expected} but is '{Truncate(text)}'.", e);
            }
        }

        private static string Truncate(string s) => s.Length > 60 ? s[..60] + "…" : s;
    }
}
