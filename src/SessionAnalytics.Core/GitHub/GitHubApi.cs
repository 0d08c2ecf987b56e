using System.Globalization;
using Octokit;
using Octokit.Internal;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>What a <see cref="GitHubApi"/> connects to and how it behaves.</summary>
public sealed class GitHubApiSettings
{
    public static Uri DefaultApiUrl { get; } = new("https://api.github.com/");

    /// <summary>The REST API root: https://api.github.com/, https://ghe.example.com/api/v3/, or a test server.</summary>
    public Uri ApiUrl { get; init; } = DefaultApiUrl;

    /// <summary>Null for anonymous requests (reads of public repositories only).</summary>
    public GitHubToken? Token { get; init; }
    public IDiagnostics Diagnostics { get; init; } = NullDiagnostics.Instance;
    public GitHubRetryPolicy RetryPolicy { get; init; } = GitHubRetryPolicy.Default;

    /// <summary>Cancels every request and wait (the cmdlet's Ctrl+C).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Persistent GET response cache revalidated with ETags (extraction); null = no cache.</summary>
    public GitHubResponseCache? ResponseCache { get; init; }

    /// <summary>Counts requests, 304s and the rate limit left (extraction's summary); null = not counted.</summary>
    public GitHubRequestCounter? RequestCounter { get; init; }

    /// <summary>
    /// Checks and normalises an API URL (-ApiUrl or GITHUB_API_URL): absolute http(s), with the trailing slash
    /// Octokit needs to resolve relative endpoints under a path such as /api/v3/.
    /// </summary>
    public static Uri ParseApiUrl(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0)
            throw new EngineException(new EngineError(GitHubErrors.ApiUrlInvalid, ErrorKind.InvalidArgument,
                $"'{text}' is not a GitHub API URL; expected e.g. https://api.github.com/ or https://ghe.example.com/api/v3/.", text));
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}

/// <summary>
/// The GitHub REST calls the module makes, on Octokit over <see cref="GitHubRequestHandler"/> (verbose log,
/// bounded retries). Only the module's own types appear in its signatures: Octokit is loaded in the module's
/// private load context and must not leak to PowerShell. Every failure is an <see cref="EngineException"/>
/// (see <see cref="GitHubErrors"/>).
/// </summary>
public sealed partial class GitHubApi : IDisposable
{
    /// <summary>GitHub's largest page.</summary>
    public const int PageSize = 100;

    /// <summary>A listing stops here even if the server keeps sending "next" links.</summary>
    public const int MaxPages = 1000;

    private readonly GitHubClient _client;
    private readonly HttpClientAdapter _adapter;
    private readonly GitHubApiSettings _settings;
    private readonly IDiagnostics _diagnostics;
    private string? _login;

    public GitHubApi(GitHubApiSettings settings)
    {
        _settings = settings;
        _diagnostics = settings.Token is null ? settings.Diagnostics : new RedactingDiagnostics(settings.Diagnostics, settings.Token.Value);
        _adapter = new HttpClientAdapter(() => GitHubRequestCounter.Attach(settings.RequestCounter,
            new GitHubRequestHandler(settings.RetryPolicy, _diagnostics, settings.Cancellation)));
        // Timeouts are per attempt in the handler; the adapter's overall timeout must not cut retries short.
        _adapter.SetRequestTimeout(System.Threading.Timeout.InfiniteTimeSpan);
        var credentials = settings.Token is null ? Credentials.Anonymous : new Credentials(settings.Token.Value);
        var connection = new Connection(new ProductHeaderValue("SessionAnalytics", typeof(GitHubApi).Assembly.GetName().Version?.ToString(3)),
            settings.ApiUrl, new InMemoryCredentialStore(credentials), GitHubResponseCache.Wrap(settings.ResponseCache, new HandlerTimeouts(_adapter)), new SimpleJsonSerializer());
        _client = new GitHubClient(connection);
    }

    public Uri ApiUrl => _settings.ApiUrl;

    /// <summary>Closes the connections.</summary>
    public void Dispose() => _adapter.Dispose();
    public GitHubToken? Token => _settings.Token;

    /// <summary>Diagnostics with the token scrubbed from every message: what the engine's GitHub code reports through.</summary>
    public IDiagnostics Diagnostics => _diagnostics;

    /// <summary>
    /// The login comments are written as. GET /user; for the Actions GITHUB_TOKEN and other integration tokens,
    /// which may not read /user (403), <paramref name="integrationLogin"/> (github-actions[bot] in Actions).
    /// </summary>
    public async Task<string> GetAuthenticatedLoginAsync(string? integrationLogin = null, CancellationToken cancellation = default)
    {
        if (_login is not null) return _login;
        try
        {
            var user = await _client.User.Current().ConfigureAwait(false);
            return _login = user.Login;
        }
        catch (ForbiddenException e) when (e is not RateLimitExceededException and not SecondaryRateLimitExceededException && integrationLogin is not null)
        {
            _diagnostics.Verbose($"GET /user is not allowed for this token ({e.Message}); comments are written as {integrationLogin}.");
            return _login = integrationLogin;
        }
        catch (Exception e) { throw Translate(e, "reading the authenticated user (GET /user)", null, cancellation); }
    }

    /// <summary>Every comment of an issue or PR, oldest first, following the Link header's "next" pages.</summary>
    public async Task<IReadOnlyList<GitHubComment>> ListIssueCommentsAsync(RepositoryRef repository, int number,
        Action<PageProgress>? progress = null, CancellationToken cancellation = default)
    {
        var comments = new List<GitHubComment>();
        // A comment listed twice (pages that shift while read, a repeating next link) is one comment: the publisher must
        // never take it for a duplicate of itself.
        var ids = new HashSet<long>();
        var path = $"repos/{E(repository.Owner)}/{E(repository.Name)}/issues/{number.ToString(CultureInfo.InvariantCulture)}/comments";
        await foreach (var page in PagesAsync<List<IssueComment>>(path, [], $"listing the comments of #{number} in {repository}", repository, cancellation).ConfigureAwait(false))
        {
            comments.AddRange((page.Body ?? []).Select(ToComment).Where(c => ids.Add(c.Id)));
            progress?.Invoke(new PageProgress(page.Number, page.Last, comments.Count));
        }
        return comments;
    }

    public async Task<GitHubComment> CreateCommentAsync(RepositoryRef repository, int number, string body, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        try { return ToComment(await _client.Issue.Comment.Create(repository.Owner, repository.Name, number, body).ConfigureAwait(false)); }
        catch (Exception e) { throw Translate(e, $"creating a comment on #{number} in {repository}", repository, cancellation); }
    }

    public async Task<GitHubComment> UpdateCommentAsync(RepositoryRef repository, long commentId, string body, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        try { return ToComment(await _client.Issue.Comment.Update(repository.Owner, repository.Name, commentId, body).ConfigureAwait(false)); }
        catch (Exception e) { throw Translate(e, $"updating comment {commentId} in {repository}", repository, cancellation); }
    }

    /// <summary>Deletes a comment; false when it was already gone (another publisher deleted it first).</summary>
    public async Task<bool> DeleteCommentAsync(RepositoryRef repository, long commentId, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        try
        {
            await _client.Issue.Comment.Delete(repository.Owner, repository.Name, commentId).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundException) { return false; }
        catch (Exception e) { throw Translate(e, $"deleting comment {commentId} in {repository}", repository, cancellation); }
    }

    /// <summary>Open pull requests whose head is <paramref name="headOwner"/>:<paramref name="branch"/>, newest first.</summary>
    public async Task<IReadOnlyList<GitHubPullRequest>> FindOpenPullRequestsAsync(RepositoryRef repository, string headOwner, string branch,
        CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        try
        {
            var request = new PullRequestRequest { Head = headOwner + ":" + branch, State = ItemStateFilter.Open };
            var pulls = await _client.PullRequest.GetAllForRepository(repository.Owner, repository.Name, request,
                new ApiOptions { PageSize = PageSize, PageCount = 1 }).ConfigureAwait(false);
            return pulls.Select(ToPullRequest).ToList();
        }
        catch (Exception e) { throw Translate(e, $"looking up the open PR for branch {branch} in {repository}", repository, cancellation); }
    }

    public async Task<GitHubPullRequest> GetPullRequestAsync(RepositoryRef repository, int number, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        try { return ToPullRequest(await _client.PullRequest.Get(repository.Owner, repository.Name, number).ConfigureAwait(false)); }
        catch (Exception e) { throw Translate(e, $"reading PR #{number} in {repository}", $"{repository}#{number}", cancellation); }
    }

    /// <summary>An issue or PR by number (GitHub's issues endpoint answers for both).</summary>
    public async Task<GitHubIssue> GetIssueAsync(RepositoryRef repository, int number, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        try
        {
            var issue = await _client.Issue.Get(repository.Owner, repository.Name, number).ConfigureAwait(false);
            return new GitHubIssue(issue.Number, issue.State.StringValue, issue.PullRequest is not null, issue.HtmlUrl, issue.Title);
        }
        catch (Exception e) { throw Translate(e, $"reading issue #{number} in {repository}", $"{repository}#{number}", cancellation); }
    }

    /// <summary>
    /// The engine error for a failure, scrubbed of the token like everything else reported. A cancellation that neither
    /// the caller nor the command's Ctrl+C asked for is a timer running out: a timeout, not a cancellation.
    /// </summary>
    private Exception Translate(Exception e, string action, object? target, CancellationToken cancellation) =>
        GitHubErrors.Translate(e, action, _settings.ApiUrl, _settings.Token, target,
            cancelledByCaller: cancellation.IsCancellationRequested || _settings.Cancellation.IsCancellationRequested);

    private CancellationToken Linked(CancellationToken cancellation) =>
        cancellation.CanBeCanceled ? cancellation : _settings.Cancellation;

    // StringValue, not Value: an association GitHub adds later (MANNEQUIN was one) must not make the comment unreadable.
    private static GitHubComment ToComment(IssueComment c) =>
        new(c.Id, c.Body ?? "", c.User?.Login, c.HtmlUrl, c.CreatedAt, c.UpdatedAt, Association(c.AuthorAssociation.StringValue));

    internal static string? Association(string? value) => string.IsNullOrEmpty(value) ? null : value.ToUpperInvariant();

    private static GitHubPullRequest ToPullRequest(PullRequest p) =>
        new(p.Number, p.Merged ? "merged" : p.State.StringValue, p.Merged, p.Head?.Ref, p.Head?.Label, p.HtmlUrl, p.Title);

    private static string E(string segment) => Uri.EscapeDataString(segment);

    /// <summary>
    /// Takes Octokit's own timer (100 s on every request, whatever the adapter says) off each request: the handler's
    /// per-attempt timeout (<see cref="GitHubRetryPolicy.AttemptTimeout"/>) is the one timeout, so it can be set either
    /// way and a slow answer is a <see cref="GitHubErrors.Timeout"/>, not a cancellation from nowhere.
    /// </summary>
    private sealed class HandlerTimeouts(IHttpClient inner) : IHttpClient
    {
        public Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object>? preprocessResponseBody = null)
        {
            if (request is Request r) r.Timeout = TimeSpan.Zero;
            return inner.Send(request, cancellationToken, preprocessResponseBody);
        }

        public void SetRequestTimeout(TimeSpan timeout) => inner.SetRequestTimeout(timeout);

        public void Dispose() => inner.Dispose();
    }

    /// <summary>A page of a listing: its body, its number (from 1) and the last page's number as far as known.</summary>
    private readonly record struct ListingPage<T>(T? Body, int Number, int Last);

    /// <summary>
    /// Every page of a listing from <paramref name="path"/>, following the Link header's "next" pages; where
    /// <see cref="NextPageGuard"/> refuses a link, the listing ends with a warning.
    /// </summary>
    private async IAsyncEnumerable<ListingPage<T>> PagesAsync<T>(string path, Dictionary<string, string> parameters, string what,
        object? target, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        parameters["per_page"] = PageSize.ToString(CultureInfo.InvariantCulture);
        var guard = new NextPageGuard();
        Uri? next = new(path, UriKind.Relative);
        var page = 0;
        while (next is not null)
        {
            cancellation.ThrowIfCancellationRequested();
            if (guard.Refuse(next, page) is { } why)
            {
                _diagnostics.Warning($"Stopped {what} after {page} pages: the server's next-page links {why}.");
                yield break;
            }
            IApiResponse<T> response;
            try { response = await _client.Connection.Get<T>(next, parameters, null, Linked(cancellation)).ConfigureAwait(false); }
            catch (Exception e) { throw Translate(e, what, target, cancellation); }
            page++;
            var links = response.HttpResponse.ApiInfo?.Links ?? new Dictionary<string, Uri>();
            var last = links.TryGetValue("last", out var lastLink) ? PageNumber(lastLink) ?? page : page;
            yield return new ListingPage<T>(response.Body, page, Math.Max(last, page));
            next = links.TryGetValue("next", out var nextLink) ? nextLink : null;
            parameters = []; // the next link carries per_page and page itself
        }
    }

    private static int? PageNumber(Uri link)
    {
        foreach (var pair in link.Query.TrimStart('?').Split('&'))
            if (pair.StartsWith("page=", StringComparison.Ordinal)
                && int.TryParse(pair.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        return null;
    }
}
