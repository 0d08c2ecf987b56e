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
[Cmdlet(VerbsData.ConvertTo, "SessionMermaid")]
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
        if (SkillsPath is not null)
        {
            _skillsPath = GetUnresolvedProviderPathFromPSPath(SkillsPath);
            if (!Directory.Exists(_skillsPath))
                ThrowTerminating(new EngineException(new EngineError("SkillsPathNotFound", ErrorKind.ObjectNotFound,
                    $"The skills directory '{_skillsPath}' does not exist.", _skillsPath)
                {
                    RecommendedAction = "Pass the folder that holds <skill>/SKILL.md files, usually .claude/skills in the repository.",
                }));
            WriteVerbose($"Skills directory: {_skillsPath}");
        }
        if (WorkflowEdges is not null) _explicitEdges = ConvertEdges(WorkflowEdges);
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

    /// <summary>@{ family = @{ 'FROM->TO' = count } } → the engine's dictionaries; anything else stops the command with WorkflowEdgesInvalid.</summary>
    private Dictionary<string, IReadOnlyDictionary<string, int>> ConvertEdges(Hashtable table)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry family in table)
        {
            var name = family.Key?.ToString();
            if (string.IsNullOrWhiteSpace(name)) Invalid("a family name is empty");
            if (Unwrap(family.Value) is not IDictionary edges)
            {
                Invalid($"the value of '{name}' must be a hashtable of 'FROM->TO' = count");
                throw new InvalidOperationException();
            }
            var converted = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (DictionaryEntry edge in edges)
            {
                var key = edge.Key?.ToString() ?? "";
                if (MermaidAnnotator.ParseEdgeKey(key) is null) Invalid($"'{key}' in '{name}' is not of the form 'FROM->TO'");
                int count;
                try { count = Convert.ToInt32(Unwrap(edge.Value), CultureInfo.InvariantCulture); }
                catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                {
                    Invalid($"the count of '{key}' in '{name}' is not a whole number");
                    throw;
                }
                if (count < 0) Invalid($"the count of '{key}' in '{name}' is negative");
                converted[key] = count;
            }
            result[name!] = converted;
        }
        return result;
    }

    private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;

    private void Invalid(string reason) =>
        ThrowTerminating(new EngineException(new EngineError("WorkflowEdgesInvalid", ErrorKind.InvalidArgument,
            $"-WorkflowEdges: {reason}.", WorkflowEdges)
        {
            RecommendedAction = "Pass @{ <family> = @{ '<FROM>-><TO>' = <count> } }, e.g. @{ tdd = @{ 'TDDCI->HS' = 2 } }.",
        }));
}
