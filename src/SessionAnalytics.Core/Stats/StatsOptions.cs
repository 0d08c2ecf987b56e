namespace SessionAnalytics.Core.Stats;

public sealed class StatsOptions
{
    /// <summary>Gaps between consecutive transcript lines longer than this are idle time, left out of ActiveMinutes.</summary>
    public TimeSpan IdleThreshold { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Malformed lines reported one by one per file before the rest are only counted.</summary>
    public int MaxReportedBadLinesPerFile { get; init; } = 20;

    public static StatsOptions Default { get; } = new();
}
