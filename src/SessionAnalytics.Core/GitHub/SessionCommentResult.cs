using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.GitHub;

/// <summary>What publishing did to a comment.</summary>
public enum CommentAction
{
    /// <summary>A new comment was posted.</summary>
    Created,
    /// <summary>The existing comment was replaced with the new body.</summary>
    Updated,
    /// <summary>The existing comment already had exactly this body: nothing was written.</summary>
    Unchanged,
    /// <summary>The existing comment holds more data than the new rendering (e.g. a truncated transcript): it was left as is.</summary>
    KeptExisting,
    /// <summary>
    /// Several comments of the session were found (left by publishers running at the same time): the oldest now holds
    /// the fullest measurement and the others were deleted; this run's own copy, if it made one, was one of them.
    /// </summary>
    Merged,
    /// <summary>Nothing to write (a summary with no session comments to summarise).</summary>
    Skipped,
}

/// <summary>The outcome of Publish-SessionComment for one session.</summary>
public sealed class SessionCommentResult
{
    /// <summary>owner/name.</summary>
    public required string Repository { get; init; }
    public required int Number { get; init; }
    /// <summary>"pr" or "issue".</summary>
    public required string TargetType { get; init; }
    public required string SessionId { get; init; }
    public string SessionIdShort => SessionStats.ShortId(SessionId);
    public required CommentAction Action { get; init; }
    public long CommentId { get; init; }
    /// <summary>The comment's web address.</summary>
    public string? Url { get; init; }
    /// <summary>Characters of the body that is now on GitHub (for KeptExisting: of the body that was not posted).</summary>
    public int Length { get; init; }
    /// <summary>Older copies of this session's comment (same account, same session id) that were deleted.</summary>
    public int DuplicatesRemoved { get; init; }

    public override string ToString() => $"{SessionIdShort} {Action} {Repository}#{Number} {Url}";
}

/// <summary>The outcome of refreshing the pinned summary of one PR or issue.</summary>
public sealed class SessionSummaryResult
{
    public required string Repository { get; init; }
    public required int Number { get; init; }
    public required string TargetType { get; init; }
    public required CommentAction Action { get; init; }
    public long CommentId { get; init; }
    public string? Url { get; init; }
    /// <summary>Distinct sessions the summary counts.</summary>
    public int SessionCount { get; init; }
    public decimal TotalCostUsd { get; init; }
    public int TotalCommits { get; init; }
    public long TotalTokens { get; init; }
    /// <summary>Comments that carry a session marker but could not be read, or hold impossible figures; left out of the summary (each named in a warning).</summary>
    public int SkippedComments { get; init; }
    /// <summary>Session comments by authors the trust rule does not trust; left out of the summary (its note counts them).</summary>
    public int UntrustedComments { get; init; }
    /// <summary>Extra summary comments of this account (left by a race) that were deleted.</summary>
    public int DuplicatesRemoved { get; init; }
    /// <summary>Read-render-write rounds until a read showed the summary matching the sessions.</summary>
    public int Rounds { get; init; }
    /// <summary>False when the rounds ran out while other writers kept changing the comments (a warning says so).</summary>
    public bool Converged { get; init; } = true;

    public override string ToString() => $"{Repository}#{Number} summary {Action}: {SessionCount} sessions ${TotalCostUsd:0.00}";
}
