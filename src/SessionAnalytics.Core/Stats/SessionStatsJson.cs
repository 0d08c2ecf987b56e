using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Writes and reads the design's per-session JSON: snake_case names, the design's field order, then the fields the
/// design lacks (added, never renamed). Comments embed this text and extraction parses it back, so
/// <c>Read(Write(s))</c> must give back every field.
/// </summary>
public static class SessionStatsJson
{
    /// <summary>Bumped when a field changes meaning; readers accept older versions.</summary>
    public const int SchemaVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // Comments are Markdown/HTML: keep <, >, & escaped so session text cannot close the details block.
        Encoder = JavaScriptEncoder.Default,
    };

    public static string Write(SessionStats s, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions with { Indented = indented }))
        {
            WriteObject(w, s);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteObject(Utf8JsonWriter w, SessionStats s)
    {
        w.WriteStartObject();
        w.WriteString("session_id", s.SessionId);
        w.WriteString("session_id_short", s.SessionIdShort);
        WriteNullableString(w, "project", s.Project);
        WriteNullableString(w, "branch", s.Branch);
        if (s.TargetType is null) w.WriteNull("target");
        else
        {
            w.WriteStartObject("target");
            w.WriteString("type", s.TargetType);
            if (s.TargetNumber is int n) w.WriteNumber("number", n); else w.WriteNull("number");
            w.WriteEndObject();
        }
        WriteDate(w, "started_at", s.StartedAt);
        WriteDate(w, "ended_at", s.EndedAt);
        w.WriteNumber("duration_minutes", s.DurationMinutes);

        WriteModels(w, s.Models);

        w.WriteStartObject("total_tokens");
        w.WriteNumber("input", s.InputTokens);
        w.WriteNumber("output", s.OutputTokens);
        w.WriteNumber("cache_creation", s.CacheCreationTokens);
        w.WriteNumber("cache_read", s.CacheReadTokens);
        w.WriteEndObject();
        w.WriteNumber("estimated_cost_usd", s.EstimatedCostUsd);

        w.WriteStartObject("tools");
        foreach (var (tool, count) in s.Tools.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal))
            w.WriteNumber(tool, count);
        w.WriteEndObject();

        w.WriteStartArray("skills_invoked");
        foreach (var k in s.SkillsInvoked)
        {
            w.WriteStartObject();
            w.WriteString("skill", k.Skill);
            w.WriteNumber("count", k.Count);
            w.WriteString("status", k.Status);
            w.WriteStartObject("tokens");
            w.WriteNumber("input", k.InputTokens);
            w.WriteNumber("output", k.OutputTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("subagents");
        foreach (var a in s.Subagents)
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            WriteNullableString(w, "type", a.Type);
            WriteNullableString(w, "model", a.Model);
            w.WriteStartObject("tokens");
            w.WriteNumber("input", a.InputTokens);
            w.WriteNumber("output", a.OutputTokens);
            w.WriteNumber("cache_creation", a.CacheCreationTokens);
            w.WriteNumber("cache_read", a.CacheReadTokens);
            if (a.TotalTokens is long t) w.WriteNumber("total", t);
            w.WriteEndObject();
            WriteNullableString(w, "description", a.Description);
            if (a.DurationMs is long d) w.WriteNumber("duration_ms", d);
            if (a.ToolUseCount is int u) w.WriteNumber("tool_uses", u);
            w.WriteString("source", a.Source);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("commits");
        foreach (var c in s.Commits)
        {
            w.WriteStartObject();
            w.WriteString("sha", c.Sha);
            w.WriteString("message", c.Message);
            if (c.Branch is not null) w.WriteString("branch", c.Branch);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("problems_faced");
        foreach (var p in s.ProblemsFaced)
        {
            w.WriteStartObject();
            w.WriteString("description", p.Description);
            w.WriteBoolean("resolved", p.Resolved);
            w.WriteNumber("iterations", p.Iterations);
            if (p.Kind is not null) w.WriteString("kind", p.Kind);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("workflow_edges");
        foreach (var (family, edges) in s.WorkflowEdges.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(family);
            foreach (var (edge, count) in edges) w.WriteNumber(edge, count);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        // Fields the design lacks.
        w.WriteNumber("schema_version", SchemaVersion);
        w.WriteNumber("active_minutes", s.ActiveMinutes);
        w.WriteNumber("messages", s.MessageCount);
        WriteNullableString(w, "cwd", s.Cwd);
        WriteNullableString(w, "version", s.Version);
        WriteStrings(w, "branches", s.Branches);
        WriteStrings(w, "skill_sequence", s.SkillSequence);
        WriteStrings(w, "unpriced_models", s.UnpricedModels);
        w.WriteEndObject();
    }

    /// <summary>Parses the design's JSON; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SessionStats Read(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new FormatException($"Session JSON is not valid JSON: {e.Message}", e); }
        using (doc) return Read(doc.RootElement);
    }

    public static SessionStats Read(JsonElement r)
    {
        if (r.ValueKind != JsonValueKind.Object) throw new FormatException("Session JSON is not an object.");
        var id = Str(r, "session_id") ?? throw new FormatException("Session JSON lacks session_id.");
        string? targetType = null; int? targetNumber = null;
        if (r.TryGetProperty("target", out var target) && target.ValueKind == JsonValueKind.Object)
        {
            targetType = Str(target, "type");
            if (target.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number) targetNumber = n.GetInt32();
        }

        var models = ReadModels(r);

        var totals = r.TryGetProperty("total_tokens", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        var tools = new Dictionary<string, int>(StringComparer.Ordinal);
        if (r.TryGetProperty("tools", out var ts) && ts.ValueKind == JsonValueKind.Object)
            foreach (var p in ts.EnumerateObject()) tools[p.Name] = p.Value.GetInt32();

        var edges = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        if (r.TryGetProperty("workflow_edges", out var we) && we.ValueKind == JsonValueKind.Object)
            foreach (var family in we.EnumerateObject())
            {
                var map = new Dictionary<string, int>(StringComparer.Ordinal);
                if (family.Value.ValueKind == JsonValueKind.Object)
                    foreach (var e in family.Value.EnumerateObject()) map[e.Name] = e.Value.GetInt32();
                edges[family.Name] = map;
            }

        return new SessionStats
        {
            SessionId = id,
            Project = Str(r, "project"),
            Branch = Str(r, "branch"),
            TargetType = targetType,
            TargetNumber = targetNumber,
            StartedAt = Date(r, "started_at"),
            EndedAt = Date(r, "ended_at"),
            DurationMinutes = (int)Long(r, "duration_minutes"),
            ActiveMinutes = (int)Long(r, "active_minutes"),
            MessageCount = (int)Long(r, "messages"),
            Models = models,
            InputTokens = totals.ValueKind == JsonValueKind.Object ? Long(totals, "input") : models.Sum(m => m.InputTokens),
            OutputTokens = totals.ValueKind == JsonValueKind.Object ? Long(totals, "output") : models.Sum(m => m.OutputTokens),
            CacheCreationTokens = totals.ValueKind == JsonValueKind.Object ? Long(totals, "cache_creation") : models.Sum(m => m.CacheCreationTokens),
            CacheReadTokens = totals.ValueKind == JsonValueKind.Object ? Long(totals, "cache_read") : models.Sum(m => m.CacheReadTokens),
            EstimatedCostUsd = r.TryGetProperty("estimated_cost_usd", out var cost) && cost.ValueKind == JsonValueKind.Number ? cost.GetDecimal() : 0m,
            Tools = tools,
            SkillsInvoked = Array(r, "skills_invoked").Select(k => new SkillUsage
            {
                Skill = Str(k, "skill") ?? "",
                Count = (int)Long(k, "count"),
                Status = Str(k, "status") ?? "pass",
                InputTokens = k.TryGetProperty("tokens", out var kt) ? Long(kt, "input") : 0,
                OutputTokens = k.TryGetProperty("tokens", out var kt2) ? Long(kt2, "output") : 0,
            }).ToList(),
            Subagents = Array(r, "subagents").Select(a =>
            {
                var tok = a.TryGetProperty("tokens", out var at) && at.ValueKind == JsonValueKind.Object ? at : default;
                bool hasTok = tok.ValueKind == JsonValueKind.Object;
                return new SubagentUsage
                {
                    Id = Str(a, "id") ?? "",
                    Type = Str(a, "type"),
                    Model = Str(a, "model"),
                    InputTokens = hasTok ? Long(tok, "input") : 0,
                    OutputTokens = hasTok ? Long(tok, "output") : 0,
                    CacheCreationTokens = hasTok ? Long(tok, "cache_creation") : 0,
                    CacheReadTokens = hasTok ? Long(tok, "cache_read") : 0,
                    TotalTokens = hasTok && tok.TryGetProperty("total", out var tt) && tt.ValueKind == JsonValueKind.Number ? tt.GetInt64() : null,
                    Description = Str(a, "description"),
                    DurationMs = a.TryGetProperty("duration_ms", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt64() : null,
                    ToolUseCount = a.TryGetProperty("tool_uses", out var u) && u.ValueKind == JsonValueKind.Number ? u.GetInt32() : null,
                    Source = Str(a, "source") ?? "transcript",
                };
            }).ToList(),
            Commits = Array(r, "commits").Select(c => new CommitRecord
            {
                Sha = Str(c, "sha") ?? "",
                Message = Str(c, "message") ?? "",
                Branch = Str(c, "branch"),
            }).ToList(),
            ProblemsFaced = Array(r, "problems_faced").Select(p => new ProblemRecord
            {
                Description = Str(p, "description") ?? "",
                Resolved = p.TryGetProperty("resolved", out var rv) && rv.ValueKind == JsonValueKind.True,
                Iterations = (int)Long(p, "iterations"),
                Kind = Str(p, "kind"),
            }).ToList(),
            WorkflowEdges = edges,
            Cwd = Str(r, "cwd"),
            Version = Str(r, "version"),
            Branches = Strings(r, "branches"),
            SkillSequence = Strings(r, "skill_sequence"),
            UnpricedModels = Strings(r, "unpriced_models"),
        };
    }

    /// <summary>The "models" object, shared by the session and summary JSON: model id → its tokens and cost.</summary>
    public static void WriteModels(Utf8JsonWriter w, IEnumerable<ModelUsage> models)
    {
        w.WriteStartObject("models");
        foreach (var m in models)
        {
            w.WriteStartObject(m.Model);
            w.WriteNumber("messages", m.Messages);
            w.WriteNumber("input_tokens", m.InputTokens);
            w.WriteNumber("output_tokens", m.OutputTokens);
            w.WriteNumber("cache_creation_tokens", m.CacheCreationTokens);
            w.WriteNumber("cache_read_tokens", m.CacheReadTokens);
            w.WriteNumber("cache_creation_1h_tokens", m.CacheCreation1hTokens);
            if (m.CostUsd is decimal c) w.WriteNumber("cost_usd", Math.Round(c, 4)); else w.WriteNull("cost_usd");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Reads the "models" object of <paramref name="parent"/>; absent → empty.</summary>
    public static List<ModelUsage> ReadModels(JsonElement parent)
    {
        var models = new List<ModelUsage>();
        if (parent.TryGetProperty("models", out var ms) && ms.ValueKind == JsonValueKind.Object)
            foreach (var m in ms.EnumerateObject())
                models.Add(new ModelUsage
                {
                    Model = m.Name,
                    Messages = (int)Long(m.Value, "messages"),
                    InputTokens = Long(m.Value, "input_tokens"),
                    OutputTokens = Long(m.Value, "output_tokens"),
                    CacheCreationTokens = Long(m.Value, "cache_creation_tokens"),
                    CacheReadTokens = Long(m.Value, "cache_read_tokens"),
                    CacheCreation1hTokens = Long(m.Value, "cache_creation_1h_tokens"),
                    CostUsd = m.Value.TryGetProperty("cost_usd", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDecimal() : null,
                });
        return models;
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }

    private static void WriteDate(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is DateTimeOffset d) w.WriteString(name, FormatDate(d)); else w.WriteNull(name);
    }

    public static string FormatDate(DateTimeOffset d) =>
        d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? (v.TryGetInt64(out var l) ? l : (long)v.GetDouble())
            : 0;

    private static DateTimeOffset? Date(JsonElement e, string name) =>
        Str(e, name) is string s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).ToList() : [];

    private static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}
