using System.Collections;
using System.Management.Automation;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// Renders the per-session GitHub comment (Markdown) for each SessionStats from the pipeline, without posting it:
/// exactly the body Publish-SessionComment would send.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "SessionComment", DefaultParameterSetName = SessionTargetSet, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/ConvertTo-SessionComment.md")]
[OutputType(typeof(string))]
public sealed class ConvertToSessionCommentCommand : SessionAnalyticsCmdlet
{
    private const string SessionTargetSet = "SessionTarget";
    private const string ExplicitTargetSet = "ExplicitTarget";

    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? _edges;
    private string? _skillsPath;

    /// <summary>The session statistics to render (from ConvertTo-SessionStats).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public SessionStats[] Stats { get; set; } = [];

    /// <summary>The skills directory holding &lt;skill&gt;/SKILL.md; default .claude/skills under the session's cwd, else under the current directory.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SkillsPath { get; set; }

    /// <summary>Workflow edges to use instead of deriving them: @{ family = @{ 'FROM->TO' = count } }.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? WorkflowEdges { get; set; }

    /// <summary>Render the comment for a pull request or an issue, whatever target the stats name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ExplicitTargetSet)]
    [ValidateSet("Pr", "Issue")]
    public string? Target { get; set; }

    /// <summary>The pull request or issue number that goes with -Target.</summary>
    [Parameter(ParameterSetName = ExplicitTargetSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Number { get; set; }

    protected override void BeginProcessing()
    {
        _skillsPath = ResolveSkillsPath(SkillsPath);
        if (WorkflowEdges is not null) _edges = Engine(() => WorkflowEdgesArgument.Convert(WorkflowEdges));
    }

    protected override void ProcessRecord()
    {
        var options = new SessionCommentOptions
        {
            TargetType = Target?.ToLowerInvariant(),
            TargetNumber = Target is not null && MyInvocation.BoundParameters.ContainsKey(nameof(Number)) ? Number : null,
        };
        foreach (var stats in Stats)
        {
            if (Stopping.IsCancellationRequested) return;
            if (stats is null) continue;
            try
            {
                // The diagram generator writes the edges it drew back into the stats it is given; work on a
                // (redacted) copy so rendering a comment leaves the caller's object as it was.
                var working = SecretRedactor.Redact(stats);
                var skillsPath = _skillsPath ?? WorkflowDiagramGenerator.ResolveSkillsPath(null, stats.Cwd, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
                Diagnostics.Verbose(skillsPath is null
                    ? $"Session {stats.SessionIdShort}: no .claude/skills under its cwd or the current directory; diagrams only for explicit or recorded edges."
                    : $"Session {stats.SessionIdShort}: workflow templates from {skillsPath}.");
                var diagrams = WorkflowDiagramGenerator.Generate(working, skillsPath, _edges, Diagnostics);
                var rendered = SessionCommentRenderer.RenderDetailed(working, diagrams, options);
                Diagnostics.Verbose($"Session {stats.SessionIdShort}: comment of {rendered.Length:N0} characters with {diagrams.Count} workflow diagram(s).");
                if (rendered.Degradation != CommentDegradation.None)
                    Diagnostics.Warning($"Session {stats.SessionIdShort}: the comment was shortened to fit GitHub's {options.MaxLength:N0}-character limit ({rendered.Degradation}); its Session Data JSON is complete.");
                Diagnostics.Flush();
                WriteObject(rendered.Body);
            }
            catch (EngineException e)
            {
                // One session that cannot be rendered must not stop the others.
                Diagnostics.Error(e.Error);
                Diagnostics.Flush();
            }
        }
    }
}
