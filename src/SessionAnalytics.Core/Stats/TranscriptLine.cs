using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// One transcript line as the measurement parts see it: the top-level fields read in one pass over the line's object,
/// kept as <see cref="JsonElement"/>s (no string is made until a part asks for one). This is the parts' only view of a
/// line's JSON, so a faster reader can feed them by producing the same surface.
/// </summary>
internal readonly struct TranscriptLine
{
    public TranscriptLine(JsonElement root, TranscriptFileKind file, string? fileAgent, LineSource source, LineErrors errors, long number)
    {
        File = file;
        FileAgent = fileAgent;
        Source = source;
        Errors = errors;
        Number = number;
        foreach (var p in root.EnumerateObject())
        {
            if (p.NameEquals("type"u8)) Type = p.Value;
            else if (p.NameEquals("message"u8)) Message = p.Value;
            else if (p.NameEquals("uuid"u8)) Uuid = p.Value;
            else if (p.NameEquals("parentUuid"u8)) ParentUuid = p.Value;
            else if (p.NameEquals("timestamp"u8)) Timestamp = p.Value;
            else if (p.NameEquals("sessionId"u8)) SessionId = p.Value;
            else if (p.NameEquals("isSidechain"u8)) IsSidechain = p.Value.ValueKind == JsonValueKind.True;
            else if (p.NameEquals("agentId"u8)) AgentId = p.Value;
            else if (p.NameEquals("requestId"u8)) RequestId = p.Value;
            else if (p.NameEquals("toolUseResult"u8)) ToolUseResult = p.Value;
            else if (p.NameEquals("cwd"u8)) Cwd = p.Value;
            else if (p.NameEquals("version"u8)) Version = p.Value;
            else if (p.NameEquals("gitBranch"u8)) GitBranch = p.Value;
            else if (p.NameEquals("subtype"u8)) Subtype = p.Value;
            else if (p.NameEquals("isMeta"u8)) IsMeta = p.Value.ValueKind == JsonValueKind.True;
            else if (p.NameEquals("isCompactSummary"u8)) IsCompactSummary = p.Value.ValueKind == JsonValueKind.True;
            else if (p.NameEquals("isApiErrorMessage"u8)) IsApiErrorMessage = p.Value.ValueKind == JsonValueKind.True;
            else if (p.NameEquals("data"u8)) Data = p.Value;
        }
    }

    public TranscriptFileKind File { get; }
    /// <summary>The agent id of the subagent file the line is in; null in the main transcript.</summary>
    public string? FileAgent { get; }
    public LineSource Source { get; }
    /// <summary>Where a part reports what is wrong with this line.</summary>
    public LineErrors Errors { get; }
    /// <summary>The line's number in its file (1-based).</summary>
    public long Number { get; }

    public void Report(string errorId, string problem) => Errors.Report(Number, errorId, problem);

    public JsonElement Type { get; }
    public JsonElement Message { get; }
    public JsonElement Uuid { get; }
    public JsonElement ParentUuid { get; }
    public JsonElement Timestamp { get; }
    public JsonElement SessionId { get; }
    public JsonElement AgentId { get; }
    public JsonElement RequestId { get; }
    public JsonElement ToolUseResult { get; }
    public JsonElement Cwd { get; }
    public JsonElement Version { get; }
    public JsonElement GitBranch { get; }
    public JsonElement Subtype { get; }
    public JsonElement Data { get; }
    public bool IsSidechain { get; }
    public bool IsMeta { get; }
    public bool IsCompactSummary { get; }
    public bool IsApiErrorMessage { get; }

    public bool IsMainThread => File == TranscriptFileKind.Main && !IsSidechain && Source == LineSource.Transcript;

    public bool TypeIs(ReadOnlySpan<byte> type) => Type.ValueKind == JsonValueKind.String && Type.ValueEquals(type);

    public DateTimeOffset? Time =>
        Timestamp.ValueKind == JsonValueKind.String && Timestamp.TryGetDateTimeOffset(out var t) ? t : null;

    /// <summary>The line's <c>message.content</c> when it is an array of blocks.</summary>
    public JsonElement ContentBlocks =>
        Message.ValueKind == JsonValueKind.Object && Message.TryGetProperty("content"u8, out var c) && c.ValueKind == JsonValueKind.Array ? c : default;

    public static string? Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}

/// <summary>Where a line's content comes from.</summary>
internal enum LineSource
{
    /// <summary>A line of a transcript file.</summary>
    Transcript,
    /// <summary>A subagent line replayed in the parent's <c>agent_progress</c> lines (its own file is missing).</summary>
    Replay,
}

/// <summary>A <c>tool_use</c> block of an assistant message.</summary>
internal readonly record struct ToolUse(string Id, string Name, JsonElement Input, long Ticks);

/// <summary>A <c>tool_result</c> block of a user message, with the line's <c>toolUseResult</c>.</summary>
internal readonly record struct ToolResult(string ToolUseId, string? ToolName, bool IsError, JsonElement Content, JsonElement Details, long Ticks)
{
    public string ContentText() => TranscriptText.ContentText(Content);
}

/// <summary>
/// Reports the bad lines of one file as non-terminating errors naming the file and line: the first
/// <see cref="StatsOptions.MaxReportedBadLinesPerFile"/> one by one, the rest as a count at the end.
/// </summary>
internal sealed class LineErrors(string path, IDiagnostics diagnostics, int maxReported)
{
    public int Count { get; private set; }

    public void Report(long line, string errorId, string problem, Exception? exception = null)
    {
        if (++Count <= maxReported)
            diagnostics.Error(new EngineError(errorId, ErrorKind.InvalidData, $"{path}:{line}: {problem}", $"{path}:{line}", exception));
    }

    public void Summarize()
    {
        if (Count > maxReported)
            diagnostics.Warning($"{path}: {Count} bad lines in all, {Count - maxReported} more than reported.");
    }
}
