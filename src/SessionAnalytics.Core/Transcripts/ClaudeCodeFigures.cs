using System.Text.Json.Serialization;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>Where a <see cref="ClaudeCodeFigures"/> came from (its <c>source</c> in JSON).</summary>
public static class ClaudeCodeFigureSources
{
    /// <summary>The latest status line JSON of the session, saved by integrations/claude-code/statusline.</summary>
    public const string StatusLine = "statusline";

    /// <summary>The text Claude Code's <c>/cost</c> command printed, as the transcript recorded it.</summary>
    public const string CostCommand = "cost_command";
}

/// <summary>
/// What Claude Code itself said a session cost and used, from one source, next to which SessionAnalytics shows its own
/// figures. Every figure is null when the source did not give it; <see cref="Missing"/> names those the source can
/// give but did not, so "not shown" is never mistaken for zero. Immutable: copy with <c>with</c>. Serialised with
/// <see cref="ClaudeCodeFiguresJsonContext"/> in snake_case, meant for the session JSON's <c>claude_code</c> object.
/// </summary>
/// <remarks>
/// Token figures, as Claude Code counts them: <see cref="InputTokens"/> is input that was neither read from nor written
/// to the prompt cache (the status line's <c>context_window.total_input_tokens</c>, the sum of /cost's "input"
/// column); cache tokens come only from /cost. Claude Code sums final usage, which transcripts do not hold (they log
/// mid-stream output counts), so its output figure is expected to be the larger. /cost prints rounded numbers
/// ("15.7k"): <see cref="TokensRounded"/> says so.
/// </remarks>
public sealed record ClaudeCodeFigures
{
    /// <summary><see cref="ClaudeCodeFigureSources.StatusLine"/> or <see cref="ClaudeCodeFigureSources.CostCommand"/>.</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    /// <summary>The session the figures belong to, as the source states it (the status line's session_id, the
    /// transcript line's sessionId).</summary>
    [JsonPropertyName("session_id")] public string? SessionId { get; init; }

    /// <summary>Claude Code's own estimate of the session's cost at list prices. Null for subscription users, to whom
    /// /cost shows no amount.</summary>
    [JsonPropertyName("cost_usd")] public decimal? CostUsd { get; init; }

    [JsonPropertyName("input_tokens")] public long? InputTokens { get; init; }
    [JsonPropertyName("output_tokens")] public long? OutputTokens { get; init; }
    /// <summary>Only /cost reports cache tokens (summed over its models).</summary>
    [JsonPropertyName("cache_read_tokens")] public long? CacheReadTokens { get; init; }
    [JsonPropertyName("cache_write_tokens")] public long? CacheWriteTokens { get; init; }
    /// <summary>True when a token figure was printed rounded (k/m suffix): then it is exact only to that precision.</summary>
    [JsonPropertyName("tokens_rounded")] public bool TokensRounded { get; init; }

    /// <summary>Time spent waiting for the API, in milliseconds.</summary>
    [JsonPropertyName("api_duration_ms")] public long? ApiDurationMs { get; init; }
    /// <summary>Wall-clock time of the Claude Code process, in milliseconds.</summary>
    [JsonPropertyName("wall_duration_ms")] public long? WallDurationMs { get; init; }
    [JsonPropertyName("lines_added")] public long? LinesAdded { get; init; }
    [JsonPropertyName("lines_removed")] public long? LinesRemoved { get; init; }

    /// <summary>The model in use when the status line was recorded (<c>model.id</c>); /cost lists models instead.</summary>
    [JsonPropertyName("model")] public string? Model { get; init; }
    /// <summary>The Claude Code version that produced the figures, when the source says.</summary>
    [JsonPropertyName("claude_code_version")] public string? ClaudeCodeVersion { get; init; }
    /// <summary>The status line's transcript_path (tells which transcript the figures describe).</summary>
    [JsonPropertyName("transcript_path")] public string? TranscriptPath { get; init; }

    /// <summary>When Claude Code produced the figures: the recorded file's last write, or the /cost line's timestamp.</summary>
    [JsonPropertyName("recorded_at")] public DateTimeOffset? RecordedAt { get; init; }
    /// <summary>The file the figures were read from; for /cost, "transcript:line".</summary>
    [JsonPropertyName("location")] public string? Location { get; init; }

    /// <summary>/cost's "Usage by model" rows, in its order; empty for the status line.</summary>
    [JsonPropertyName("models")] public IReadOnlyList<ClaudeCodeModelFigures> Models { get; init; } = [];

    /// <summary>The JSON names of the figures this source can give but did not (e.g. "cost_usd" for a subscription).</summary>
    [JsonPropertyName("missing")] public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>What the source said about its own figures, verbatim where possible (the subscription notice, "costs may
    /// be inaccurate due to usage of unknown models").</summary>
    [JsonPropertyName("notes")] public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Those of <paramref name="figures"/> (JSON names of the nullable figures) that are null here, in order.</summary>
    internal List<string> Absent(IEnumerable<string> figures) => figures.Where(name => name switch
    {
        "cost_usd" => !CostUsd.HasValue,
        "input_tokens" => !InputTokens.HasValue,
        "output_tokens" => !OutputTokens.HasValue,
        "cache_read_tokens" => !CacheReadTokens.HasValue,
        "cache_write_tokens" => !CacheWriteTokens.HasValue,
        "api_duration_ms" => !ApiDurationMs.HasValue,
        "wall_duration_ms" => !WallDurationMs.HasValue,
        "lines_added" => !LinesAdded.HasValue,
        "lines_removed" => !LinesRemoved.HasValue,
        _ => throw new ArgumentOutOfRangeException(nameof(figures), name, "not a figure of ClaudeCodeFigures"),
    }).ToList();
}

/// <summary>One row of /cost's "Usage by model": Claude Code groups model versions under a short name.</summary>
public sealed record ClaudeCodeModelFigures
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("input_tokens")] public long? InputTokens { get; init; }
    [JsonPropertyName("output_tokens")] public long? OutputTokens { get; init; }
    [JsonPropertyName("cache_read_tokens")] public long? CacheReadTokens { get; init; }
    [JsonPropertyName("cache_write_tokens")] public long? CacheWriteTokens { get; init; }
    [JsonPropertyName("web_search_requests")] public long? WebSearchRequests { get; init; }
    [JsonPropertyName("cost_usd")] public decimal? CostUsd { get; init; }
}

/// <summary>Source-generated System.Text.Json metadata for <see cref="ClaudeCodeFigures"/> (snake_case names, nulls written).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ClaudeCodeFigures))]
public sealed partial class ClaudeCodeFiguresJsonContext : JsonSerializerContext;
