using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>Measures sessions exactly: tokens per model, cost, tools, skills, subagents, commits, problems.</summary>
[Cmdlet(VerbsData.ConvertTo, "SessionStats", DefaultParameterSetName = SessionSet, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/ConvertTo-SessionStats.md")]
[OutputType(typeof(SessionStats), ParameterSetName = [SessionSet, PathSet, LiteralPathSet])]
[OutputType(typeof(string))]
public sealed class ConvertToSessionStatsCommand : SessionAnalyticsCmdlet, IDisposable
{
    private const string SessionSet = "Session";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string Activity = "Measuring Claude Code sessions";
    private SessionMeasurer? _measurer;
    /// <summary>Main transcripts already taken from -Path/-LiteralPath: a subagent file stands for its parent, measured once.</summary>
    private readonly HashSet<string> _transcripts = new(StringComparer.Ordinal);
    private int _count;

    [Parameter(ParameterSetName = SessionSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ClaudeSession[]? Session { get; set; }

    /// <summary>
    /// Transcript files (.jsonl); subagent transcripts beside them are included. Strings from the pipeline bind here,
    /// and so does the TranscriptPath of re-imported sessions. Files (Get-Item, Get-ChildItem) bind to -LiteralPath
    /// through their PSPath, so they are not also offered to -Path (which made the two sets ambiguous).
    /// </summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TranscriptPath")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>A JSON price file whose models override or extend the built-in table.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricingFile { get; set; }

    /// <summary>Gaps longer than this many minutes are idle time, left out of ActiveMinutes.</summary>
    [Parameter]
    [ValidateRange(1, 1440)]
    public int IdleThresholdMinutes { get; set; } = 15;

    /// <summary>Emit the design's per-session JSON text instead of objects.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    /// <summary>Sessions measured at once (1: one after another on the pipeline thread). Output keeps the input order.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <summary>One worker per processor, at most 8: each holds one session's per-line state.</summary>
    private static int DefaultThrottleLimit => Math.Clamp(Environment.ProcessorCount, 1, 8);

    protected override void BeginProcessing()
    {
        var pricing = PricingFile is null ? PricingTable.Default
            : Engine(() => PricingTable.WithOverrides(GetUnresolvedProviderPathFromPSPath(PricingFile)));
        // Claude Code's own figures are looked for where the status line recorder saves them (docs: "Claude Code's own figures").
        var options = StatsOptions.WithRecorderLocations(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            new StatsOptions { IdleThreshold = TimeSpan.FromMinutes(IdleThresholdMinutes) });
        _measurer = new SessionMeasurer(diagnostics => new SessionStatsCalculator(pricing, diagnostics, options), ThrottleLimit, Diagnostics, Stopping);
        WriteVerbose($"Measuring with {ThrottleLimit} worker(s).");
    }

    protected override void ProcessRecord()
    {
        foreach (var session in Sessions())
        {
            _count++;
            Diagnostics.Progress(Activity, $"Session {_count}: {session.ShortId} ({session.SizeBytes / 1048576.0:0.0} MB)", -1);
            Emit(Engine(() => _measurer!.Add(session)));
        }
    }

    protected override void EndProcessing()
    {
        Emit(Engine(() => _measurer!.Complete()));
        Diagnostics.CompleteProgress(Activity);
    }

    public void Dispose() => _measurer?.Dispose();

    /// <summary>In session order: what measuring the session reported (ErrorIds kept), then its statistics.</summary>
    private void Emit(IReadOnlyList<SessionMeasurement> measured)
    {
        foreach (var m in measured)
        {
            m.ReplayTo(Diagnostics);
            var stats = Engine(m.GetStats);
            WriteObject(AsJson ? SessionStatsJson.Write(stats) : stats);
        }
    }

    private IEnumerable<ClaudeSession> Sessions()
    {
        if (Session is not null) return Session;
        var discovery = new SessionDiscovery(Diagnostics);
        var paths = new List<string>();
        if (LiteralPath is not null) paths.AddRange(LiteralPath.Select(p => GetUnresolvedProviderPathFromPSPath(p)));
        else foreach (var p in Path!)
        {
            if (p.StartsWith("@{", StringComparison.Ordinal))
            {
                // An object without a path (an Import-Csv row, say) reached -Path as its text form.
                var message = "A piped object is not a transcript, a session or a file: ConvertTo-SessionStats measures transcripts. "
                              + "Rows of a stats CSV (Import-Csv) go to Export-SessionAnalytics, which reads them back.";
                Diagnostics.Error(new EngineError("TranscriptInputUnsupported", ErrorKind.InvalidType, message, p, new ArgumentException(message))
                {
                    RecommendedAction = "Import-Csv stats.csv | Export-SessionAnalytics",
                });
                continue;
            }
            try { paths.AddRange(GetResolvedProviderPathFromPSPath(p, out _)); }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                WriteError(new ErrorRecord(e, "TranscriptNotFound", ErrorCategory.ObjectNotFound, p));
            }
        }
        var sessions = new List<ClaudeSession>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var message = $"'{path}' is a folder, not a transcript: Get-ClaudeSession -Path '{path}' | ConvertTo-SessionStats measures the sessions in it.";
                Diagnostics.Error(new EngineError("TranscriptIsDirectory", ErrorKind.InvalidArgument, message, path, new ArgumentException(message))
                {
                    RecommendedAction = $"Get-ClaudeSession -Path '{path}' | ConvertTo-SessionStats",
                });
                continue;
            }
            if (!File.Exists(path))
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"Transcript '{path}' not found.", path), "TranscriptNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            if (discovery.DescribeFile(path) is { } s && _transcripts.Add(s.TranscriptPath)) sessions.Add(s);
        }
        Diagnostics.Flush();
        return sessions;
    }
}
