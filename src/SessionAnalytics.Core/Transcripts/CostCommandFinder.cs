using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Finds what <c>/cost</c> printed in a transcript and reads it with <see cref="CostCommandOutput"/>; the latest output
/// wins (Claude Code's counters only grow within a process). Feed it every line of a main transcript in order
/// (<see cref="Observe"/>, e.g. from inside another single pass), or let <see cref="Read"/> stream a file.
/// </summary>
/// <remarks>
/// Claude Code records a local command as two lines: the command (<c>&lt;command-name&gt;/cost&lt;/command-name&gt;</c>)
/// and its output (<c>&lt;local-command-stdout&gt;…&lt;/local-command-stdout&gt;</c>) whose <c>parentUuid</c> is the
/// command line's <c>uuid</c>. 2.1.x writes both as <c>type: "system", subtype: "local_command"</c> lines with the text in
/// <c>content</c> (newer builds may use <c>local_command_output</c> for the output); 1.x and 2.0.x as <c>type: "user"</c>
/// lines with the text in <c>message.content</c> (a string, or text blocks). Where either uuid is absent, the next
/// output after the command is its output. Lines that are not valid JSON are skipped here: the transcript's reader
/// reports them.
/// </remarks>
public sealed class CostCommandFinder(string transcriptPath, IDiagnostics diagnostics)
{
    private bool _costPending;
    private string? _costUuid;
    private long _costLine;

    /// <summary>The figures of the last /cost output seen so far; null when there was none (or none was readable).</summary>
    public ClaudeCodeFigures? Latest { get; private set; }

    /// <summary>How many /cost outputs were seen (readable or not).</summary>
    public int OutputsSeen { get; private set; }

    /// <summary>Looks at one transcript line (UTF-8 JSON). Costs one substring search unless the line mentions a local command.</summary>
    public void Observe(long lineNumber, ReadOnlySpan<byte> line)
    {
        if (!MayMention(line)) return;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException)
        {
            return;
        }
        using (document)
            Observe(lineNumber, document.RootElement);
    }

    /// <summary>
    /// False when the line cannot be a local command or its output (the only lines <see cref="Observe(long, ReadOnlySpan{byte})"/>
    /// parses): both tags contain "command-"; almost no other line does, and none of those is parsed twice.
    /// </summary>
    public static bool MayMention(ReadOnlySpan<byte> line) => line.IndexOf("command-"u8) >= 0;

    /// <summary>Looks at one transcript line already parsed (for a caller that parses every line anyway).</summary>
    public void Observe(long lineNumber, JsonElement line)
    {
        if (TextOf(line) is not { } text) return;
        if (text.Contains("<command-name>", StringComparison.Ordinal))
        {
            // Any other command ends the wait for /cost's output.
            _costPending = IsCostCommand(text);
            _costUuid = _costPending ? StringProperty(line, "uuid") : null;
            _costLine = lineNumber;
        }
        if (!_costPending || CostCommandOutput.Unwrap(text) is not { } output) return;
        var parent = StringProperty(line, "parentUuid");
        if (_costUuid is not null && parent is not null && !string.Equals(parent, _costUuid, StringComparison.Ordinal)) return;

        _costPending = false;
        OutputsSeen++;
        var location = $"{transcriptPath}:{lineNumber}";
        var recordedAt = line.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.String && t.TryGetDateTimeOffset(out var at)
            ? at : (DateTimeOffset?)null;
        var figures = CostCommandOutput.Parse(output, location, recordedAt, StringProperty(line, "sessionId"));
        if (figures is null)
        {
            var shown = CostCommandOutput.StripAnsi(output).Trim();
            if (shown.Length > 200) shown = shown[..200] + "…";
            diagnostics.Error(new EngineError(ClaudeCodeFiguresErrors.CostCommandOutputUnrecognized, ErrorKind.InvalidData,
                $"{location}: the output of /cost (command on line {_costLine}) has none of the lines /cost is known to print: \"{shown}\". " +
                "Claude Code's figures from this /cost are not used.", location)
            { RecommendedAction = "If a newer Claude Code prints /cost differently, report the output so the parser can learn it." });
            return;
        }
        Latest = figures;
    }

    /// <summary>Streams <paramref name="transcriptPath"/> and returns the figures of its last /cost output, if any.</summary>
    public static ClaudeCodeFigures? Read(string transcriptPath, IDiagnostics diagnostics, CancellationToken cancellation = default)
    {
        var finder = new CostCommandFinder(transcriptPath, diagnostics);
        TranscriptLines.Read(transcriptPath, (number, line) => finder.Observe(number, line.Span), diagnostics, cancellation);
        return finder.Latest;
    }

    private static bool IsCostCommand(string text)
    {
        const string open = "<command-name>", close = "</command-name>";
        var start = text.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var end = text.IndexOf(close, start, StringComparison.Ordinal);
        if (end < 0) return false;
        var name = text[start..end].Trim();
        return name.Equals("/cost", StringComparison.OrdinalIgnoreCase) || name.Equals("cost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The text of a local command line: a system line's content, or a user line's message content.</summary>
    private static string? TextOf(JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object || StringProperty(line, "type") is not { } type) return null;
        if (type == "system")
        {
            var subtype = StringProperty(line, "subtype");
            return subtype is "local_command" or "local_command_output" ? StringProperty(line, "content") : null;
        }
        if (type != "user" || !line.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object ||
            !message.TryGetProperty("content", out var content)) return null;
        if (content.ValueKind == JsonValueKind.String) return content.GetString();
        if (content.ValueKind != JsonValueKind.Array) return null;
        string? text = null;
        foreach (var block in content.EnumerateArray())
            if (block.ValueKind == JsonValueKind.Object && StringProperty(block, "type") == "text" && StringProperty(block, "text") is { } t)
                text = text is null ? t : text + "\n" + t;
        return text;
    }

    private static string? StringProperty(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
