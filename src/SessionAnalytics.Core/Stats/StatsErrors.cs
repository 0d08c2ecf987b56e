namespace SessionAnalytics.Core.Stats;

/// <summary>The error ids measurement reports (non-terminating, per line; docs/about_SessionAnalytics.md, "Bad input").</summary>
public static class StatsErrors
{
    /// <summary>A line that is not a JSON object (cut off, garbage, another JSON value).</summary>
    public const string LineMalformed = "TranscriptLineMalformed";

    /// <summary>A line whose bytes are not UTF-8.</summary>
    public const string LineNotUtf8 = "TranscriptLineNotUtf8";

    /// <summary>
    /// A usage figure that is not a whole number from 0 to <see cref="UsageLimits.MaxTokensPerField"/>: the line's usage
    /// (or the final usage of a subagent's tool result) is not counted.
    /// </summary>
    public const string UsageInvalid = "TranscriptUsageInvalid";
}
