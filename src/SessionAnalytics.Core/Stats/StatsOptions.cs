using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

public sealed class StatsOptions
{
    /// <summary>Gaps between consecutive transcript lines longer than this are idle time, left out of ActiveMinutes.</summary>
    public TimeSpan IdleThreshold { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Malformed lines reported one by one per file before the rest are only counted.</summary>
    public int MaxReportedBadLinesPerFile { get; init; } = 20;

    /// <summary>
    /// Read Claude Code's own figures: the status line the recorder saved for the session, and the output of /cost in
    /// its transcript (<see cref="SessionStats.ClaudeCode"/>). On by default.
    /// </summary>
    public bool ReadClaudeCodeFigures { get; init; } = true;

    /// <summary>
    /// The status line recorder's data directory when it is overridden (<see cref="StatusLineFigures.DataDirectoryVariable"/>):
    /// searched first. Null: not overridden.
    /// </summary>
    public string? StatusLineDirectory { get; init; }

    /// <summary>
    /// Claude Code config directories whose <c>sessionanalytics/statusline</c> folders are searched after the one the
    /// session was found under (<see cref="ClaudeSession.ConfigDirectory"/>): where the recorder writes when the
    /// session was found elsewhere (a copied transcript, -Path).
    /// </summary>
    public IReadOnlyList<string> ConfigDirectories { get; init; } = [];

    /// <summary>
    /// Transcripts at least this large are read and parsed ahead on a second thread while the lines are measured in
    /// order (Stats/LineReadAhead): 64 MB, far above an ordinary session's main transcript, so only a giant one does.
    /// </summary>
    public long ReadAheadFromBytes { get; init; } = 64L << 20;

    /// <summary>Tests: read ahead even where there is one processor.</summary>
    internal bool ReadAheadOnOneCore { get; init; }

    public static StatsOptions Default { get; } = new();

    /// <summary>
    /// <paramref name="basis"/> (or the defaults) with the status line locations the recorder uses:
    /// SESSIONANALYTICS_STATUSLINE_DIR, else CLAUDE_CONFIG_DIR's entries, else ~/.config/claude and ~/.claude.
    /// </summary>
    public static StatsOptions WithRecorderLocations(Func<string, string?> environment, string home, StatsOptions? basis = null)
    {
        basis ??= Default;
        var overridden = environment(StatusLineFigures.DataDirectoryVariable);
        return new StatsOptions
        {
            IdleThreshold = basis.IdleThreshold,
            MaxReportedBadLinesPerFile = basis.MaxReportedBadLinesPerFile,
            ReadClaudeCodeFigures = basis.ReadClaudeCodeFigures,
            ReadAheadFromBytes = basis.ReadAheadFromBytes,
            ReadAheadOnOneCore = basis.ReadAheadOnOneCore,
            StatusLineDirectory = string.IsNullOrWhiteSpace(overridden) ? basis.StatusLineDirectory : overridden,
            ConfigDirectories = [.. basis.ConfigDirectories, .. SessionDiscovery.DefaultRoots(environment("CLAUDE_CONFIG_DIR"), home)],
        };
    }

    /// <summary>Where the status line recorder's file of <paramref name="session"/> may be, in search order.</summary>
    internal IReadOnlyList<string> StatusLineDirectories(ClaudeSession session) =>
        StatusLineFigures.Directories(StatusLineDirectory, session.ConfigDirectory is { } own ? [own, .. ConfigDirectories] : ConfigDirectories);
}
