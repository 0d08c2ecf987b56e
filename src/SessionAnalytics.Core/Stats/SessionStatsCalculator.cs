using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Measures one session from all its transcripts (main thread, subagents, compaction calls) in one streaming pass per
/// file: each line is parsed once and handed to <see cref="MeasurementRun"/>, which gives each concern (usage,
/// tools and problems, commits, subagents, skill windows, timeline) to the part that owns it. The accounting contract
/// is docs/about_SessionAnalytics.md, "Accounting"; the parts are described in Stats/README.md.
/// </summary>
public sealed class SessionStatsCalculator(PricingTable pricing, IDiagnostics diagnostics, StatsOptions? options = null)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = TranscriptLines.MaxNestingDepth };

    private readonly StatsOptions _options = options ?? StatsOptions.Default;

    public SessionStats Calculate(ClaudeSession session, CancellationToken cancellation = default)
    {
        var measurement = new MeasurementRun(session, TranscriptFile.SiblingSessionIds(session.TranscriptPath), diagnostics);
        var files = session.TranscriptPaths.Count > 0 ? session.TranscriptPaths : [session.TranscriptPath];
        foreach (var path in files)
        {
            cancellation.ThrowIfCancellationRequested();
            ReadFile(measurement, path, TranscriptFile.KindOf(path, session.TranscriptPath), cancellation);
        }
        var statusLine = _options.ReadClaudeCodeFigures
            ? StatusLineFigures.Read(session.Id, _options.StatusLineDirectories(session), diagnostics)
            : null;
        return measurement.Build(pricing, diagnostics, _options, statusLine);
    }

    private void ReadFile(MeasurementRun measurement, string path, TranscriptFileKind kind, CancellationToken cancellation)
    {
        var fileAgent = kind == TranscriptFileKind.Main ? null : TranscriptFile.AgentIdOf(path);
        var errors = new LineErrors(path, diagnostics, _options.MaxReportedBadLinesPerFile);
        var main = kind == TranscriptFileKind.Main && _options.ReadClaudeCodeFigures;
        TranscriptLines.Read(path, (lineNumber, line) =>
        {
            if (main) measurement.MainTranscriptLine(lineNumber, line.Span);
            // The JSON reader does not validate every string's UTF-8; a line that is not UTF-8 is corrupt, not data.
            if (!System.Text.Unicode.Utf8.IsValid(line.Span))
            {
                errors.Report(lineNumber, StatsErrors.LineNotUtf8, "not valid UTF-8; the line is skipped, the rest of the session is kept.");
                return;
            }
            if (TranscriptEnvelope.TryReadNonBillable(line.Span, measurement.AgentsWithTranscripts, out var envelope))
            {
                measurement.NonBillable(envelope, kind);
                if (!envelope.ReplaysMissingAgent) return;
            }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line, DocumentOptions);
            }
            catch (JsonException e)
            {
                errors.Report(lineNumber, StatsErrors.LineMalformed, $"not a JSON object ({e.Message}); the line is skipped, the rest of the session is kept.", e);
                return;
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    errors.Report(lineNumber, StatsErrors.LineMalformed, $"a JSON {doc.RootElement.ValueKind}, not an object; the line is skipped.");
                    return;
                }
                measurement.Line(new TranscriptLine(doc.RootElement, kind, fileAgent, LineSource.Transcript, errors, lineNumber));
            }
        }, diagnostics, cancellation);
        errors.Summarize();
    }
}
