using System.Management.Automation;
using System.Security;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;

namespace SessionAnalytics.PowerShell.Infrastructure;

/// <summary>
/// What the cmdlets that write to GitHub share: -Repository, -Token, -ApiUrl, the lazily created API client (the
/// token is resolved only when the first request is about to be made, i.e. after ShouldProcess said yes, so -WhatIf
/// needs none), and running engine work on a worker thread while its verbose/progress output reaches the host.
/// </summary>
public abstract class GitHubCommandBase : SessionAnalyticsCmdlet, IDisposable
{
    /// <summary>The login GitHub Actions' GITHUB_TOKEN writes as; GET /user is not allowed for it.</summary>
    private const string ActionsLogin = "github-actions[bot]";
    private const string ListingActivity = "Reading GitHub comments";

    private GitHubApi? _api;
    private Uri? _apiUrl;

    /// <summary>owner/name; else GITHUB_REPOSITORY; else the origin remote of the session's directory or the current directory.</summary>
    /// <remarks>Empty is allowed: a piped session's Repository is null outside a GitHub clone, and then means "find it"
    /// (a validation attribute would fail the binding instead of naming what is missing).</remarks>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    [ArgumentCompleter(typeof(Completion.RepositoryCompleter))]
    public string? Repository { get; set; }

    /// <summary>A GitHub token (a string or a SecureString); else GH_TOKEN, GITHUB_TOKEN, or `gh auth token`.</summary>
    [Parameter]
    [ValidateNotNull]
    [SecureStringArgument]
    public SecureString? Token { get; set; }

    /// <summary>The REST API root for GitHub Enterprise Server; else GITHUB_API_URL; else https://api.github.com/.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ApiUrl { get; set; }

    /// <summary>Only session comments by these logins count in the summary, instead of the publishing account and the repository's owners, members and collaborators.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TrustedAuthor { get; set; }

    /// <summary>How long one request may take before its answer is given up as lost (default 30 seconds).</summary>
    [Parameter]
    public TimeSpan RequestTimeout { get; set; } = GitHubRetryPolicy.DefaultAttemptTimeout;

    protected RepositoryResolver RepositoryResolver => new(null, Diagnostics);
    protected GitHubTargetResolver TargetResolver => new(null, Diagnostics);
    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    /// <summary>In GitHub Actions, the account comments are written as when GET /user is refused.</summary>
    internal static string? IntegrationLogin =>
        string.Equals(Environment.GetEnvironmentVariable("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase) ? ActionsLogin : null;

    protected Uri ResolvedApiUrl => _apiUrl ??= Engine(() =>
    {
        var text = ApiUrl ?? Environment.GetEnvironmentVariable("GITHUB_API_URL");
        return string.IsNullOrWhiteSpace(text) ? GitHubApiSettings.DefaultApiUrl : GitHubApiSettings.ParseApiUrl(text);
    });

    /// <summary>The API client; the first call resolves the token (a terminating error when there is none).</summary>
    protected GitHubApi Api => _api ??= Engine(() =>
    {
        var url = ResolvedApiUrl;
        var token = new GitHubTokenResolver(null, null, Diagnostics).Resolve(Token, url);
        WriteVerbose($"GitHub API {url} with the token from {token.Source}.");
        return new GitHubApi(new GitHubApiSettings
        {
            ApiUrl = url, Token = token, Diagnostics = Diagnostics, Cancellation = Stopping,
            RetryPolicy = new GitHubRetryPolicy { AttemptTimeout = CheckedRequestTimeout(RequestTimeout) },
        });
    });

    /// <summary>-RequestTimeout, refused when too short to be meant (a bare number binds as ticks).</summary>
    internal static TimeSpan CheckedRequestTimeout(TimeSpan timeout) =>
        timeout >= GitHubRetryPolicy.MinimumAttemptTimeout ? timeout : throw new EngineException(new EngineError(GitHubErrors.RequestTimeoutInvalid, ErrorKind.InvalidArgument,
            $"-RequestTimeout {timeout} is shorter than {GitHubRetryPolicy.MinimumAttemptTimeout.TotalMilliseconds:0} ms; a bare number is read as ticks, not seconds.", timeout)
        {
            RecommendedAction = "Pass a duration: -RequestTimeout 00:00:30, or -RequestTimeout ([TimeSpan]::FromSeconds(30)).",
        });

    /// <summary>
    /// Runs async engine work on a worker thread and, meanwhile, writes what it reports (verbose lines, progress)
    /// from this thread, the only one allowed to. Exceptions come out unwrapped.
    /// </summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(Stopping), Stopping);
        try
        {
            while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(100)) Diagnostics.Flush();
            Diagnostics.Flush();
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Reports a failure of one item: terminating when it would fail every item the same way (no token, a rejected
    /// token, a wrong API URL or repository, an API that cannot be reached at all), non-terminating otherwise, also
    /// for a lost answer or a timeout: those are about one request, and the next session may well go through.
    /// </summary>
    protected void ReportItemFailure(EngineException e)
    {
        Diagnostics.Flush();
        if (e.Error.Kind is ErrorKind.AuthenticationError or ErrorKind.InvalidArgument || e.Error.ErrorId == GitHubErrors.Unreachable) ThrowTerminating(e);
        WriteError(CmdletDiagnostics.ToErrorRecord(e.Error));
    }

    /// <summary>The summary updater's options for this command's account and -TrustedAuthor.</summary>
    protected SessionSummaryUpdaterOptions SummaryOptions => new() { IntegrationLogin = IntegrationLogin, TrustedAuthors = TrustedAuthor };

    /// <summary>PowerShell disposes the cmdlet when the pipeline ends, stopped or not.</summary>
    public void Dispose()
    {
        _api?.Dispose();
        _api = null;
    }

    protected void CompleteListingProgress() => Diagnostics.CompleteProgress(ListingActivity);
}
