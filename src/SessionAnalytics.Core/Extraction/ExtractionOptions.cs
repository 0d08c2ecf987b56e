using SessionAnalytics.Core.GitHub;

namespace SessionAnalytics.Core.Extraction;

/// <summary>Which kinds of GitHub items to read session comments from.</summary>
[Flags]
public enum ExtractionTargets
{
    None = 0,
    PullRequests = 1,
    Issues = 2,
    All = PullRequests | Issues,
}

/// <summary>What <see cref="SessionAnalyticsExtractor"/> reads.</summary>
public sealed class ExtractionOptions
{
    /// <summary>GitHub's answer to an open question about concurrency is "keep it low"; 8 reads 500 PRs in seconds.</summary>
    public const int DefaultThrottleLimit = 8;

    /// <summary>GitHub's search returns at most this many results per query, whatever total it reports.</summary>
    public const int GitHubSearchResultLimit = 1000;

    /// <summary>Repositories searched one by one (<c>repo:</c>); wildcards are resolved before (<see cref="RepositorySelection"/>).</summary>
    public IReadOnlyList<RepositoryRef> Repositories { get; init; } = [];

    /// <summary>Organizations (or users) searched as a whole (<c>org:</c>): every repository of theirs the token can see.</summary>
    public IReadOnlyList<string> Organizations { get; init; } = [];

    /// <summary>
    /// Where the extraction remembers what it read (<see cref="ExtractionStateStore"/>), so a re-run of a range reads
    /// only the PRs/issues that changed; null reads everything every time.
    /// </summary>
    public ExtractionStateStore? State { get; init; }

    /// <summary>
    /// How far before the previous run's start a re-run looks for changes (<c>updated:&gt;=</c>): covers GitHub's search
    /// index lag and clock skew between this machine and GitHub.
    /// </summary>
    public TimeSpan ChangeOverlap { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A PR closed or merged less than this long before it was read may still get CI results (a run that was in progress);
    /// until then a re-run refreshes its CI runs (one request) even when the PR did not change. GitHub-hosted jobs end
    /// within 6 hours.
    /// </summary>
    public TimeSpan CiSettleTime { get; init; } = TimeSpan.FromHours(6);

    /// <summary>PRs and issues created at or after this instant (GitHub search's <c>created:</c> qualifier, whole seconds).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>PRs and issues created at or before this instant (inclusive).</summary>
    public required DateTimeOffset To { get; init; }

    public ExtractionTargets Targets { get; init; } = ExtractionTargets.All;

    /// <summary>
    /// Logins whose session comments count (case-insensitive, exact: write <c>github-actions[bot]</c> for the Actions
    /// token), replacing the default <see cref="CommentTrustRule"/>. Null or empty: the default, comments by the reading
    /// account (the token's) and by the repository's owners, members and collaborators. Comments by others are left
    /// out, with a warning, and counted.
    /// </summary>
    public IReadOnlyCollection<string>? TrustedAuthors { get; init; }

    /// <summary>The login to assume when the token may not read GET /user (GitHub Actions: github-actions[bot]).</summary>
    public string? IntegrationLogin { get; init; }

    /// <summary>
    /// Read comments from the repository's comment listing when that takes fewer requests than reading each PR/issue's
    /// comments (the default); false reads them item by item always (the benchmark compares both).
    /// </summary>
    public bool UseCommentListing { get; init; } = true;

    /// <summary>PRs/issues read at the same time.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    /// <summary>This machine's clock (UTC); tests pass the fake GitHub's clock, whose timestamps are fixed.</summary>
    internal Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>The search cap the date range is split against; GitHub's 1,000 except in tests with a smaller fake cap.</summary>
    internal int SearchResultLimit { get; init; } = GitHubSearchResultLimit;
}
