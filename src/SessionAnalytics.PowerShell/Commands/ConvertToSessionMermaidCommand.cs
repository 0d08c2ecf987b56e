using System.Collections;
using System.Globalization;
using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// The workflow phase: annotated Mermaid diagrams (one per skill family) from session stats and the skills'
/// SKILL.md templates. Also fills the stats' WorkflowEdges, so a later ConvertTo-SessionComment carries them.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "SessionMermaid", HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/ConvertTo-SessionMermaid.md")]
[OutputType(typeof(WorkflowDiagram))]
public sealed class ConvertToSessionMermaidCommand : SessionAnalyticsCmdlet
{
    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? _explicitEdges;
    private string? _skillsPath;

    /// <summary>Session stats, as ConvertTo-SessionStats emits them.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public SessionStats[]? Stats { get; set; }

    /// <summary>The skills directory holding &lt;skill&gt;/SKILL.md; default .claude/skills under the session's cwd, else under the current directory.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? SkillsPath { get; set; }

    /// <summary>Edges to draw instead of derived ones: @{ tdd = @{ 'TDDCI->HS' = 2 } }.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? WorkflowEdges { get; set; }

    protected override void BeginProcessing()
    {
        _skillsPath = ResolveSkillsPath(SkillsPath);
        if (WorkflowEdges is not null) _explicitEdges = Engine(() => WorkflowEdgesArgument.Convert(WorkflowEdges));
    }

    protected override void ProcessRecord()
    {
        foreach (var stats in Stats!)
        {
            if (Stopping.IsCancellationRequested) return;
            var skillsPath = _skillsPath ?? WorkflowDiagramGenerator.ResolveSkillsPath(null, stats.Cwd, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            WriteVerbose(skillsPath is null
                ? $"Session {stats.SessionIdShort}: no .claude/skills under its cwd or the current directory."
                : $"Session {stats.SessionIdShort}: skills from {skillsPath}; skill sequence: {string.Join(", ", stats.SkillSequence)}");
            var diagrams = Engine(() => WorkflowDiagramGenerator.Generate(stats, skillsPath, _explicitEdges, Diagnostics));
            foreach (var diagram in diagrams) WriteObject(diagram);
        }
    }
}
