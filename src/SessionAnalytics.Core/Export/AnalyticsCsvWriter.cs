using System.Globalization;
using System.Text;
using CsvHelper;

namespace SessionAnalytics.Core.Export;

/// <summary>
/// Writes <c>analytics.csv</c>: the design's 29 columns in its order, then <c>repository</c>
/// (<see cref="SessionAnalyticsRecord.CsvFileColumns"/>),
/// RFC 4180 quoting and CRLF line ends, invariant culture, ISO 8601 UTC dates, UTF-8 without a byte order mark
/// (PowerShell 7's <c>Export-Csv</c> default).
/// </summary>
/// <remarks>
/// Spreadsheet formula injection: a text cell that starts with <c>= + - @</c>, a tab or a carriage return gets a
/// <c>'</c> in front (CsvHelper's <see cref="CsvInjection.Escape"/>), so Excel, LibreOffice and Google Sheets show it as
/// text instead of evaluating it. Decisions on top of that:
/// <list type="bullet">
/// <item>Numbers and dates are written as typed values, which CsvHelper never escapes: a number such as <c>-1.5</c> is
/// not a formula and must stay a number in the spreadsheet. (All numeric columns are counts, sums, rates and
/// durations; none is negative in practice.)</item>
/// <item>A text cell that itself starts with <c>'</c> gets one more <c>'</c> in front. That makes the escape
/// reversible: <see cref="Restore"/> removes exactly one leading <c>'</c> from every text cell that has one, so reading
/// the file back gives the original text exactly. A spreadsheet hides the leading <c>'</c>, so it shows the original
/// text too.</item>
/// </list>
/// </remarks>
public static class AnalyticsCsvWriter
{
    /// <summary>The prefix that marks a neutralised text cell.</summary>
    public const char EscapeCharacter = '\'';

    /// <summary>Text cells starting with one of these are neutralised (OWASP's list).</summary>
    public static IReadOnlyList<char> InjectionCharacters { get; } = ['=', '+', '-', '@', '\t', '\r'];

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Separator = ',',
        NewLine = "\r\n",
        Quoting = CsvQuoting.WhenNeeded,
        Injection = CsvInjection.Escape,
        InjectionCharacters = string.Concat(InjectionCharacters),
        InjectionEscape = EscapeCharacter,
        FormatProvider = CultureInfo.InvariantCulture,
        WriteByteOrderMark = false,
    };

    public static void Write(Stream output, IEnumerable<SessionAnalyticsRecord> records)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(records);
        using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader([.. SessionAnalyticsRecord.CsvFileColumns]);
        foreach (var r in records) WriteRecord(csv, r);
        csv.Flush();
    }

    public static byte[] WriteToBytes(IEnumerable<SessionAnalyticsRecord> records)
    {
        using var buffer = new MemoryStream();
        Write(buffer, records);
        return buffer.ToArray();
    }

    public static string WriteToString(IEnumerable<SessionAnalyticsRecord> records) => Encoding.UTF8.GetString(WriteToBytes(records));

    /// <summary>Undoes the writer's neutralisation of a text cell: removes one leading <see cref="EscapeCharacter"/>.</summary>
    public static string Restore(string cell) => cell.Length > 0 && cell[0] == EscapeCharacter ? cell[1..] : cell;

    /// <summary>What the writer hands CsvHelper for a text cell: an extra <c>'</c> in front of a leading <c>'</c>.</summary>
    internal static string? Protect(string? text) => text is { Length: > 0 } && text[0] == EscapeCharacter ? EscapeCharacter + text : text;

    private static void WriteRecord(CsvWriter csv, SessionAnalyticsRecord r)
    {
        csv.WriteField(r.PrNumber, default);
        Text(csv, r.TargetType);
        Text(csv, r.PrTitle);
        Text(csv, r.PrAuthor);
        Text(csv, r.PrStatus);
        Text(csv, r.SessionId);
        Date(csv, r.SessionStarted);
        csv.WriteField(r.SessionDurationMin, default);
        Text(csv, r.ModelsUsed);
        csv.WriteField(r.TotalInputTokens, default);
        csv.WriteField(r.TotalOutputTokens, default);
        csv.WriteField(r.TotalCacheCreate, default);
        csv.WriteField(r.TotalCacheRead, default);
        csv.WriteField(r.EstimatedCostUsd, default);
        csv.WriteField(r.CommitsCount, default);
        Text(csv, r.CommitShas);
        csv.WriteField(r.CiRuns, default);
        csv.WriteField(r.CiPassRate, default);
        Text(csv, r.SkillsUsed);
        Text(csv, r.PerSkillTokens);
        csv.WriteField(r.SubagentCount, default);
        Text(csv, r.PerSubagentTokens);
        csv.WriteField(r.ProblemsCount, default);
        csv.WriteField(r.ProblemsResolved, default);
        csv.WriteField(r.ReviewComments, default);
        csv.WriteField(r.LinesAdded, default);
        csv.WriteField(r.LinesRemoved, default);
        csv.WriteField(r.TimeToMergeHours, default);
        Text(csv, r.AcceptanceStatus);
        Text(csv, r.Repository);
        csv.EndRecord();
    }

    private static void Text(CsvWriter csv, string? text) => csv.WriteField(Protect(text));

    private static void Date(CsvWriter csv, DateTimeOffset? date)
    {
        if (date is { } d) csv.WriteField(d.ToUniversalTime(), SessionAnalyticsRecord.DateFormat);
        else csv.WriteField((string?)null);
    }
}
