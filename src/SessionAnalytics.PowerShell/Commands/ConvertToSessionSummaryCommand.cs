using System.Management.Automation;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// Renders the pinned summary comment (Markdown) from every SessionStats in the pipeline: one string, written once
/// all input has arrived, because the summary is always recomputed from all sessions.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "SessionSummary", DefaultParameterSetName = SessionTargetSet, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/ConvertTo-SessionSummary.md")]
[OutputType(typeof(string))]
public sealed class ConvertToSessionSummaryCommand : SessionAnalyticsCmdlet
{
    private const string SessionTargetSet = "SessionTarget";
    private const string ExplicitTargetSet = "ExplicitTarget";

    private readonly List<SessionStats> _sessions = [];

    /// <summary>The sessions to summarise (from ConvertTo-SessionStats).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public SessionStats[] Stats { get; set; } = [];

    /// <summary>The state of the PR or issue for the TL;DR line, e.g. merged, open, closed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Status { get; set; }

    /// <summary>Title the summary for a pull request or an issue, whatever target the stats name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ExplicitTargetSet)]
    [ValidateSet("Pr", "Issue")]
    public string? Target { get; set; }

    /// <summary>The pull request or issue number that goes with -Target.</summary>
    [Parameter(ParameterSetName = ExplicitTargetSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Number { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var stats in Stats)
            if (stats is not null) _sessions.Add(stats);
    }

    protected override void EndProcessing()
    {
        if (_sessions.Count == 0)
        {
            Diagnostics.Error(new EngineError("NoSessionStats", ErrorKind.ObjectNotFound, "ConvertTo-SessionSummary received no session statistics; there is nothing to summarise.")
            {
                RecommendedAction = "Pipe the output of ConvertTo-SessionStats into ConvertTo-SessionSummary.",
            });
            Diagnostics.Flush();
            return;
        }
        foreach (var duplicate in _sessions.GroupBy(s => s.SessionId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            Diagnostics.Warning($"Session {duplicate.Key} came {duplicate.Count()} times; the summary counts it once (the fullest copy: more messages, then tokens, tool calls, commits, minutes; then the first given).");

        var options = new SummaryOptions
        {
            Status = Status,
            TargetType = Target?.ToLowerInvariant(),
            TargetNumber = Target is not null && MyInvocation.BoundParameters.ContainsKey(nameof(Number)) ? Number : null,
        };
        var rendered = Engine(() => SessionSummaryRenderer.RenderDetailed(_sessions, options));
        Diagnostics.Verbose($"Summary of {_sessions.Count} session(s): {rendered.Length:N0} characters.");
        if (rendered.Degradation != CommentDegradation.None)
            Diagnostics.Warning($"The summary was shortened to fit GitHub's {options.MaxLength:N0}-character limit ({rendered.Degradation}); its Summary Data JSON is complete.");
        Diagnostics.Flush();
        WriteObject(rendered.Body);
    }
}
