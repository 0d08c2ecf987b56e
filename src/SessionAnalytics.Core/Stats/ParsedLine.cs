using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// One transcript line after the work that needs no session state: the UTF-8 check, the envelope of a line that carries
/// nothing billable, the document of one that does. Parsing (<see cref="LineParser"/>) may run ahead on another thread
/// (<see cref="LineReadAhead"/>); applying (<see cref="Apply"/>) runs in file order on the measuring thread.
/// </summary>
internal struct ParsedLine
{
    public long Number;
    public TranscriptEnvelope? Envelope;
    /// <summary>The line's document (owned: <see cref="Apply"/> disposes it).</summary>
    public JsonDocument? Document;
    public string? ErrorId;
    public string? Problem;
    public Exception? Exception;
    /// <summary>A main-transcript line that mentions a local command (/cost), copied for the measurement's finder.</summary>
    public byte[]? CommandLine;
    /// <summary>Something the file reader reported between two lines (an oversized line, a read failure).</summary>
    public Action<IDiagnostics>? Report;

    /// <summary>Hands the line to the measurement, or reports what is wrong with it.</summary>
    /// <param name="dispose">Dispose the document here (else the caller does: the read-ahead disposes on the thread
    /// that parsed, so the arrays a document rents go back to that thread's pool).</param>
    public readonly void Apply(MeasurementRun measurement, TranscriptFileKind kind, string? fileAgent, LineErrors errors, IDiagnostics diagnostics, bool dispose = true)
    {
        if (Report is not null)
        {
            Report(diagnostics);
            return;
        }
        if (CommandLine is not null) measurement.MainTranscriptLine(Number, CommandLine);
        if (ErrorId is not null)
        {
            errors.Report(Number, ErrorId, Problem!, Exception);
            return;
        }
        if (Envelope is { } envelope) measurement.NonBillable(envelope, kind);
        if (Document is not { } doc) return;
        try
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Report(Number, StatsErrors.LineMalformed, $"a JSON {doc.RootElement.ValueKind}, not an object; the line is skipped.");
                return;
            }
            measurement.Line(new TranscriptLine(doc.RootElement, kind, fileAgent, LineSource.Transcript, errors, Number));
        }
        finally
        {
            if (dispose) doc.Dispose();
        }
    }

    /// <summary>Disposes the document (again is harmless: <see cref="JsonDocument.Dispose"/> returns its arrays once).</summary>
    public readonly void Discard() => Document?.Dispose();
}

/// <summary>
/// Parses the lines of one transcript file: needs no session state but the agent ids of its subagent files, so it can
/// run ahead of the measurement on another thread. Not thread-safe: one per file being read.
/// </summary>
/// <param name="findsCommands">Main transcripts, when Claude Code's figures are read: lines that may hold /cost and its
/// output are kept for <see cref="MeasurementRun.MainTranscriptLine"/> (a substring search here, no parse).</param>
internal sealed class LineParser(IReadOnlyList<byte[]> agentsWithTranscripts, bool findsCommands)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = TranscriptLines.MaxNestingDepth };

    private readonly RepeatedStrings _strings = new();

    /// <param name="line">The line.</param>
    /// <param name="keep">Where a line that gets a document is copied first (a document keeps referring to its bytes,
    /// so they must outlive it); null when the line's bytes outlive the parsed line anyway.</param>
    public ParsedLine Parse(long number, ReadOnlyMemory<byte> line, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>? keep = null)
    {
        var parsed = new ParsedLine { Number = number };
        if (findsCommands && CostCommandFinder.MayMention(line.Span)) parsed.CommandLine = line.ToArray();
        // The JSON reader does not validate every string's UTF-8; a line that is not UTF-8 is corrupt, not data.
        if (!System.Text.Unicode.Utf8.IsValid(line.Span))
            return Failed(parsed, StatsErrors.LineNotUtf8, "not valid UTF-8; the line is skipped, the rest of the session is kept.");
        if (TranscriptEnvelope.TryReadNonBillable(line.Span, agentsWithTranscripts, _strings, out var envelope))
        {
            parsed.Envelope = envelope;
            if (!envelope.ReplaysMissingAgent) return parsed;
        }
        try
        {
            parsed.Document = JsonDocument.Parse(keep is null ? line : keep(line), DocumentOptions);
        }
        catch (JsonException e)
        {
            return Failed(parsed, StatsErrors.LineMalformed, $"not a JSON object ({e.Message}); the line is skipped, the rest of the session is kept.", e);
        }
        return parsed;
    }

    private static ParsedLine Failed(ParsedLine parsed, string errorId, string problem, Exception? exception = null)
    {
        parsed.ErrorId = errorId;
        parsed.Problem = problem;
        parsed.Exception = exception;
        return parsed;
    }
}
