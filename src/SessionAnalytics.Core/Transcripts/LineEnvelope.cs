using System.Text.Json;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// The top-level fields discovery needs from one transcript line (cwd, version, timestamp, gitBranch, sessionId),
/// read with a forward-only <see cref="Utf8JsonReader"/> over the line's bytes: no document is built and nothing is
/// copied but the strings wanted. Nested values (the message, tool results) are skipped; however the JSON is spaced,
/// a field is found (a byte search for <c>"gitBranch":"</c> missed <c>"gitBranch": "x"</c>).
/// </summary>
public readonly record struct LineEnvelope(string? Cwd, string? Version, DateTimeOffset? Timestamp, string? GitBranch, string? SessionId)
{
    /// <summary>Which fields to turn into strings; the others are skipped unread (a timestamp is always read).</summary>
    [Flags]
    public enum Fields { None = 0, Cwd = 1, Version = 2, GitBranch = 4, SessionId = 8, All = Cwd | Version | GitBranch | SessionId }

    /// <returns>false when the line is not a JSON object (a partial or corrupt line: discovery skips it quietly, the
    /// calculator reports it).</returns>
    public static bool TryRead(ReadOnlySpan<byte> line, Fields wanted, out LineEnvelope envelope)
    {
        envelope = default;
        string? cwd = null, version = null, branch = null, sessionId = null;
        DateTimeOffset? timestamp = null;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t)) timestamp = t;
                }
                else if ((wanted & Fields.Cwd) != 0 && reader.ValueTextEquals("cwd"u8)) cwd = NextString(ref reader);
                else if ((wanted & Fields.Version) != 0 && reader.ValueTextEquals("version"u8)) version = NextString(ref reader);
                else if ((wanted & Fields.GitBranch) != 0 && reader.ValueTextEquals("gitBranch"u8)) branch = NextString(ref reader);
                else if ((wanted & Fields.SessionId) != 0 && reader.ValueTextEquals("sessionId"u8)) sessionId = NextString(ref reader);
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) return false;
        }
        catch (JsonException)
        {
            return false;
        }
        envelope = new LineEnvelope(cwd, version, timestamp, branch, sessionId);
        return true;
    }

    private static string? NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        reader.Skip();
        return null;
    }
}
