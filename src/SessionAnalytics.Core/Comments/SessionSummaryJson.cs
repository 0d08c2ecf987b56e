using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// The summary's JSON (snake_case, like the per-session JSON):
/// <code>
/// {
///   "schema_version": 1,
///   "target": {"type": "pr", "number": 652} | null,
///   "status": "merged" | null,
///   "session_count": 3,
///   "sessions_collapsed": true,              (only when the rows below were left out to fit one comment)
///   "session_ids": ["00b11888-...", ...],
///   "total_cost_usd": 34.21,
///   "total_commits": 8,
///   "total_duration_minutes": 248,
///   "total_tokens": {"input": 0, "output": 0, "cache_creation": 0, "cache_read": 0},
///   "output_tokens_lower_bound": true | false | null,   (any session's output a lower bound; null: no session says)
///   "output_tokens_lower_bound_sessions": 2,
///   "output_tokens_correction": 1933,
///   "claude_code": {"cost_usd": {"sessions": 3, "claude_code": 12.3456, "ours": 11.2, "ours_minus_claude_code": -1.1456},
///                   "output_tokens": {"sessions": 2, "claude_code": 9000, "ours": 7000, "ours_minus_claude_code": -2000}} | null,
///   "models": {"claude-opus-4-6": {"messages": 0, "input_tokens": 0, "output_tokens": 0, "cache_creation_tokens": 0,
///                                   "cache_read_tokens": 0, "cache_creation_1h_tokens": 0, "cost_usd": 34.2113 | null}},
///   "sessions": [{"session_id": "...", "session_id_short": "00b11888", "branch": "fix/x" | null,
///                 "started_at": "2026-02-08T22:26:37Z" | null, "ended_at": ... | null, "duration_minutes": 78,
///                 "cost_usd": 12.45, "commits": 2, "skills": ["tdd:ci"], "models": ["claude-opus-4-6"], "status": "done",
///                 "output_tokens": 835336, "output_tokens_lower_bound": true | null,
///                 "claude_code_cost_usd": 12.61 | null, "claude_code_output_tokens": 901223 | null}]
/// }
/// Summaries written before the lower-bound and Claude Code fields existed read with those fields unknown.
/// </code>
/// When the summary is too large for one comment, <c>sessions</c> is empty (and <c>session_ids</c> too, if needed):
/// <c>session_count</c> and the totals stay exact.
/// <c>total_cost_usd</c> is the exact sum of the sessions' <c>cost_usd</c> (each in cents). &lt;, &gt;, &amp; and
/// backticks are escaped, so the JSON cannot close the comment's &lt;details&gt; block or its code fence.
/// </summary>
public static class SessionSummaryJson
{
    /// <summary>How much per-session detail the summary JSON carries.</summary>
    internal enum SummaryRows
    {
        All,
        IdsOnly,
        None,
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.Default };

    public static string Write(SessionSummaryData d, bool indented = true) => Write(d, indented, SummaryRows.All);

    /// <summary>
    /// The JSON with <paramref name="rows"/> of the per-session detail: all of it, the session ids only (the
    /// "sessions" array empty), or neither. A summary too large for one comment drops the rows instead of failing;
    /// <c>sessions_collapsed</c> tells a reader that <c>session_count</c>, not the array, is the number of sessions.
    /// </summary>
    internal static string Write(SessionSummaryData d, bool indented, SummaryRows rows)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions with { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteNumber("schema_version", SessionSummaryData.SchemaVersion);
            if (d.TargetType is null) w.WriteNull("target");
            else
            {
                w.WriteStartObject("target");
                w.WriteString("type", d.TargetType);
                if (d.TargetNumber is int n) w.WriteNumber("number", n); else w.WriteNull("number");
                w.WriteEndObject();
            }
            if (d.Status is null) w.WriteNull("status"); else w.WriteString("status", d.Status);
            w.WriteNumber("session_count", d.SessionCount);
            if (rows != SummaryRows.All) w.WriteBoolean("sessions_collapsed", true);
            w.WriteStartArray("session_ids");
            if (rows != SummaryRows.None)
                foreach (var id in d.SessionIds) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteNumber("total_cost_usd", d.TotalCostUsd);
            w.WriteNumber("total_commits", d.TotalCommits);
            w.WriteNumber("total_duration_minutes", d.TotalDurationMinutes);
            w.WriteStartObject("total_tokens");
            w.WriteNumber("input", d.InputTokens);
            w.WriteNumber("output", d.OutputTokens);
            w.WriteNumber("cache_creation", d.CacheCreationTokens);
            w.WriteNumber("cache_read", d.CacheReadTokens);
            w.WriteEndObject();
            if (d.OutputTokensLowerBound is bool lowerBound) w.WriteBoolean("output_tokens_lower_bound", lowerBound); else w.WriteNull("output_tokens_lower_bound");
            w.WriteNumber("output_tokens_lower_bound_sessions", d.OutputTokensLowerBoundSessions);
            w.WriteNumber("output_tokens_correction", d.OutputTokensCorrection);
            WriteClaudeCode(w, d.ClaudeCode);
            SessionStatsJson.WriteModels(w, d.Models);
            w.WriteStartArray("sessions");
            foreach (var s in rows == SummaryRows.All ? d.Sessions : [])
            {
                w.WriteStartObject();
                w.WriteString("session_id", s.SessionId);
                w.WriteString("session_id_short", s.SessionIdShort);
                if (s.Branch is null) w.WriteNull("branch"); else w.WriteString("branch", s.Branch);
                if (s.StartedAt is DateTimeOffset st) w.WriteString("started_at", SessionStatsJson.FormatDate(st)); else w.WriteNull("started_at");
                if (s.EndedAt is DateTimeOffset en) w.WriteString("ended_at", SessionStatsJson.FormatDate(en)); else w.WriteNull("ended_at");
                w.WriteNumber("duration_minutes", s.DurationMinutes);
                w.WriteNumber("cost_usd", s.CostUsd);
                w.WriteNumber("commits", s.Commits);
                w.WriteStartArray("skills");
                foreach (var k in s.Skills) w.WriteStringValue(k);
                w.WriteEndArray();
                w.WriteStartArray("models");
                foreach (var m in s.Models) w.WriteStringValue(m);
                w.WriteEndArray();
                w.WriteString("status", s.Status);
                w.WriteNumber("output_tokens", s.OutputTokens);
                if (s.OutputTokensLowerBound is bool b) w.WriteBoolean("output_tokens_lower_bound", b); else w.WriteNull("output_tokens_lower_bound");
                if (s.ClaudeCodeCostUsd is decimal cc) w.WriteNumber("claude_code_cost_usd", cc); else w.WriteNull("claude_code_cost_usd");
                if (s.ClaudeCodeOutputTokens is long co) w.WriteNumber("claude_code_output_tokens", co); else w.WriteNull("claude_code_output_tokens");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteClaudeCode(Utf8JsonWriter w, ClaudeCodeTotals? t)
    {
        if (t is null)
        {
            w.WriteNull("claude_code");
            return;
        }
        w.WriteStartObject("claude_code");
        if (t.CostSessions > 0)
        {
            w.WriteStartObject("cost_usd");
            w.WriteNumber("sessions", t.CostSessions);
            w.WriteNumber("claude_code", t.CostUsd);
            w.WriteNumber("ours", t.OursCostUsd);
            w.WriteNumber("ours_minus_claude_code", t.OursCostUsd - t.CostUsd);
            w.WriteEndObject();
        }
        if (t.OutputSessions > 0)
        {
            w.WriteStartObject("output_tokens");
            w.WriteNumber("sessions", t.OutputSessions);
            w.WriteNumber("claude_code", t.OutputTokens);
            w.WriteNumber("ours", t.OursOutputTokens);
            w.WriteNumber("ours_minus_claude_code", checked(t.OursOutputTokens - t.OutputTokens));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static ClaudeCodeTotals? ReadClaudeCode(JsonElement r)
    {
        if (!r.TryGetProperty("claude_code", out var c) || c.ValueKind != JsonValueKind.Object) return null;
        var cost = c.TryGetProperty("cost_usd", out var x) && x.ValueKind == JsonValueKind.Object ? x : default;
        var output = c.TryGetProperty("output_tokens", out var y) && y.ValueKind == JsonValueKind.Object ? y : default;
        return new ClaudeCodeTotals
        {
            CostSessions = (int)Long(cost, "sessions"),
            CostUsd = Dec(cost, "claude_code") ?? 0m,
            OursCostUsd = Dec(cost, "ours") ?? 0m,
            OutputSessions = (int)Long(output, "sessions"),
            OutputTokens = Long(output, "claude_code"),
            OursOutputTokens = Long(output, "ours"),
        };
    }

    /// <summary>Parses the summary JSON; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SessionSummaryData Read(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new FormatException($"Summary JSON is not valid JSON: {e.Message}", e); }
        using (doc)
        {
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) throw new FormatException("Summary JSON is not an object.");
            if (!r.TryGetProperty("sessions", out var sessions) || sessions.ValueKind != JsonValueKind.Array)
                throw new FormatException("Summary JSON lacks the sessions array.");
            string? targetType = null; int? targetNumber = null;
            if (r.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.Object)
            {
                targetType = Str(t, "type");
                if (t.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number) targetNumber = n.GetInt32();
            }
            var totals = r.TryGetProperty("total_tokens", out var tt) && tt.ValueKind == JsonValueKind.Object ? tt : default;
            var models = SessionStatsJson.ReadModels(r);
            var entries = new List<SessionSummaryEntry>();
            foreach (var s in sessions.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object) throw new FormatException("Summary JSON has a session that is not an object.");
                entries.Add(new SessionSummaryEntry
                {
                    SessionId = Str(s, "session_id") ?? throw new FormatException("Summary JSON has a session without session_id."),
                    Branch = Str(s, "branch"),
                    StartedAt = Date(s, "started_at"),
                    EndedAt = Date(s, "ended_at"),
                    DurationMinutes = (int)Long(s, "duration_minutes"),
                    CostUsd = Dec(s, "cost_usd") ?? 0m,
                    Commits = (int)Long(s, "commits"),
                    Skills = Strings(s, "skills"),
                    Models = Strings(s, "models"),
                    Status = Str(s, "status") ?? "done",
                    OutputTokens = Long(s, "output_tokens"),
                    OutputTokensLowerBound = Bool(s, "output_tokens_lower_bound"),
                    ClaudeCodeCostUsd = Dec(s, "claude_code_cost_usd"),
                    ClaudeCodeOutputTokens = s.TryGetProperty("claude_code_output_tokens", out var co) && co.ValueKind == JsonValueKind.Number ? co.GetInt64() : null,
                });
            }
            var ids = Strings(r, "session_ids");
            return new SessionSummaryData
            {
                TargetType = targetType,
                TargetNumber = targetNumber,
                Status = Str(r, "status"),
                SessionCount = r.TryGetProperty("session_count", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : entries.Count,
                SessionIds = ids.Count > 0 || entries.Count == 0 ? ids : entries.Select(e => e.SessionId).ToList(),
                TotalTokens = checked(Long(totals, "input") + Long(totals, "output") + Long(totals, "cache_creation") + Long(totals, "cache_read")),
                TotalCostUsd = Dec(r, "total_cost_usd") ?? 0m,
                TotalCommits = (int)Long(r, "total_commits"),
                TotalDurationMinutes = (int)Long(r, "total_duration_minutes"),
                InputTokens = Long(totals, "input"),
                OutputTokens = Long(totals, "output"),
                CacheCreationTokens = Long(totals, "cache_creation"),
                CacheReadTokens = Long(totals, "cache_read"),
                OutputTokensLowerBound = Bool(r, "output_tokens_lower_bound"),
                OutputTokensLowerBoundSessions = (int)Long(r, "output_tokens_lower_bound_sessions"),
                OutputTokensCorrection = Long(r, "output_tokens_correction"),
                ClaudeCode = ReadClaudeCode(r),
                Models = models,
                Sessions = entries,
            };
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static long Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static decimal? Dec(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;

    private static DateTimeOffset? Date(JsonElement e, string name) =>
        Str(e, name) is string s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    private static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}
