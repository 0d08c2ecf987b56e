using System.Runtime.CompilerServices;
using SessionAnalytics.Core.Export;

namespace SessionAnalytics.Core.Extraction;

/// <summary>
/// Links each record an extraction emits to that run's <see cref="ExtractionSummary"/>, without a property on the
/// record (which would become a CSV column and break record equality): a table keyed by the record object itself.
/// This is how <c>Get-SessionAnalytics | Export-SessionAnalytics</c> gets "3 comments were left out, and why" into
/// the report: Export reads the notes when it writes, after the extraction has finished. Records rebuilt from a
/// CSV or copied with <c>with</c> carry no notes.
/// </summary>
public static class ExtractionNotes
{
    private static readonly ConditionalWeakTable<SessionAnalyticsRecord, ExtractionSummary> Summaries = new();

    internal static SessionAnalyticsRecord Attach(SessionAnalyticsRecord record, ExtractionSummary summary)
    {
        Summaries.AddOrUpdate(record, summary);
        return record;
    }

    /// <summary>The summary of the extraction run that emitted <paramref name="record"/>, if it came from one.</summary>
    public static ExtractionSummary? SummaryOf(SessionAnalyticsRecord record) =>
        Summaries.TryGetValue(record, out var summary) ? summary : null;

    /// <summary>The notes of every extraction run the records came from, run by run in the order first seen.</summary>
    public static IReadOnlyList<string> For(IEnumerable<SessionAnalyticsRecord> records)
    {
        var runs = new List<ExtractionSummary>();
        foreach (var record in records)
            if (SummaryOf(record) is { } summary && !runs.Contains(summary)) runs.Add(summary);
        return runs.SelectMany(r => r.Notes).ToList();
    }
}
