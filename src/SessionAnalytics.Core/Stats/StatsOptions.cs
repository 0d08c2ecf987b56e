namespace SessionAnalytics.Core.Stats;

public sealed class StatsOptions
{
    /// <summary>Gaps between consecutive transcript lines longer than this are idle time, left out of ActiveMinutes.</summary>
    public TimeSpan IdleThreshold { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Malformed lines reported one by one per file before the rest are only counted.</summary>
    public int MaxReportedBadLinesPerFile { get; init; } = 20;

    /// <summary>
    /// Transcripts at least this large are read and parsed ahead on a second thread while the lines are measured in
    /// order (Stats/LineReadAhead): 64 MB, far above an ordinary session's main transcript, so only a giant one does.
    /// </summary>
    public long ReadAheadFromBytes { get; init; } = 64L << 20;

    /// <summary>Tests: read ahead even where there is one processor.</summary>
    internal bool ReadAheadOnOneCore { get; init; }

    public static StatsOptions Default { get; } = new();
}
