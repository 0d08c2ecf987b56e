using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace SessionAnalytics.Core.Export;

// The Parquet dataset's two tables, one class per table, one property per column (snake_case, as the CSV). Types are
// what an engine should see: int64 for token counts, DECIMAL for money, rates and hours, TIMESTAMP (microseconds,
// adjusted to UTC) for instants, INT32 for small counts, UTF-8 strings for the rest. The partition columns
// (repository, month) are not stored in the files: they are the folder names (see AnalyticsParquetDataset).

/// <summary>A row of <c>sessions</c>: every field of a <see cref="SessionAnalyticsRecord"/> but the repository.</summary>
internal sealed class SessionParquetRow
{
    // The design's 29 columns, in its order.
    [JsonPropertyName("pr_number")] public int? PrNumber { get; set; }
    [JsonPropertyName("target_type")] public string? TargetType { get; set; }
    [JsonPropertyName("pr_title")] public string? PrTitle { get; set; }
    [JsonPropertyName("pr_author")] public string? PrAuthor { get; set; }
    [JsonPropertyName("pr_status")] public string? PrStatus { get; set; }
    [ParquetRequired, JsonPropertyName("session_id")] public string SessionId { get; set; } = "";
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true), JsonPropertyName("session_started")] public DateTime? SessionStarted { get; set; }
    [JsonPropertyName("session_duration_min")] public int SessionDurationMin { get; set; }
    [ParquetRequired, JsonPropertyName("models_used")] public string ModelsUsed { get; set; } = "";
    [JsonPropertyName("total_input_tokens")] public long TotalInputTokens { get; set; }
    [JsonPropertyName("total_output_tokens")] public long TotalOutputTokens { get; set; }
    [JsonPropertyName("total_cache_create")] public long TotalCacheCreate { get; set; }
    [JsonPropertyName("total_cache_read")] public long TotalCacheRead { get; set; }
    [ParquetDecimal(AnalyticsParquetDataset.CostPrecision, AnalyticsParquetDataset.CostScale), JsonPropertyName("estimated_cost_usd")] public decimal EstimatedCostUsd { get; set; }
    [JsonPropertyName("commits_count")] public int CommitsCount { get; set; }
    [ParquetRequired, JsonPropertyName("commit_shas")] public string CommitShas { get; set; } = "";
    [JsonPropertyName("ci_runs")] public int? CiRuns { get; set; }
    [ParquetDecimal(AnalyticsParquetDataset.FigurePrecision, AnalyticsParquetDataset.FigureScale), JsonPropertyName("ci_pass_rate")] public decimal? CiPassRate { get; set; }
    [ParquetRequired, JsonPropertyName("skills_used")] public string SkillsUsed { get; set; } = "";
    [ParquetRequired, JsonPropertyName("per_skill_tokens")] public string PerSkillTokens { get; set; } = "{}";
    [JsonPropertyName("subagent_count")] public int SubagentCount { get; set; }
    [ParquetRequired, JsonPropertyName("per_subagent_tokens")] public string PerSubagentTokens { get; set; } = "{}";
    [JsonPropertyName("problems_count")] public int ProblemsCount { get; set; }
    [JsonPropertyName("problems_resolved")] public int ProblemsResolved { get; set; }
    [JsonPropertyName("review_comments")] public int? ReviewComments { get; set; }
    [JsonPropertyName("lines_added")] public int? LinesAdded { get; set; }
    [JsonPropertyName("lines_removed")] public int? LinesRemoved { get; set; }
    [ParquetDecimal(AnalyticsParquetDataset.FigurePrecision, AnalyticsParquetDataset.FigureScale), JsonPropertyName("time_to_merge_hours")] public decimal? TimeToMergeHours { get; set; }
    [JsonPropertyName("acceptance_status")] public string? AcceptanceStatus { get; set; }

    // The detail the CSV leaves out.
    [JsonPropertyName("total_tokens")] public long TotalTokens { get; set; }
    [JsonPropertyName("project")] public string? Project { get; set; }
    [JsonPropertyName("branch")] public string? Branch { get; set; }
    [JsonPropertyName("comment_author")] public string? CommentAuthor { get; set; }
    [JsonPropertyName("comment_url")] public string? CommentUrl { get; set; }
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true), JsonPropertyName("pr_created_at")] public DateTime? PrCreatedAt { get; set; }
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true), JsonPropertyName("pr_merged_at")] public DateTime? PrMergedAt { get; set; }
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true), JsonPropertyName("pr_closed_at")] public DateTime? PrClosedAt { get; set; }
    /// <summary>The per-model JSON, so a record read back from the dataset is whole; the long table is the queryable form.</summary>
    [JsonPropertyName("per_model_usage")] public string? PerModelUsage { get; set; }
}

/// <summary>A row of <c>session_models</c>: one model's tokens and cost in one session.</summary>
internal sealed class SessionModelParquetRow
{
    [JsonPropertyName("target_type")] public string? TargetType { get; set; }
    [JsonPropertyName("pr_number")] public int? PrNumber { get; set; }
    [ParquetRequired, JsonPropertyName("session_id")] public string SessionId { get; set; } = "";
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true), JsonPropertyName("session_started")] public DateTime? SessionStarted { get; set; }
    [ParquetRequired, JsonPropertyName("model")] public string Model { get; set; } = "";
    [JsonPropertyName("input_tokens")] public long InputTokens { get; set; }
    [JsonPropertyName("output_tokens")] public long OutputTokens { get; set; }
    [JsonPropertyName("cache_create_tokens")] public long CacheCreateTokens { get; set; }
    [JsonPropertyName("cache_read_tokens")] public long CacheReadTokens { get; set; }
    [JsonPropertyName("total_tokens")] public long TotalTokens { get; set; }
    /// <summary>Null when the model had no known price.</summary>
    [ParquetDecimal(AnalyticsParquetDataset.CostPrecision, AnalyticsParquetDataset.CostScale), JsonPropertyName("cost_usd")] public decimal? CostUsd { get; set; }
    /// <summary>False for a row that holds a session's totals because its split by model is unknown (old CSV rows).</summary>
    [JsonPropertyName("split_known")] public bool SplitKnown { get; set; }
}
