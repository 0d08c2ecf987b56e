using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.PowerShell.Infrastructure;

/// <summary>
/// The one place ConvertTo-SessionComment gets its workflow diagrams from. The diagram engine
/// (<c>SessionAnalytics.Core.Workflows.WorkflowDiagramGenerator.Generate</c>) is written on branch <c>workflows</c>;
/// until it is merged this seam produces no diagrams and says so on the verbose stream.
/// MERGE: replace the body with <c>WorkflowDiagramGenerator.Generate(stats, skillsPath, explicitEdges, diagnostics)</c>.
/// </summary>
internal static class WorkflowDiagramSource
{
    public static IReadOnlyList<WorkflowDiagram> Generate(
        SessionStats stats,
        string? skillsPath,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? explicitEdges,
        IDiagnostics diagnostics)
    {
        diagnostics.Verbose($"Session {stats.SessionIdShort}: workflow diagrams are not available in this build (the diagram engine is not merged yet).");
        return [];
    }
}
