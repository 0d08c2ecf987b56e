namespace SessionAnalytics.Core.Export;

/// <summary>
/// What the analytics need to know about the pull request or issue a session worked on, without any GitHub client
/// type: the extraction stage fills it from the API, tests build it by hand. All GitHub-derived figures are nullable
/// because an API call may be skipped or fail; the CSV then leaves the cell empty rather than inventing a zero.
/// </summary>
public sealed class PullRequestInfo
{
    /// <summary>"owner/name".</summary>
    public string? Repository { get; init; }
    public required int Number { get; init; }
    /// <summary>"pr" or "issue" (the design's <c>target_type</c>).</summary>
    public string TargetType { get; init; } = PullRequestTargetType.PullRequest;
    public string? Title { get; init; }
    /// <summary>The author's login.</summary>
    public string? Author { get; init; }
    /// <summary>"open", "merged" or "closed" (a pull request closed without merging). Issues: "open" or "closed".</summary>
    public string? State { get; init; }
    /// <summary>Issues only: GitHub's state_reason ("completed", "not_planned", "reopened"), null when unknown.</summary>
    public string? StateReason { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset? MergedAt { get; init; }
    /// <summary>Completed workflow runs for the pull request's commits.</summary>
    public int? CiRuns { get; init; }
    /// <summary>Percentage (0–100) of <see cref="CiRuns"/> that concluded with success.</summary>
    public decimal? CiPassRate { get; init; }
    public int? ReviewComments { get; init; }
    public int? LinesAdded { get; init; }
    public int? LinesRemoved { get; init; }

    /// <summary>Hours from creation to merge, two decimals; null unless merged.</summary>
    public decimal? TimeToMergeHours =>
        CreatedAt is { } created && MergedAt is { } merged
            ? Math.Round((decimal)(merged - created).TotalHours, 2, MidpointRounding.AwayFromZero)
            : null;

    /// <summary>
    /// The design's <c>acceptance_status</c>. Pull requests: "merged", "closed" (rejected) or "open".
    /// Issues: "completed" or "not_planned" when GitHub gives a close reason, otherwise the state.
    /// </summary>
    public string? AcceptanceStatus => TargetType == PullRequestTargetType.Issue && State == "closed" && StateReason is "completed" or "not_planned"
        ? StateReason
        : State;

    public override string ToString() => $"{Repository}{(TargetType == PullRequestTargetType.Issue ? " issue" : "")}#{Number} {State} {Title}";
}

/// <summary>The two values of the design's <c>target_type</c>.</summary>
public static class PullRequestTargetType
{
    public const string PullRequest = "pr";
    public const string Issue = "issue";
}
