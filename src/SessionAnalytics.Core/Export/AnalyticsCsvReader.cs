using System.Globalization;
using CsvHelper;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Export;

/// <summary>
/// Reads <c>analytics.csv</c> back into records: columns by name (any order; extra columns ignored), the design's
/// snake_case names or the record's property names (a file written by <c>Export-Csv</c>), neutralised cells restored.
/// A row that does not parse is reported with its line and skipped; the other rows are kept.
/// </summary>
public static class AnalyticsCsvReader
{
    public static IReadOnlyList<SessionAnalyticsRecord> ReadFile(string path, IDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(path);
        Stream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(new EngineError(e is FileNotFoundException or DirectoryNotFoundException ? "AnalyticsCsvNotFound" : "AnalyticsCsvUnreadable",
                e switch
                {
                    FileNotFoundException or DirectoryNotFoundException => ErrorKind.ObjectNotFound,
                    UnauthorizedAccessException => ErrorKind.PermissionDenied,
                    _ => ErrorKind.ReadError,
                },
                $"Cannot read '{path}': {e.Message}", path, e));
        }
        using (stream) return Read(stream, path, diagnostics);
    }

    /// <param name="source">Names the input in messages (a path).</param>
    public static IReadOnlyList<SessionAnalyticsRecord> Read(Stream input, string source, IDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            FormatProvider = CultureInfo.InvariantCulture,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = bad => Report(diagnostics, source, bad.LineNumber, Describe(bad.Reason)),
        };
        using var csv = CsvReader.Create(input, options, leaveOpen: true);
        var names = csv.Headers.Select(h => h.Trim()).ToArray();
        if (names.Length == 0 || names.All(n => n.Length == 0))
            throw new EngineException(new EngineError("AnalyticsCsvEmpty", ErrorKind.InvalidData,
                $"'{source}' is empty: it has no header row.", source));

        var known = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        bool snake = known.Contains("session_id");
        if (!snake && !known.Contains("SessionId"))
            throw new EngineException(new EngineError("AnalyticsCsvHeaderInvalid", ErrorKind.InvalidData,
                $"'{source}' has no session_id column, so it is not an analytics.csv; its header is: {string.Join(",", names.Take(12))}{(names.Length > 12 ? ",…" : "")}.", source)
            {
                RecommendedAction = "Pass the analytics.csv written by Export-SessionAnalytics (or records exported with Export-Csv).",
            });
        var missing = SessionAnalyticsRecord.CsvColumns.Where(c => !known.Contains(snake ? c : SessionAnalyticsRecord.PropertyName(c))).ToList();
        if (missing.Count > 0)
            diagnostics.Warning($"'{source}' lacks the column(s) {string.Join(", ", missing)}; they are read as empty.");

        var records = new List<SessionAnalyticsRecord>();
        while (csv.Read())
        {
            var cells = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < names.Length && i < csv.FieldCount; i++) cells.TryAdd(names[i], csv.GetString(i));
            try { records.Add(SessionAnalyticsRecord.FromCells(cells)); }
            catch (FormatException e) { Report(diagnostics, source, csv.LineNumber, e.Message); }
        }
        diagnostics.Verbose($"Read {records.Count} record(s) from '{source}'.");
        return records;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "its number of fields differs from the header's",
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
        _ => $"malformed quoting ({reason})",
    };

    private static void Report(IDiagnostics diagnostics, string source, long line, string problem)
    {
        var where = $"{source}:{line.ToString(CultureInfo.InvariantCulture)}";
        diagnostics.Error(new EngineError("AnalyticsCsvRowInvalid", ErrorKind.InvalidData, $"{where}: row skipped: {problem}", where));
    }
}
