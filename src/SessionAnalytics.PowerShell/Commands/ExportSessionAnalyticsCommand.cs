using System.Globalization;
using System.Management.Automation;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// Writes analytics.csv, analytics.md and dashboard.html from session analytics records (or session stats, or rows
/// re-imported with Import-Csv), or regenerates the report and dashboard from an existing analytics.csv.
/// </summary>
[Cmdlet(VerbsData.Export, "SessionAnalytics", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/Export-SessionAnalytics.md")]
[OutputType(typeof(FileInfo))]
public sealed class ExportSessionAnalyticsCommand : SessionAnalyticsCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string CsvPathSet = "CsvPath";
    private readonly List<SessionAnalyticsRecord> _records = [];
    private int _received;

    /// <summary>
    /// SessionAnalyticsRecord (Get-SessionAnalytics), SessionStats (ConvertTo-SessionStats), the JSON text of
    /// ConvertTo-SessionStats -AsJson, or any object whose properties carry the CSV column names (Import-Csv of
    /// analytics.csv, or of SessionStats or records saved with Export-Csv).
    /// </summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public PSObject[]? InputObject { get; set; }

    /// <summary>An analytics.csv to regenerate the report and dashboard from.</summary>
    [Parameter(ParameterSetName = CsvPathSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? CsvPath { get; set; }

    /// <summary>Where the files go; created when missing. Default: the current folder, or the CSV's folder with -CsvPath.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? OutputDirectory { get; set; }

    /// <summary>Which files to write. Default: all three; with -CsvPath, Markdown and Html.</summary>
    [Parameter]
    [ValidateSet("Csv", "Markdown", "Html", IgnoreCase = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Format { get; set; }

    /// <summary>The repository label of the report and dashboard. Default: the records' repositories.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.RepositoryCompleter))]
    public string? Repository { get; set; }

    /// <summary>The start of the period label. Default: the first session's date.</summary>
    [Parameter]
    public DateTime? From { get; set; }

    /// <summary>The end of the period label. Default: the last session's date.</summary>
    [Parameter]
    public DateTime? To { get; set; }

    /// <summary>Inline Chart.js into dashboard.html so it works offline (about 200 KB more).</summary>
    [Parameter]
    [Alias("Offline")]
    public SwitchParameter EmbedChartJs { get; set; }

    /// <summary>
    /// Remarks for the report's Notes section. Records from Get-SessionAnalytics bring their run's notes (what was
    /// scanned, which comments were left out and why) without this parameter.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? Note { get; set; }

    /// <summary>Emit a FileInfo for each file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        if (From is { } f && To is { } t && f.Date > t.Date)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-From {f:yyyy-MM-dd} is after -To {t:yyyy-MM-dd}."),
                "AnalyticsPeriodInvalid", ErrorCategory.InvalidArgument, From));
    }

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        foreach (var item in InputObject)
        {
            if (item is null) continue;
            _received++;
            if (ToRecord(item) is { } record) _records.Add(record);
        }
    }

    protected override void EndProcessing()
    {
        string directory;
        if (ParameterSetName == CsvPathSet)
        {
            var csv = GetUnresolvedProviderPathFromPSPath(CsvPath);
            WriteVerbose($"Reading records from '{csv}'.");
            _records.AddRange(Engine(() => AnalyticsCsvReader.ReadFile(csv, Diagnostics)));
            directory = OutputDirectory is null ? System.IO.Path.GetDirectoryName(csv)! : GetUnresolvedProviderPathFromPSPath(OutputDirectory);
        }
        else
        {
            directory = GetUnresolvedProviderPathFromPSPath(OutputDirectory ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
        }

        if (_records.Count == 0)
            WriteWarning(_received > 0 || ParameterSetName == CsvPathSet
                ? "None of the input could be used as session analytics; the files describe an empty set."
                : "No records received; the files describe an empty set.");

        var formats = Formats();
        var options = new AnalyticsReportOptions
        {
            Repository = Repository,
            From = From is { } f ? DateOnly.FromDateTime(f) : null,
            To = To is { } t ? DateOnly.FromDateTime(t) : null,
            Notes = [.. ExtractionNotes.For(_records), .. (Note ?? []).Where(n => !string.IsNullOrWhiteSpace(n))],
        };
        var files = Engine(() => AnalyticsExport.Render(_records, formats, options, EmbedChartJs, Diagnostics));

        foreach (var file in files)
        {
            var path = System.IO.Path.Combine(directory, file.FileName);
            if (!ShouldProcess(path, $"Write {file.Description}")) continue;
            try
            {
                Directory.CreateDirectory(directory);
                AnalyticsExport.WriteAtomically(path, file.Content);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var error = new ErrorRecord(e, "AnalyticsFileWriteFailed",
                    e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, path)
                {
                    ErrorDetails = new ErrorDetails($"Cannot write '{path}': {e.Message}")
                    {
                        RecommendedAction = "Choose a writable -OutputDirectory, or close the program that holds the file open.",
                    },
                };
                WriteError(error);
                continue;
            }
            WriteVerbose($"Wrote {file.Description}: '{path}' ({file.Content.Length:N0} bytes).");
            // Through the FileSystem provider, as Get-Item returns it: the provider's properties (PSPath, UnixMode,
            // Size) fill the default file view, which shows blank columns for a bare FileInfo.
            if (PassThru) WriteObject(InvokeProvider.Item.Get([path], force: false, literalPath: true), enumerateCollection: true);
        }
    }

    private AnalyticsFormats Formats()
    {
        if (Format is null) return ParameterSetName == CsvPathSet ? AnalyticsFormats.Markdown | AnalyticsFormats.Html : AnalyticsFormats.All;
        var formats = AnalyticsFormats.None;
        foreach (var name in Format) formats |= Enum.Parse<AnalyticsFormats>(name, ignoreCase: true);
        return formats;
    }

    private SessionAnalyticsRecord? ToRecord(PSObject item)
    {
        switch (item.BaseObject)
        {
            case SessionAnalyticsRecord record:
                return record;
            case SessionStats stats:
                return SessionAnalyticsRecord.FromStats(stats);
            case string json:
                try { return SessionAnalyticsRecord.FromStats(SessionStatsJson.Read(json)); }
                catch (FormatException e)
                {
                    Reject(item, "AnalyticsInputInvalid", ErrorCategory.InvalidData,
                        $"A string from the pipeline is not the session JSON of ConvertTo-SessionStats -AsJson: {e.Message}");
                    return null;
                }
        }

        // A property bag: an Import-Csv row of analytics.csv (snake_case columns, all text), or records exported
        // with Export-Csv (property names).
        var cells = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in item.Properties)
        {
            object? value;
            try { value = property.Value; }
            catch (GetValueException) { continue; }
            cells.TryAdd(property.Name, CellText(value));
        }
        if (!cells.ContainsKey("session_id") && !cells.ContainsKey("SessionId"))
        {
            Reject(item, "AnalyticsInputUnsupported", ErrorCategory.InvalidType,
                $"Cannot use a {item.BaseObject.GetType().Name} as session analytics: it is not a SessionAnalyticsRecord or SessionStats and has no session_id property.");
            return null;
        }
        // A row of ConvertTo-SessionStats | Export-Csv: read back into the session's stats, then made a record as above.
        if (StatsRowRecords.IsStatsRow(cells))
        {
            try { return StatsRowRecords.FromStatsRow(cells); }
            catch (SessionStatsRowException e)
            {
                Reject(item, e.ErrorId, ErrorCategory.InvalidData, e.Message + " The object is skipped.");
                return null;
            }
        }
        try { return SessionAnalyticsRecord.FromCells(cells); }
        catch (FormatException e)
        {
            var id = cells.GetValueOrDefault("session_id") ?? cells.GetValueOrDefault("SessionId");
            Reject(item, "AnalyticsInputInvalid", ErrorCategory.InvalidData, $"Session {id}: {e.Message} The object is skipped.");
            return null;
        }
    }

    private static string? CellText(object? value)
    {
        if (value is PSObject ps) value = ps.BaseObject;
        return value switch
        {
            null => null,
            string s => s,
            DateTimeOffset d => SessionAnalyticsRecord.FormatDate(d),
            DateTime d => SessionAnalyticsRecord.FormatDate(d.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(d, TimeSpan.Zero) : new DateTimeOffset(d)),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }

    private void Reject(PSObject item, string errorId, ErrorCategory category, string message) =>
        WriteError(new ErrorRecord(new ArgumentException(message), errorId, category, item)
        {
            ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = "Pipe Get-SessionAnalytics or ConvertTo-SessionStats output, or rows of an analytics.csv read with Import-Csv.",
            },
        });
}
