using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAnalytics.Core.Redaction;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// <c>SecretRedactor.Redact(SessionStats)</c>. The text redactor lives below Stats (Core/Redaction), so redacting a whole
/// session is declared here, as a static extension of <see cref="SecretRedactor"/> that keeps the call as it was.
/// </summary>
public static class SessionStatsRedaction
{
    extension(SecretRedactor)
    {
        /// <summary>
        /// The session as its JSON carries it, with every text redacted: every string value and every object key of the
        /// session's JSON (ids, names, descriptions, messages, model, tool, skill and edge names), so a field added to
        /// the contract is redacted without being listed here. Numbers are untouched; keys that redact to the same text
        /// are merged, their numbers added. Like the JSON, the copy has times to the second and model costs to 1/100
        /// cent. <see cref="SessionStats.TranscriptPaths"/> and the places Claude Code's figures were read from (local only,
        /// not in the JSON) are redacted too.
        /// </summary>
        public static SessionStats Redact(SessionStats stats)
        {
            ArgumentNullException.ThrowIfNull(stats);
            var json = JsonSerializer.SerializeToNode(SessionStatsDocument.From(stats), SessionStatsJsonContext.Default.SessionStatsDocument);
            var redacted = RedactNode(json)!.Deserialize(SessionStatsJsonContext.Default.SessionStatsDocument)!.ToStats();
            return redacted with
            {
                TranscriptPaths = stats.TranscriptPaths.Select(p => SecretRedactor.Redact(p) ?? "").ToList(),
                ClaudeCode = redacted.ClaudeCode is { } report
                    ? report with { StatusLine = Located(report.StatusLine, stats.ClaudeCode?.StatusLine), CostCommand = Located(report.CostCommand, stats.ClaudeCode?.CostCommand) }
                    : null,
            };
        }
    }

    private static Transcripts.ClaudeCodeFigures? Located(Transcripts.ClaudeCodeFigures? redacted, Transcripts.ClaudeCodeFigures? original) =>
        redacted is null || original is null ? redacted
            : redacted with { Location = SecretRedactor.Redact(original.Location), TranscriptPath = SecretRedactor.Redact(original.TranscriptPath) };

    private static JsonNode? RedactNode(JsonNode? node) => node switch
    {
        JsonObject o => RedactObject(o),
        JsonArray a => new JsonArray(a.Select(RedactNode).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var text) => JsonValue.Create(SecretRedactor.Redact(text)),
        _ => node?.DeepClone(),
    };

    private static JsonObject RedactObject(JsonObject o)
    {
        var result = new JsonObject();
        foreach (var (key, value) in o)
        {
            var k = SecretRedactor.Redact(key)!;
            var v = RedactNode(value);
            result[k] = result.TryGetPropertyValue(k, out var existing) ? Merge(existing, v) : v;
        }
        return result;
    }

    /// <summary>Two values whose keys redacted to the same text: numbers add up, objects merge, otherwise the first stays.</summary>
    private static JsonNode? Merge(JsonNode? first, JsonNode? second)
    {
        if (first is JsonValue a && second is JsonValue b && a.TryGetValue<decimal>(out var x) && b.TryGetValue<decimal>(out var y))
            return JsonValue.Create(x + y);
        if (first is JsonObject left && second is JsonObject right)
        {
            var merged = (JsonObject)left.DeepClone();
            foreach (var (key, value) in right)
                merged[key] = merged.TryGetPropertyValue(key, out var existing) ? Merge(existing, value) : value?.DeepClone();
            return merged;
        }
        return first?.DeepClone();
    }
}
