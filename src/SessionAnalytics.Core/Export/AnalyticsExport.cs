using System.Text;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Export;

/// <summary>The three output files of the export phase.</summary>
[Flags]
public enum AnalyticsFormats
{
    None = 0,
    Csv = 1,
    Markdown = 2,
    Html = 4,
    All = Csv | Markdown | Html,
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

    /// <remarks>Every sum is checked: an overflow is an <see cref="EngineException"/> (<see cref="FiguresOverflowErrorId"/>), never a wrapped total.</remarks>
    public static IReadOnlyList<AnalyticsFile> Render(IEnumerable<SessionAnalyticsRecord> records, AnalyticsFormats formats,
        AnalyticsReportOptions? options = null, bool embedChartJs = false, IDiagnostics? diagnostics = null)
    {
        try { return RenderChecked(records, formats, options, embedChartJs, diagnostics); }
        catch (OverflowException e)
        {
            throw new EngineException(new EngineError(FiguresOverflowErrorId, ErrorKind.LimitsExceeded,
                $"The records' figures add up to more than a report total can hold ({e.Message}); nothing was written.", null, e)
            {
                RecommendedAction = "A record holds absurd figures (a hand-edited CSV?): find it by its token columns and correct or remove it.",
            });
        }
    }

    private static IReadOnlyList<AnalyticsFile> RenderChecked(IEnumerable<SessionAnalyticsRecord> records, AnalyticsFormats formats,
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
