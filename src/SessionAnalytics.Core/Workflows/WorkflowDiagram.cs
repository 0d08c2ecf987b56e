using SessionAnalytics.Core.Tabular;

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
    /// <summary>Traversed links whose label marks a failure path (drawn red).</summary>
    public int FailureEdges { get; init; }
    /// <summary>Where the edges came from: "explicit" (-WorkflowEdges), "recorded" (already in the stats, e.g. read back from a comment) or "derived" (from the skill sequence).</summary>
    public string EdgeSource { get; init; } = "derived";
    /// <summary>Nodes drawn red: every invocation of their skills failed.</summary>
    public int FailedNodes { get; init; }
    /// <summary>
    /// What the diagram shows, for readers (the comment prints it under the diagram): where the edges come from (for
    /// derived edges: the order of skill invocations) and what the colours mean.
    /// </summary>
    public string Legend { get; init; } = "";
    /// <summary>The annotated Mermaid source, without the ```mermaid fence.</summary>
    public required string Mermaid { get; init; }
    /// <summary>"FROM->TO" → traversals drawn on this diagram.</summary>
    public CellMap<int> Edges { get; init; } = CellMap<int>.Empty;

    /// <summary>The diagram in a Markdown fence that no backtick run inside the text can close.</summary>
    public string ToMarkdown()
    {
        var longestRun = 0;
        var run = 0;
        foreach (var c in Mermaid)
        {
            run = c == '`' ? run + 1 : 0;
            longestRun = Math.Max(longestRun, run);
        }
        var fence = new string('`', Math.Max(3, longestRun + 1));
        return fence + "mermaid\n" + Mermaid.TrimEnd('\n') + "\n" + fence;
    }

    public override string ToString() => $"{Family}: {TraversedEdges}/{TotalEdges} edges traversed";
}
