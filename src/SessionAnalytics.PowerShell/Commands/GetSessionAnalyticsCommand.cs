using System.Management.Automation;
using System.Security;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// Reads the session comments of the pull requests and issues created in a period back from GitHub and emits one
/// <see cref="SessionAnalyticsRecord"/> per session per PR/issue, with the PR's GitHub figures.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SessionAnalytics", HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/Get-SessionAnalytics.md")]
[OutputType(typeof(SessionAnalyticsRecord))]
public sealed class GetSessionAnalyticsCommand : SessionAnalyticsCmdlet
{
    /// <summary>The tag of the information record that carries the run's <see cref="ExtractionSummary"/>.</summary>
    public const string SummaryTag = "ExtractionSummary";

    private readonly List<string> _repositories = [];

    /// <summary>
    /// owner/name (or a repository URL), several allowed; wildcards in the name (acme/*-service) match the owner's
    /// repositories the token can see. Default: GITHUB_REPOSITORY, else the origin remote of the current folder.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "nameWithOwner")]
    [ArgumentCompleter(typeof(Completion.RepositoryCompleter))]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Repository { get; set; }

    /// <summary>Organizations (or users) whose repositories are all searched at once (GitHub search's org: qualifier).</summary>
    [Parameter]
    [Alias("Org", "Owner")]
    [ValidateNotNullOrEmpty]
    public string[]? Organization { get; set; }

    /// <summary>The first day (or instant) of the period, UTC. Default: 30 days before -To.</summary>
    [Parameter]
    public DateTime? From { get; set; }

    /// <summary>The last day of the period, inclusive, UTC; a time of 00:00 means the whole day. Default: today.</summary>
    [Parameter]
    public DateTime? To { get; set; }

    /// <summary>Pull requests, issues or both (default).</summary>
    [Parameter]
    [ValidateSet("Pr", "Issue", IgnoreCase = true)]
    [ValidateNotNullOrEmpty]
    public string[] Target { get; set; } = ["Pr", "Issue"];

    /// <summary>Only session comments by these logins count, instead of the reading account and the repository's owners, members and collaborators; others are left out with a warning.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TrustedAuthor { get; set; }

    /// <summary>A GitHub token (a string or a SecureString). Default: GH_TOKEN, GITHUB_TOKEN, then `gh auth token`.</summary>
    [Parameter]
    [SecureStringArgument]
    public SecureString? Token { get; set; }

    /// <summary>The REST API root. Default: GITHUB_API_URL, else https://api.github.com/.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ApiUrl { get; set; }

    /// <summary>Where responses are cached. Default: $XDG_CACHE_HOME/SessionAnalytics/github or ~/.cache/SessionAnalytics/github.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CacheDirectory { get; set; }

    /// <summary>Neither read nor write the response cache, nor the extraction state (every PR/issue is read again).</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    /// <summary>PRs/issues read at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = ExtractionOptions.DefaultThrottleLimit;

    /// <summary>The longest wait for a rate-limit reset (or a Retry-After); further away, the extraction stops and keeps what it read.</summary>
    [Parameter]
    public TimeSpan MaxRateLimitWait { get; set; } = GitHubRetryPolicy.Default.MaxDelay;

    /// <summary>How long one request may take before it is given up (default 30 seconds).</summary>
    [Parameter]
    public TimeSpan RequestTimeout { get; set; } = GitHubRetryPolicy.DefaultAttemptTimeout;

    protected override void BeginProcessing()
    {
        if (MaxRateLimitWait < TimeSpan.Zero)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-MaxRateLimitWait cannot be negative."),
                "MaxRateLimitWaitInvalid", ErrorCategory.InvalidArgument, MaxRateLimitWait));
    }

    protected override void ProcessRecord()
    {
        if (Repository is not null) _repositories.AddRange(Repository);
    }

    protected override void EndProcessing()
    {
        var (from, to) = Period();
        var organizations = Engine(ResolveOrganizations);
        var selection = Engine(() => RepositorySelectionOf(organizations.Count > 0));
        var apiUrl = Engine(() => GitHubApiSettings.ParseApiUrl(ApiUrl ?? NonEmpty(Environment.GetEnvironmentVariable("GITHUB_API_URL")) ?? GitHubApiSettings.DefaultApiUrl.AbsoluteUri));
        var token = Engine(() => new GitHubTokenResolver(diagnostics: Diagnostics).Resolve(Token, apiUrl));
        GitHubResponseCache? cache = null;
        ExtractionStateStore? state = null;
        if (!NoCache)
        {
            var directory = CacheDirectory is null ? GitHubResponseCache.DefaultDirectory() : GetUnresolvedProviderPathFromPSPath(CacheDirectory);
            cache = new GitHubResponseCache(directory, Diagnostics);
            state = new ExtractionStateStore(ExtractionStateStore.ForCache(cache.Directory), Diagnostics);
            WriteVerbose($"Response cache: '{cache.Directory}' (responses are revalidated with ETags; unchanged PRs/issues are taken from '{state.Directory}'; -NoCache turns both off).");
        }

        var requestTimeout = Engine(() => GitHubCommandBase.CheckedRequestTimeout(RequestTimeout));
        using var api = new GitHubApi(new GitHubApiSettings
        {
            ApiUrl = apiUrl,
            Token = token,
            Diagnostics = Diagnostics,
            RetryPolicy = new GitHubRetryPolicy { MaxDelay = MaxRateLimitWait, AttemptTimeout = requestTimeout },
            Cancellation = Stopping,
            ResponseCache = cache,
            RequestCounter = new GitHubRequestCounter(),
        });
        IReadOnlyList<RepositoryRef> repositories = [];
        if (selection.Count > 0)
        {
            try { repositories = Engine(() => Wait(RepositorySelection.ResolveAsync(api, selection, Stopping))); }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested) { throw new PipelineStoppedException(); }
            finally { Diagnostics.Flush(); }
            if (repositories.Count == 0 && organizations.Count == 0) return;
        }

        var options = new ExtractionOptions
        {
            Repositories = repositories,
            Organizations = organizations,
            State = state,
            From = from,
            To = to,
            Targets = Targets(),
            TrustedAuthors = TrustedAuthor,
            IntegrationLogin = GitHubCommandBase.IntegrationLogin,
            ThrottleLimit = ThrottleLimit,
        };
        var extractor = Engine(() => new SessionAnalyticsExtractor(api, options));
        WriteVerbose($"Reading session comments of the {Describe(options.Targets)} created {from:yyyy-MM-dd HH:mm:ss} to {to:yyyy-MM-dd HH:mm:ss} UTC in {extractor.Summary.Repository}.");

        var records = extractor.ExtractAsync(Stopping).GetAsyncEnumerator(Stopping);
        try
        {
            while (Engine(() => Wait(records.MoveNextAsync().AsTask())))
                WriteObject(records.Current);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            try { Wait(records.DisposeAsync().AsTask()); }
            catch (OperationCanceledException) { }
            Diagnostics.CompleteProgress(SessionAnalyticsExtractor.ProgressActivity);
            Diagnostics.Flush();
        }

        var summary = extractor.Summary;
        WriteInformation(summary, [SummaryTag]);
    }

    /// <summary>Waits for engine work on worker threads, writing what they report meanwhile (only this thread may write).</summary>
    private T Wait<T>(Task<T> task)
    {
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(100)) Diagnostics.Flush();
        Diagnostics.Flush();
        return task.GetAwaiter().GetResult();
    }

    private void Wait(Task task) => Wait(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default));

    /// <summary>
    /// -Repository as exact repositories and wildcard patterns (resolved through the API once a client exists). Without
    /// -Repository and -Organization: GITHUB_REPOSITORY, else the origin remote of the current folder.
    /// </summary>
    private List<object> RepositorySelectionOf(bool haveOrganizations)
    {
        var resolver = new RepositoryResolver(diagnostics: Diagnostics);
        var current = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        if (_repositories.Count == 0) return haveOrganizations ? [] : [resolver.Resolve(null, null, current)];
        var result = new List<object>();
        foreach (var name in _repositories)
        {
            var slash = name.IndexOf('/');
            if (WildcardPattern.ContainsWildcardCharacters(name) && slash > 0 && !name.Contains("://", StringComparison.Ordinal))
            {
                var owner = name[..slash];
                var pattern = name[(slash + 1)..];
                if (WildcardPattern.ContainsWildcardCharacters(owner) || !RepositoryRef.IsValidOwner(owner) || pattern.Length == 0 || pattern.Contains('/'))
                    throw new EngineException(new EngineError(RepositoryResolver.InvalidErrorId, ErrorKind.InvalidArgument,
                        $"-Repository '{name}' is not owner/name-pattern: wildcards apply to the repository name after the slash, e.g. acme/*-service.", name));
                var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                result.Add(new RepositoryPattern(owner, name, wildcard.IsMatch));
                continue;
            }
            result.Add(resolver.Resolve(name, null, current));
        }
        return result;
    }

    private List<string> ResolveOrganizations()
    {
        var result = new List<string>();
        foreach (var name in Organization ?? [])
        {
            var trimmed = name.Trim();
            if (!RepositoryRef.IsValidOwner(trimmed))
                throw new EngineException(new EngineError(RepositoryResolver.InvalidErrorId, ErrorKind.InvalidArgument,
                    $"-Organization '{name}' is not a GitHub organization or user name (letters, digits and '-').", name));
            if (!result.Contains(trimmed, StringComparer.OrdinalIgnoreCase)) result.Add(trimmed);
        }
        return result;
    }

    /// <summary>
    /// The period in UTC: dates without a time zone are UTC (as GitHub's search reads them); -To at midnight means that
    /// whole day. Default: the 30 days up to the end of today.
    /// </summary>
    private (DateTimeOffset From, DateTimeOffset To) Period()
    {
        var to = To is { } t ? Utc(t) : new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        if (to.TimeOfDay == TimeSpan.Zero) to = to.AddDays(1).AddSeconds(-1);
        var from = From is { } f ? Utc(f) : new DateTimeOffset(to.UtcDateTime.Date, TimeSpan.Zero).AddDays(-30);
        if (from > to)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-From {from:yyyy-MM-dd HH:mm:ss} is after -To {to:yyyy-MM-dd HH:mm:ss}."),
                SessionAnalyticsExtractor.PeriodInvalidErrorId, ErrorCategory.InvalidArgument, From)
            {
                ErrorDetails = new ErrorDetails($"-From {from:yyyy-MM-dd HH:mm:ss} is after -To {to:yyyy-MM-dd HH:mm:ss}.") { RecommendedAction = "Pass -From before -To." },
            });
        return (from, to);
    }

    private static DateTimeOffset Utc(DateTime d) => d.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(d.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc), TimeSpan.Zero),
    };

    private ExtractionTargets Targets()
    {
        var targets = ExtractionTargets.None;
        foreach (var t in Target)
            targets |= string.Equals(t, "Pr", StringComparison.OrdinalIgnoreCase) ? ExtractionTargets.PullRequests : ExtractionTargets.Issues;
        return targets;
    }

    private static string Describe(ExtractionTargets targets) => targets switch
    {
        ExtractionTargets.PullRequests => "pull requests",
        ExtractionTargets.Issues => "issues",
        _ => "pull requests and issues",
    };

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
