using System.Text;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Export;

/// <summary>The outputs of the export phase.</summary>
[Flags]
public enum AnalyticsFormats
{
    None = 0,
    Csv = 1,
    Markdown = 2,
    Html = 4,
    /// <summary>The columnar dataset (<see cref="AnalyticsParquetDataset"/>); not part of <see cref="All"/>, the three files of the design.</summary>
    Parquet = 8,
    All = Csv | Markdown | Html,
}

/// <summary>Where and how an export writes.</summary>
public sealed class AnalyticsExportOptions
{
    /// <summary>The output folder: read for <see cref="Append"/>, and the root of the Parquet dataset.</summary>
    public required string Directory { get; init; }
    /// <summary>
    /// Extend what the folder holds instead of replacing it: the records of analytics.csv and of the Parquet dataset
    /// already there are kept, except those the input replaces (same <see cref="RecordKey"/>); the report and dashboard
    /// describe the whole. Without it, the CSV, report and dashboard describe the input alone and the dataset is replaced.
    /// </summary>
    public bool Append { get; init; }
    public AnalyticsReportOptions? Report { get; init; }
    public bool EmbedChartJs { get; init; }
}

/// <summary>Everything one export writes and deletes, rendered before anything is touched.</summary>
public sealed class AnalyticsExportPlan
{
    /// <summary>analytics.csv, analytics.md, dashboard.html (those asked for), named relative to the output folder.</summary>
    public required IReadOnlyList<AnalyticsFile> Files { get; init; }
    /// <summary>The Parquet dataset's files and the old part files they replace; null unless Parquet was asked for.</summary>
    public ParquetDatasetWrite? Dataset { get; init; }
    /// <summary>The records the CSV, report and dashboard describe (with -Append: the folder's records extended by the input).</summary>
    public required IReadOnlyList<SessionAnalyticsRecord> Records { get; init; }
    /// <summary>Records read from the output folder (with -Append), before the input replaced those of the same key.</summary>
    public int ExistingRecords { get; init; }
}

/// <summary>One file the export would write: its fixed name, what it is, and its exact bytes.</summary>
public sealed record AnalyticsFile(AnalyticsFormats Format, string FileName, string Description, byte[] Content);

/// <summary>
/// Renders the export phase's files from records: <c>analytics.csv</c>, <c>analytics.md</c>, <c>dashboard.html</c>.
/// Everything is rendered in memory first, so nothing is written when rendering fails, and the same records give
/// byte-identical files (UTF-8 without BOM; no timestamps).
/// </summary>
public static class AnalyticsExport
{
    public const string CsvFileName = "analytics.csv";
    public const string MarkdownFileName = "analytics.md";
    public const string DashboardFileName = "dashboard.html";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Records whose figures add up to more than a total can hold (a tampered CSV: comments read back are bounded).</summary>
    public const string FiguresOverflowErrorId = "AnalyticsFiguresOverflow";

    /// <summary>The CSV, Markdown and HTML files for <paramref name="records"/>, in memory (Parquet needs a folder: see <see cref="Plan"/>).</summary>
    /// <remarks>Every sum is checked: an overflow is an <see cref="EngineException"/> (<see cref="FiguresOverflowErrorId"/>), never a wrapped total.</remarks>
    public static IReadOnlyList<AnalyticsFile> Render(IEnumerable<SessionAnalyticsRecord> records, AnalyticsFormats formats,
        AnalyticsReportOptions? options = null, bool embedChartJs = false, IDiagnostics? diagnostics = null) =>
        Checked(() => RenderChecked(records, formats & ~AnalyticsFormats.Parquet, options, embedChartJs, diagnostics));

    /// <summary>
    /// Everything an export into <see cref="AnalyticsExportOptions.Directory"/> writes and deletes: reads the folder's
    /// records first with <see cref="AnalyticsExportOptions.Append"/>, renders every file in memory, and touches nothing
    /// (the cmdlet asks ShouldProcess, then <see cref="Apply"/> writes).
    /// </summary>
    public static AnalyticsExportPlan Plan(IEnumerable<SessionAnalyticsRecord> records, AnalyticsFormats formats, AnalyticsExportOptions options,
        IDiagnostics? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        diagnostics ??= NullDiagnostics.Instance;
        var input = records.ToList();
        return Checked(() =>
        {
            IReadOnlyList<SessionAnalyticsRecord> all = input;
            var existing = 0;
            if (options.Append)
            {
                var old = ExistingRecords(options.Directory, diagnostics);
                existing = old.Count;
                all = RecordKey.Merge(old, input);
                diagnostics.Verbose($"Appending: {old.Count} record(s) already in '{options.Directory}', {input.Count} from the input, {all.Count} after replacing those of the same key.");
            }
            ParquetDatasetWrite? dataset = null;
            if (formats.HasFlag(AnalyticsFormats.Parquet))
            {
                var touched = input.Select(r => (r.Repository ?? "").ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
                dataset = AnalyticsParquetDataset.Plan(options.Directory,
                    options.Append ? all.Where(r => touched.Contains((r.Repository ?? "").ToLowerInvariant())).ToList() : input, options.Append, diagnostics);
            }
            return new AnalyticsExportPlan
            {
                Files = RenderChecked(all, formats & ~AnalyticsFormats.Parquet, options.Report, options.EmbedChartJs, diagnostics),
                Dataset = dataset,
                Records = all,
                ExistingRecords = existing,
            };
        });
    }

    /// <summary>The records an output folder already holds: its Parquet dataset's, then analytics.csv's where the dataset lacks their key.</summary>
    public static IReadOnlyList<SessionAnalyticsRecord> ExistingRecords(string directory, IDiagnostics? diagnostics = null)
    {
        diagnostics ??= NullDiagnostics.Instance;
        var fromDataset = AnalyticsParquetDataset.Exists(directory) ? AnalyticsParquetDataset.Read(directory, diagnostics) : [];
        var csv = Path.Combine(directory, CsvFileName);
        var fromCsv = File.Exists(csv) ? AnalyticsCsvReader.ReadFile(csv, diagnostics) : [];
        return RecordKey.Merge(fromCsv, fromDataset);
    }

    private static T Checked<T>(Func<T> render)
    {
        try { return render(); }
        catch (OverflowException e)
        {
            throw new EngineException(new EngineError(FiguresOverflowErrorId, ErrorKind.LimitsExceeded,
                $"The records' figures add up to more than a report total can hold ({e.Message}); nothing was written.", null, e)
            {
                RecommendedAction = "A record holds absurd figures (a hand-edited CSV?): find it by its token columns and correct or remove it.",
            });
        }
    }

    private static List<AnalyticsFile> RenderChecked(IEnumerable<SessionAnalyticsRecord> records, AnalyticsFormats formats,
        AnalyticsReportOptions? options, bool embedChartJs, IDiagnostics? diagnostics)
    {
        var summary = AnalyticsSummary.Create(records, options, diagnostics);
        var files = new List<AnalyticsFile>();
        if (formats.HasFlag(AnalyticsFormats.Csv))
            files.Add(new(AnalyticsFormats.Csv, CsvFileName, $"analytics CSV ({summary.SessionCount} records)", AnalyticsCsvWriter.WriteToBytes(summary.Records)));
        if (formats.HasFlag(AnalyticsFormats.Markdown))
            files.Add(new(AnalyticsFormats.Markdown, MarkdownFileName, "Markdown report", Utf8NoBom.GetBytes(AnalyticsMarkdownReport.Render(summary))));
        if (formats.HasFlag(AnalyticsFormats.Html))
            files.Add(new(AnalyticsFormats.Html, DashboardFileName, embedChartJs ? "HTML dashboard (Chart.js embedded)" : "HTML dashboard (Chart.js from CDN)",
                Utf8NoBom.GetBytes(AnalyticsDashboard.Render(summary, embedChartJs))));
        return files;
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> through a temporary file in the same folder, so a
    /// reader never sees half a file and a failed write leaves the old file as it was.
    /// </summary>
    public static void WriteAtomically(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
