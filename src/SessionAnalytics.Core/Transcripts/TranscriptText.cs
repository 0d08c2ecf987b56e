using System.Text;
using System.Text.Json;
using SessionAnalytics.Core.Redaction;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>Small readers over transcript JSON that tolerate any shape (every field may be missing or of another kind).</summary>
internal static class TranscriptText
{
    public static string? Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long Long(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : 0;

    public static long? LongOrNull(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    public static bool True(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static bool False(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.False;

    public static JsonElement Obj(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    public static DateTimeOffset? Timestamp(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("timestamp", out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var d) ? d : null;

    /// <summary>The text of a message or tool_result content: a string, or the text blocks of an array.</summary>
    public static string ContentText(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String) return content.GetString() ?? "";
        if (content.ValueKind != JsonValueKind.Array) return "";
        var text = new StringBuilder();
        foreach (var block in content.EnumerateArray())
            if (block.Str("type") == "text" && block.Str("text") is string t)
            {
                if (text.Length > 0) text.Append('\n');
                text.Append(t);
            }
        return text.ToString();
    }

    /// <summary>
    /// The first non-empty line, secrets redacted; a line ending in ':' ("Pre-commit validation failed:") takes the
    /// next non-empty line with it, since that is where the reason is.
    /// </summary>
    public static string FirstLine(string text, int max = 160)
    {
        // Only the first two non-empty lines are looked at: failing output can be megabytes long.
        var rest = text.AsSpan();
        var line = NextLine(ref rest);
        if (line.EndsWith(":") && NextLine(ref rest) is { Length: > 0 } reason) line = string.Concat(line, " ", reason);
        line = SecretRedactor.Redact(line) ?? "";
        return line.Length > max ? string.Concat(line.AsSpan(0, max - 1), "…") : line;
    }

    private static string NextLine(ref ReadOnlySpan<char> rest)
    {
        while (!rest.IsEmpty)
        {
            var nl = rest.IndexOf('\n');
            var line = (nl < 0 ? rest : rest[..nl]).Trim();
            rest = nl < 0 ? [] : rest[(nl + 1)..];
            if (!line.IsEmpty) return line.Length > 1000 ? line[..1000].ToString() : line.ToString();
        }
        return "";
    }
}
