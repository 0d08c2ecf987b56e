namespace SessionAnalytics.Core.Workflows;

/// <summary>One annotated workflow diagram for one skill family of a session (the output of ConvertTo-SessionMermaid).</summary>
public sealed class WorkflowDiagram
{
    public required string SessionId { get; init; }
    /// <summary>The skill family, e.g. "tdd" for tdd:ci and tdd:kind.</summary>
    public required string Family { get; init; }
    /// <summary>The SKILL.md the template came from; null when edges were passed without a template.</summary>
    public string? TemplatePath { get; init; }
    public int TraversedEdges { get; init; }
    public int TotalEdges { get; init; }
    /// <summary>The annotated Mermaid source, without the ```mermaid fence.</summary>
    public required string Mermaid { get; init; }
    public override string ToString() => $"{Family}: {TraversedEdges}/{TotalEdges} edges traversed";
}
