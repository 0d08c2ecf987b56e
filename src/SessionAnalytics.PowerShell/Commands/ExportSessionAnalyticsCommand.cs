using System.Globalization;
using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// Writes analytics.csv, analytics.md and dashboard.html, and on request a Parquet dataset, from session analytics
/// records (or session stats, or rows re-imported with Import-Csv), or regenerates them from an existing analytics.csv
/// or Parquet dataset. Everything is rendered first (AnalyticsExport.Plan), then written after ShouldProcess.
/// </summary>
[Cmdlet(VerbsData.Export, "SessionAnalytics", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/Export-SessionAnalytics.md")]
[OutputType(typeof(FileInfo))]
public sealed class ExportSessionAnalyticsCommand : SessionAnalyticsCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string CsvPathSet = "CsvPath";
    private const string DatasetPathSet = "DatasetPath";
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

    /// <summary>A folder holding a Parquet dataset written by -Format Parquet (its sessions table is read) to regenerate the other files from.</summary>
    [Parameter(ParameterSetName = DatasetPathSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? DatasetPath { get; set; }

    /// <summary>Where the files go; created when missing. Default: the current folder, or the CSV's (dataset's) folder with -CsvPath (-DatasetPath).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? OutputDirectory { get; set; }

    /// <summary>Which files to write: Csv, Markdown, Html, Parquet (the dataset). Default: Csv, Markdown, Html; with -CsvPath or -DatasetPath, Markdown and Html.</summary>
    [Parameter]
    [ValidateSet("Csv", "Markdown", "Html", "Parquet", IgnoreCase = true)]
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

    /// <summary>
    /// Extend the data already in -OutputDirectory instead of replacing it: records of its analytics.csv and Parquet
    /// dataset are kept, except those the input replaces (same repository, target type, number and session id); the
    /// report and dashboard describe the whole.
    /// </summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>Emit a FileInfo for each file written (and a DirectoryInfo for each table of the Parquet dataset).</summary>
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
        else if (ParameterSetName == DatasetPathSet)
        {
            var source = GetUnresolvedProviderPathFromPSPath(DatasetPath);
            WriteVerbose($"Reading records from the Parquet dataset in '{source}'.");
            if (!AnalyticsParquetDataset.Exists(source))
                ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"'{source}' holds no Parquet dataset (no {AnalyticsParquetDataset.SessionsTable} folder)."),
                    "AnalyticsDatasetNotFound", ErrorCategory.ObjectNotFound, source));
            _records.AddRange(Engine(() => AnalyticsParquetDataset.Read(source, Diagnostics)));
            directory = OutputDirectory is null ? source : GetUnresolvedProviderPathFromPSPath(OutputDirectory);
        }
        else
        {
            directory = GetUnresolvedProviderPathFromPSPath(OutputDirectory ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);
        }

        if (_records.Count == 0 && _received > 0 && ParameterSetName == InputObjectSet)
        {
            // Objects came but none could be used (each already has its error): writing would replace a report
            // of real sessions with an empty one, so nothing is written.
            var noun = _received == 1 ? "object" : "objects";
            var message = $"None of the {_received} piped {noun} could be used as session analytics; nothing was written to '{directory}' (files already there are left as they are).";
            Diagnostics.Error(new EngineError("AnalyticsNoUsableInput", ErrorKind.InvalidData, message, directory)
            {
                RecommendedAction = "Pipe Get-SessionAnalytics or ConvertTo-SessionStats output, or rows of an analytics.csv or a stats CSV read with Import-Csv.",
            });
            return;
        }
        if (_records.Count == 0 && !Append)
            WriteWarning(ParameterSetName != InputObjectSet
                ? "None of the input could be used as session analytics; the files describe an empty set."
                : "No records received; the files describe an empty set.");

        var formats = Formats();
        var plan = Engine(() => AnalyticsExport.Plan(_records, formats, new AnalyticsExportOptions
        {
            Directory = directory,
            Append = Append,
            EmbedChartJs = EmbedChartJs,
            Report = new AnalyticsReportOptions
            {
                Repository = Repository,
                From = From is { } f ? DateOnly.FromDateTime(f) : null,
                To = To is { } t ? DateOnly.FromDateTime(t) : null,
                Notes = [.. ExtractionNotes.For(_records), .. (Note ?? []).Where(n => !string.IsNullOrWhiteSpace(n))],
            },
        }, Diagnostics));
        Diagnostics.Flush();

        foreach (var file in plan.Files)
        {
            var path = System.IO.Path.Combine(directory, file.FileName);
            if (!ShouldProcess(path, $"Write {file.Description}")) continue;
            if (!Write(path, () =>
                {
                    Directory.CreateDirectory(directory);
                    AnalyticsExport.WriteAtomically(path, file.Content);
                })) continue;
            WriteVerbose($"Wrote {file.Description}: '{path}' ({file.Content.Length:N0} bytes).");
            // Through the FileSystem provider, as Get-Item returns it: the provider's properties (PSPath, UnixMode,
            // Size) fill the default file view, which shows blank columns for a bare FileInfo.
            if (PassThru) WriteObject(InvokeProvider.Item.Get([path], force: false, literalPath: true), enumerateCollection: true);
        }

        if (plan.Dataset is { } dataset
            && ShouldProcess(directory, $"Write the Parquet dataset ({dataset}; {dataset.Files.Count} part files written, {dataset.Stale.Count} other old part files removed)")
            && Write(directory, () => AnalyticsParquetDataset.Apply(directory, dataset)))
        {
            WriteVerbose($"Wrote the Parquet dataset in '{directory}': {dataset}, {dataset.Files.Count} files, {dataset.Bytes:N0} bytes; {dataset.Stale.Count} old part files removed.");
            if (PassThru)
                foreach (var table in new[] { AnalyticsParquetDataset.SessionsTable, AnalyticsParquetDataset.ModelsTable })
                {
                    var path = System.IO.Path.Combine(directory, table);
                    if (Directory.Exists(path)) WriteObject(InvokeProvider.Item.Get([path], force: false, literalPath: true), enumerateCollection: true);
                }
        }
    }

    /// <summary>Runs a write; an I/O failure is a non-terminating error naming the path, and false.</summary>
    private bool Write(string path, Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, "AnalyticsFileWriteFailed",
                e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, path)
            {
                ErrorDetails = new ErrorDetails($"Cannot write '{path}': {e.Message}")
                {
                    RecommendedAction = "Choose a writable -OutputDirectory, or close the program that holds the file open.",
                },
            });
            return false;
        }
    }

    private AnalyticsFormats Formats()
    {
        if (Format is null) return ParameterSetName == InputObjectSet ? AnalyticsFormats.All : AnalyticsFormats.Markdown | AnalyticsFormats.Html;
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
