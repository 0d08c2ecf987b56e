namespace SessionAnalytics.Core.Comments;

/// <summary>How a per-session comment is rendered.</summary>
public sealed class SessionCommentOptions
{
    /// <summary>GitHub rejects issue and pull-request comment bodies longer than this many characters.</summary>
    public const int GitHubMaxLength = 65_536;

    /// <summary>The largest body the renderer may return (UTF-16 code units, which never undercounts GitHub's characters).</summary>
    public int MaxLength { get; init; } = GitHubMaxLength;

    /// <summary>
    /// When set, the comment (and its JSON) names this target instead of the session's own: "pr" or "issue".
    /// The input object is not changed.
    /// </summary>
    public string? TargetType { get; init; }

    /// <summary>The PR or issue number that goes with <see cref="TargetType"/>.</summary>
    public int? TargetNumber { get; init; }

    /// <summary>
    /// When set, the comment's JSON carries these workflow edges (family → "FROM->TO" → traversals) instead of the
    /// session's own, e.g. the edges passed to ConvertTo-SessionComment -WorkflowEdges. The input object is not changed.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? WorkflowEdges { get; init; }

    /// <summary>Longest text (description, commit subject, problem) shown in a table cell or list item before it is cut with "…". The JSON keeps the full text.</summary>
    public int MaxCellLength { get; init; } = 200;
}

/// <summary>What the renderer had to give up to stay under the size limit, in the order it gives things up.</summary>
[Flags]
public enum CommentDegradation
{
    None = 0,
    /// <summary>Step 1a: the tool table shows the most used tools and one "Other" row.</summary>
    ToolTableCollapsed = 1,
    /// <summary>Step 1b: the tool table is replaced by one line with the number of tools and calls.</summary>
    ToolTableOmitted = 2,
    /// <summary>Step 2: workflow diagrams are left out (their edges stay in the JSON).</summary>
    DiagramsOmitted = 4,
    /// <summary>Step 3: long lists (subagents, skills, problems, commits; summary: session history) end with "... and N more".</summary>
    ListsShortened = 8,
    /// <summary>Step 4: the JSON is written without indentation. It is never dropped or cut.</summary>
    CompactJson = 16,
    /// <summary>Step 5, summary only: the per-session rows are collapsed (totals, the sum check and a note stay).</summary>
    RowsCollapsed = 32,
}

/// <summary>A rendered comment body and what was given up to fit it under the limit.</summary>
public sealed class RenderedComment
{
    public required string Body { get; init; }
    public int Length => Body.Length;
    public CommentDegradation Degradation { get; init; }
    /// <summary>The number of items each shortened list kept; null when no list was shortened.</summary>
    public int? ListLimit { get; init; }
    public override string ToString() => $"{Length:N0} characters" + (Degradation == CommentDegradation.None ? "" : $" ({Degradation})");
}
