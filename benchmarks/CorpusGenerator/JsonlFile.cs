using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SessionAnalytics.Benchmarks.CorpusGenerator;

/// <summary>Who writes a transcript line: the fields Claude Code repeats on every line of one file.</summary>
public sealed class LineContext
{
    public required string SessionId { get; init; }
    public required string Cwd { get; init; }
    public required string Version { get; init; }
    public string GitBranch { get; set; } = "main";
    public string? Slug { get; init; }
    /// <summary>Set on subagent and compaction transcripts (isSidechain: true).</summary>
    public string? AgentId { get; init; }
}

/// <summary>
/// One JSONL transcript being written: each line is one JSON object built with a reusable <see cref="Utf8JsonWriter"/>
/// (non-ASCII written raw, as Claude Code does) and appended with a newline. Counts the bytes it wrote.
/// </summary>
public sealed class JsonlFile : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
    private readonly FileStream _stream;
    private readonly ArrayBufferWriter<byte> _line = new(1 << 16);
    private readonly Utf8JsonWriter _writer;

    public JsonlFile(string path, LineContext context, int bufferSize = 1 << 20)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FilePath = path;
        Context = context;
        // CreateNew: two transcripts under one name would otherwise silently lose the first one's lines.
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize);
        _writer = new Utf8JsonWriter(_line, WriterOptions);
    }

    public string FilePath { get; }
    public LineContext Context { get; }
    public long Bytes { get; private set; }
    public long Lines { get; private set; }
    public long LargestLine { get; private set; }
    /// <summary>The uuid of the last line written: the next line's parentUuid.</summary>
    public string? LastUuid { get; set; }

    /// <summary>Writes one transcript line: the common envelope, then <paramref name="body"/>, then uuid and timestamp.</summary>
    public string Write(string type, DateTime timestamp, string uuid, Action<Utf8JsonWriter> body, bool envelope = true, string? parentUuid = null, bool nullParent = false)
    {
        var w = _writer;
        w.WriteStartObject();
        if (envelope)
        {
            WriteNullableString(w, "parentUuid", nullParent ? null : parentUuid ?? LastUuid);
            w.WriteBoolean("isSidechain", Context.AgentId is not null);
            w.WriteString("userType", "external");
            w.WriteString("cwd", Context.Cwd);
            w.WriteString("sessionId", Context.SessionId);
            w.WriteString("version", Context.Version);
            w.WriteString("gitBranch", Context.GitBranch);
            if (Context.AgentId is not null) w.WriteString("agentId", Context.AgentId);
            if (Context.Slug is not null) w.WriteString("slug", Context.Slug);
        }
        w.WriteString("type", type);
        body(w);
        if (envelope)
        {
            w.WriteString("uuid", uuid);
            w.WriteString("timestamp", Timestamp(timestamp));
        }
        w.WriteEndObject();
        w.Flush();
        _stream.Write(_line.WrittenSpan);
        _stream.WriteByte((byte)'\n');
        Bytes += _line.WrittenCount + 1;
        LargestLine = Math.Max(LargestLine, _line.WrittenCount + 1);
        Lines++;
        _line.ResetWrittenCount();
        w.Reset();
        if (envelope) LastUuid = uuid;
        return uuid;
    }

    public static string Timestamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
