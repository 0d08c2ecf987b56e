using System.Text.Json;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// The top-level fields every transcript line carries (cwd, version, timestamp, gitBranch, sessionId), read with a
/// forward-only <see cref="Utf8JsonReader"/> over the line's bytes: no document is built and nothing is copied but the
/// strings wanted. Nested values (the message, tool results) are skipped; however the JSON is spaced, a field is found
/// (a byte search for <c>"gitBranch":"</c> missed <c>"gitBranch": "x"</c>). Discovery reads head and tail lines with
/// it; the calculator reads the lines that carry nothing billable with it (Stats/TranscriptEnvelope), through
/// <see cref="TryReadField"/>, so the fields are read in one place.
/// </summary>
public readonly record struct LineEnvelope(string? Cwd, string? Version, DateTimeOffset? Timestamp, string? GitBranch, string? SessionId)
{
    /// <summary>Which fields to turn into strings; the others are skipped unread (a timestamp is always read).</summary>
    [Flags]
    public enum Fields { None = 0, Cwd = 1, Version = 2, GitBranch = 4, SessionId = 8, All = Cwd | Version | GitBranch | SessionId }

    /// <summary>Options of every forward read of a line: nesting as deep as the calculator allows (TranscriptLines).</summary>
    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = TranscriptLines.MaxNestingDepth,
    };

    /// <returns>false when the line is not a JSON object (a partial or corrupt line: discovery skips it quietly, the
    /// calculator reports it).</returns>
    public static bool TryRead(ReadOnlySpan<byte> line, Fields wanted, out LineEnvelope envelope) => TryRead(line, wanted, null, out envelope);

    /// <param name="strings">Keeps the strings of values repeated from line to line (null: a string per value read).</param>
    public static bool TryRead(ReadOnlySpan<byte> line, Fields wanted, RepeatedStrings? strings, out LineEnvelope envelope)
    {
        envelope = default;
        var fields = new Builder(wanted, strings);
        try
        {
            var reader = new Utf8JsonReader(line, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!TryReadField(ref reader, ref fields))
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
        envelope = fields.Build();
        return true;
    }

    /// <summary>
    /// Reads the value of the property the reader is on when it is one of the envelope's fields (the value is consumed);
    /// false, reading nothing, for any other property.
    /// </summary>
    internal static bool TryReadField(ref Utf8JsonReader reader, ref Builder fields)
    {
        if (reader.ValueTextEquals("timestamp"u8))
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t)) fields.Timestamp = t;
            else reader.Skip();
        }
        else if (reader.ValueTextEquals("cwd"u8)) fields.Cwd = fields.Next(ref reader, Fields.Cwd);
        else if (reader.ValueTextEquals("version"u8)) fields.Version = fields.Next(ref reader, Fields.Version);
        else if (reader.ValueTextEquals("gitBranch"u8)) fields.GitBranch = fields.Next(ref reader, Fields.GitBranch);
        else if (reader.ValueTextEquals("sessionId"u8)) fields.SessionId = fields.Next(ref reader, Fields.SessionId);
        else return false;
        return true;
    }

    /// <summary>The envelope being read: which fields are wanted, and those read so far.</summary>
    internal struct Builder(Fields wanted, RepeatedStrings? strings)
    {
        public string? Cwd, Version, GitBranch, SessionId;
        public DateTimeOffset? Timestamp;

        public readonly LineEnvelope Build() => new(Cwd, Version, Timestamp, GitBranch, SessionId);

        /// <summary>The string value the reader moves to, when its field is wanted; otherwise the value is skipped.</summary>
        public readonly string? Next(ref Utf8JsonReader reader, Fields field)
        {
            reader.Read();
            if ((wanted & field) != 0 && reader.TokenType == JsonTokenType.String)
                return strings is null ? reader.GetString() : strings.Get(ref reader, field);
            reader.Skip();
            return null;
        }
    }
}

/// <summary>
/// The last string read for each envelope field. A transcript repeats its cwd, version, branch and session id on every
/// line: comparing the bytes with the last value and reusing its string makes no string per line (on a 1 GB history
/// that was four strings for each of ~500,000 lines). One instance per reader; not thread-safe.
/// </summary>
public sealed class RepeatedStrings
{
    private readonly string?[] _strings = new string?[4];
    private readonly byte[]?[] _utf8 = new byte[]?[4];

    internal string Get(ref Utf8JsonReader reader, LineEnvelope.Fields field)
    {
        var slot = System.Numerics.BitOperations.Log2((uint)field);
        if (_utf8[slot] is { } last && reader.ValueTextEquals(last)) return _strings[slot]!;
        var value = reader.GetString()!;
        _strings[slot] = value;
        _utf8[slot] = System.Text.Encoding.UTF8.GetBytes(value);
        return value;
    }
}
