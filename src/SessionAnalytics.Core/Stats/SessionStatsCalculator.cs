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
        var parser = new LineParser(measurement.AgentsWithTranscripts, findsCommands: kind == TranscriptFileKind.Main && _options.ReadClaudeCodeFigures);
        if (ReadsAhead(path))
            LineReadAhead.Read(path, parser, line => line.Apply(measurement, kind, fileAgent, errors, diagnostics, dispose: false), cancellation);
        else
            TranscriptLines.Read(path, (number, line) => parser.Parse(number, line).Apply(measurement, kind, fileAgent, errors, diagnostics), diagnostics, cancellation);
        errors.Summarize();
    }

    /// <summary>
    /// A file is read ahead on a second thread when it is large and there is a second core: one giant transcript then
    /// does not leave a core idle (many ordinary sessions already use every core, one session per worker).
    /// </summary>
    private bool ReadsAhead(string path)
    {
        if (Environment.ProcessorCount < 2 && !_options.ReadAheadOnOneCore) return false;
        try
        {
            return new FileInfo(path).Length >= _options.ReadAheadFromBytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // the read reports it
        }
    }
}
