using System.Reflection;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Export;

/// <summary>
/// Records from the rows of a SessionStats CSV: <c>ConvertTo-SessionStats | Export-Csv stats.csv</c>, then
/// <c>Import-Csv stats.csv | Export-SessionAnalytics</c>. Each row is read back into the session's stats
/// (<see cref="SessionStatsCells"/>) and becomes the record <see cref="SessionAnalyticsRecord.FromStats"/> makes of
/// them, so analytics.csv is the same as from the direct pipeline. What the row cannot say is left unknown, not zero:
/// a session with several models has no per-model token split in the CSV, so its record has no
/// <see cref="SessionAnalyticsRecord.PerModelUsage"/> (the report counts it under "several models", as it does for a
/// re-read analytics.csv).
/// </summary>
public static class StatsRowRecords
{
    /// <summary>Columns of analytics records (the CSV's snake_case names and the record's property names) that a SessionStats row does not have.</summary>
    private static readonly HashSet<string> RecordOnlyColumns = BuildRecordOnlyColumns();

    /// <summary>
    /// True for the cells of a SessionStats row: a <c>SessionId</c> column and no column only analytics records have.
    /// A row with a SessionId and nothing else to tell is taken for a SessionStats row, so what it lacks is named.
    /// </summary>
    public static bool IsStatsRow(IReadOnlyDictionary<string, string?> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return cells.Keys.Any(k => string.Equals(k, nameof(SessionStats.SessionId), StringComparison.OrdinalIgnoreCase))
            && !cells.Keys.Any(RecordOnlyColumns.Contains);
    }

    /// <summary>The record of a SessionStats row; throws <see cref="SessionStatsRowException"/> naming a missing column or a bad cell.</summary>
    public static SessionAnalyticsRecord FromStatsRow(IReadOnlyDictionary<string, string?> cells)
    {
        var row = SessionStatsCells.Read(cells);
        var record = SessionAnalyticsRecord.FromStats(row.Stats);
        return row.ModelTokensKnown ? record : record with { PerModelUsage = null };
    }

    private static HashSet<string> BuildRecordOnlyColumns()
    {
        var stats = new HashSet<string>(SessionStatsCells.Columns, StringComparer.OrdinalIgnoreCase);
        var record = typeof(SessionAnalyticsRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name)
            .Concat(SessionAnalyticsRecord.CsvColumns);
        return new HashSet<string>(record.Where(c => !stats.Contains(c)), StringComparer.OrdinalIgnoreCase);
    }
}
