using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Writes and reads the design's per-session JSON: snake_case names, the design's field order, then the fields the
/// design lacks (added, never renamed). Comments embed this text and extraction parses it back, so
/// <c>Read(Write(s))</c> gives back every field. The shape is <see cref="SessionStatsDocument"/>, serialized by a
/// source-generated <see cref="SessionStatsJsonContext"/>; this class only maps it to and from the records.
/// </summary>
public static class SessionStatsJson
{
    /// <summary>Bumped when a field changes meaning; readers accept older versions.</summary>
    public const int SchemaVersion = 1;

    // Comments are Markdown/HTML: the default encoder keeps <, >, & escaped so session text cannot close the details block.
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.Default };
    private static readonly JsonWriterOptions Compact = Indented with { Indented = false };

    public static string Write(SessionStats s, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, indented ? Indented : Compact)) WriteObject(w, s);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void WriteObject(Utf8JsonWriter w, SessionStats s) =>
        JsonSerializer.Serialize(w, SessionStatsDocument.From(s), SessionStatsJsonContext.Default.SessionStatsDocument);

    /// <summary>Parses the design's JSON; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SessionStats Read(string json)
    {
        try
        {
            return (JsonSerializer.Deserialize(json, SessionStatsJsonContext.Default.SessionStatsDocument)
                ?? throw new FormatException("Session JSON is null.")).ToStats();
        }
        catch (JsonException e) { throw new FormatException($"Session JSON is not valid: {e.Message}", e); }
    }

    public static SessionStats Read(JsonElement r)
    {
        if (r.ValueKind != JsonValueKind.Object) throw new FormatException("Session JSON is not an object.");
        try { return r.Deserialize(SessionStatsJsonContext.Default.SessionStatsDocument)!.ToStats(); }
        catch (JsonException e) { throw new FormatException($"Session JSON is not valid: {e.Message}", e); }
    }

    /// <summary>The "models" object, shared by the session and summary JSON: model id → its tokens and cost.</summary>
    public static void WriteModels(Utf8JsonWriter w, IEnumerable<ModelUsage> models)
    {
        w.WritePropertyName("models");
        JsonSerializer.Serialize(w, ModelDocument.From(models), SessionStatsJsonContext.Default.DictionaryStringModelDocument);
    }

    /// <summary>Reads the "models" object of <paramref name="parent"/>; absent → empty.</summary>
    public static List<ModelUsage> ReadModels(JsonElement parent)
    {
        if (!parent.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Object) return [];
        try { return ModelDocument.ToModels(models.Deserialize(SessionStatsJsonContext.Default.DictionaryStringModelDocument)); }
        catch (JsonException e) { throw new FormatException($"The models object is not valid: {e.Message}", e); }
    }

    public static string FormatDate(DateTimeOffset d) =>
        d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset? ParseDate(string? s) =>
        s is not null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;
}

/// <summary>The design's JSON, exactly as written: names come from the snake_case policy, the order from the declaration.</summary>
internal sealed record SessionStatsDocument
{
    public required string SessionId { get; init; }
    public string? SessionIdShort { get; init; }
    public string? Project { get; init; }
    public string? Branch { get; init; }
    public TargetDocument? Target { get; init; }
    [JsonConverter(typeof(DesignDateConverter))] public DateTimeOffset? StartedAt { get; init; }
    [JsonConverter(typeof(DesignDateConverter))] public DateTimeOffset? EndedAt { get; init; }
    public int DurationMinutes { get; init; }
    public Dictionary<string, ModelDocument>? Models { get; init; }
    public TokensDocument? TotalTokens { get; init; }
    public decimal EstimatedCostUsd { get; init; }
    public Dictionary<string, int>? Tools { get; init; }
    public List<SkillDocument>? SkillsInvoked { get; init; }
    public List<SubagentDocument>? Subagents { get; init; }
    public List<CommitDocument>? Commits { get; init; }
    public List<ProblemDocument>? ProblemsFaced { get; init; }
    public Dictionary<string, Dictionary<string, int>>? WorkflowEdges { get; init; }
    // Fields the design lacks.
    public int SchemaVersion { get; init; } = SessionStatsJson.SchemaVersion;
    public int ActiveMinutes { get; init; }
    public int Messages { get; init; }
    public string? Cwd { get; init; }
    public string? Version { get; init; }
    public List<string>? Branches { get; init; }
    public List<string>? SkillSequence { get; init; }
    public List<string>? UnpricedModels { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? OutputTokensLowerBound { get; init; }
    public long OutputTokensCorrection { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ClaudeCodeDocument? ClaudeCode { get; init; }
    public List<SkillInvocationDocument>? SkillInvocations { get; init; }

    public static SessionStatsDocument From(SessionStats s) => new()
    {
        SessionId = s.SessionId,
        SessionIdShort = s.SessionIdShort,
        Project = s.Project,
        Branch = s.Branch,
        Target = s.TargetType is null ? null : new TargetDocument(s.TargetType, s.TargetNumber),
        StartedAt = s.StartedAt,
        EndedAt = s.EndedAt,
        DurationMinutes = s.DurationMinutes,
        Models = ModelDocument.From(s.Models),
        TotalTokens = new TokensDocument(s.InputTokens, s.OutputTokens, s.CacheCreationTokens, s.CacheReadTokens),
        EstimatedCostUsd = s.EstimatedCostUsd,
        Tools = s.Tools.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value),
        SkillsInvoked = s.SkillsInvoked.Select(k => new SkillDocument(k.Skill, k.Count, k.Status, new TokensDocument(k.InputTokens, k.OutputTokens))).ToList(),
        Subagents = s.Subagents.Select(a => new SubagentDocument(a.Id, a.Type, a.Model,
            new TokensDocument(a.InputTokens, a.OutputTokens, a.CacheCreationTokens, a.CacheReadTokens, a.TotalTokens),
            a.Description, a.DurationMs, a.ToolUseCount, a.Source, a.OutputTokensCorrection)).ToList(),
        Commits = s.Commits.Select(c => new CommitDocument(c.Sha, c.Message, c.Branch)).ToList(),
        ProblemsFaced = s.ProblemsFaced.Select(p => new ProblemDocument(p.Description, p.Resolved, p.Iterations, p.Kind)).ToList(),
        WorkflowEdges = s.WorkflowEdges.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value.ToDictionary(x => x.Key, x => x.Value)),
        ActiveMinutes = s.ActiveMinutes,
        Messages = s.MessageCount,
        Cwd = s.Cwd,
        Version = s.Version,
        Branches = s.Branches.ToList(),
        SkillSequence = s.SkillSequence.ToList(),
        UnpricedModels = s.UnpricedModels.ToList(),
        OutputTokensLowerBound = s.OutputTokensLowerBound,
        OutputTokensCorrection = s.OutputTokensCorrection,
        ClaudeCode = ClaudeCodeDocument.From(s),
        SkillInvocations = s.SkillInvocations.Select(i => new SkillInvocationDocument(i.Skill, i.Succeeded, i.FailedTestOrCi)).ToList(),
    };

    public SessionStats ToStats()
    {
        var models = ModelDocument.ToModels(Models);
        return new SessionStats
        {
            SessionId = SessionId ?? throw new FormatException("Session JSON lacks session_id."),
            Project = Project,
            Branch = Branch,
            TargetType = Target?.Type,
            TargetNumber = Target?.Number,
            StartedAt = StartedAt,
            EndedAt = EndedAt,
            DurationMinutes = DurationMinutes,
            ActiveMinutes = ActiveMinutes,
            MessageCount = Messages,
            Models = models,
            // Without total_tokens (hand-written JSON), the totals are the models' sums.
            InputTokens = TotalTokens?.Input ?? models.Sum(m => m.InputTokens),
            OutputTokens = TotalTokens?.Output ?? models.Sum(m => m.OutputTokens),
            CacheCreationTokens = TotalTokens?.CacheCreation ?? models.Sum(m => m.CacheCreationTokens),
            CacheReadTokens = TotalTokens?.CacheRead ?? models.Sum(m => m.CacheReadTokens),
            EstimatedCostUsd = EstimatedCostUsd,
            Tools = Tools ?? new Dictionary<string, int>(StringComparer.Ordinal),
            SkillsInvoked = (SkillsInvoked ?? []).Select(k => new SkillUsage
            {
                Skill = k.Skill ?? "",
                Count = k.Count,
                Status = k.Status ?? "pass",
                InputTokens = k.Tokens?.Input ?? 0,
                OutputTokens = k.Tokens?.Output ?? 0,
            }).ToList(),
            Subagents = (Subagents ?? []).Select(a => new SubagentUsage
            {
                Id = a.Id ?? "",
                Type = a.Type,
                Model = a.Model,
                InputTokens = a.Tokens?.Input ?? 0,
                OutputTokens = a.Tokens?.Output ?? 0,
                CacheCreationTokens = a.Tokens?.CacheCreation ?? 0,
                CacheReadTokens = a.Tokens?.CacheRead ?? 0,
                TotalTokens = a.Tokens?.Total,
                Description = a.Description,
                DurationMs = a.DurationMs,
                ToolUseCount = a.ToolUses,
                Source = a.Source ?? "transcript",
                OutputTokensCorrection = a.OutputTokensCorrection,
            }).ToList(),
            Commits = (Commits ?? []).Select(c => new CommitRecord { Sha = c.Sha ?? "", Message = c.Message ?? "", Branch = c.Branch }).ToList(),
            ProblemsFaced = (ProblemsFaced ?? []).Select(p => new ProblemRecord
            {
                Description = p.Description ?? "",
                Resolved = p.Resolved,
                Iterations = p.Iterations,
                Kind = p.Kind,
            }).ToList(),
            WorkflowEdges = (WorkflowEdges ?? []).ToDictionary(e => e.Key, e => (IReadOnlyDictionary<string, int>)e.Value, StringComparer.Ordinal),
            Cwd = Cwd,
            Version = Version,
            Branches = Branches ?? [],
            SkillSequence = SkillSequence ?? [],
            UnpricedModels = UnpricedModels ?? [],
            OutputTokensLowerBound = OutputTokensLowerBound,
            OutputTokensCorrection = OutputTokensCorrection,
            ClaudeCode = ClaudeCode is null || (ClaudeCode.StatusLine is null && ClaudeCode.CostCommand is null) ? null
                : new ClaudeCodeReport { StatusLine = ClaudeCode.StatusLine, CostCommand = ClaudeCode.CostCommand },
            SkillInvocations = (SkillInvocations ?? []).Select(i => new SkillInvocation
            {
                Skill = i.Skill ?? "",
                Succeeded = i.Succeeded ?? true,
                FailedTestOrCi = i.FailedTestOrCi,
            }).ToList(),
        };
    }
}

/// <summary>
/// The session's <c>claude_code</c> object: Claude Code's figures per source, and <c>compared</c>, ours beside
/// Claude Code's (written for readers; a reader recomputes it from the figures, so it cannot disagree with them).
/// </summary>
internal sealed record ClaudeCodeDocument(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClaudeCodeFigures? StatusLine,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClaudeCodeFigures? CostCommand,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ComparedDocument? Compared)
{
    public static ClaudeCodeDocument? From(SessionStats s)
    {
        if (s.ClaudeCode is not { } report || (report.StatusLine is null && report.CostCommand is null)) return null;
        var v = s.ClaudeCodeVerification;
        return new ClaudeCodeDocument(Published(report.StatusLine), Published(report.CostCommand),
            v is null ? null : new ComparedDocument(CheckDocument.From(v.Cost), CheckDocument.From(v.OutputTokens)));
    }

    /// <summary>The figures without where they were read (a file path of the measuring machine; like the transcript paths, never written).</summary>
    private static ClaudeCodeFigures? Published(ClaudeCodeFigures? f) => f is null ? null : f with { Location = null, TranscriptPath = null };
}

internal sealed record ComparedDocument(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CheckDocument? CostUsd,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CheckDocument? OutputTokens);

/// <summary>One figure compared: <c>ours_minus_claude_code</c> is negative when ours is lower.</summary>
internal sealed record CheckDocument(string? Source, [property: JsonConverter(typeof(DesignDateConverter))] DateTimeOffset? RecordedAt,
    decimal Ours, decimal ClaudeCode, decimal OursMinusClaudeCode, decimal? OursMinusClaudeCodePercent, bool ClaudeCodeRounded)
{
    public static CheckDocument? From(ClaudeCodeCheck? c) => c is null ? null
        : new CheckDocument(c.Source, c.RecordedAt, c.Ours, c.ClaudeCode, c.OursMinusClaudeCode, c.OursMinusClaudeCodePercent, c.Rounded);
}

internal sealed record SkillInvocationDocument(
    string? Skill,
    bool? Succeeded,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FailedTestOrCi);

internal sealed record TargetDocument(string? Type, int? Number);

/// <summary>Token figures of an object in the design's short names; <c>total</c> only where the source gives one.</summary>
internal sealed record TokensDocument(
    long Input,
    long Output,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CacheCreation = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CacheRead = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Total = null);

internal sealed record ModelDocument(int Messages, long InputTokens, long OutputTokens, long CacheCreationTokens, long CacheReadTokens,
    [property: JsonPropertyName("cache_creation_1h_tokens")] long CacheCreation1hTokens, decimal? CostUsd)
{
    public static Dictionary<string, ModelDocument> From(IEnumerable<ModelUsage> models) =>
        models.ToDictionary(m => m.Model, m => new ModelDocument(m.Messages, m.InputTokens, m.OutputTokens, m.CacheCreationTokens,
            m.CacheReadTokens, m.CacheCreation1hTokens, m.CostUsd is decimal c ? Math.Round(c, 4) : null), StringComparer.Ordinal);

    public static List<ModelUsage> ToModels(Dictionary<string, ModelDocument>? models) =>
        (models ?? []).Select(m => new ModelUsage
        {
            Model = m.Key,
            Messages = m.Value.Messages,
            InputTokens = m.Value.InputTokens,
            OutputTokens = m.Value.OutputTokens,
            CacheCreationTokens = m.Value.CacheCreationTokens,
            CacheReadTokens = m.Value.CacheReadTokens,
            CacheCreation1hTokens = m.Value.CacheCreation1hTokens,
            CostUsd = m.Value.CostUsd,
        }).ToList();
}

internal sealed record CommitDocument(string? Sha, string? Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Branch);

internal sealed record SkillDocument(string? Skill, int Count, string? Status, TokensDocument? Tokens);

internal sealed record SubagentDocument(
    string? Id,
    string? Type,
    string? Model,
    TokensDocument? Tokens,
    string? Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? DurationMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ToolUses,
    string? Source,
    long OutputTokensCorrection = 0);

internal sealed record ProblemDocument(
    string? Description,
    bool Resolved,
    int Iterations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind);

/// <summary>The design's timestamps: UTC to the second ("2026-02-08T22:26:37Z"); anything unreadable is null.</summary>
internal sealed class DesignDateConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? SessionStatsJson.ParseDate(reader.GetString()) : null;

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is DateTimeOffset d) writer.WriteStringValue(SessionStatsJson.FormatDate(d));
        else writer.WriteNullValue();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowTrailingCommas = true)]
[JsonSerializable(typeof(SessionStatsDocument))]
[JsonSerializable(typeof(Dictionary<string, ModelDocument>))]
internal sealed partial class SessionStatsJsonContext : JsonSerializerContext;
