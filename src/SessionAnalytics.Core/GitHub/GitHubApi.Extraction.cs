using System.Globalization;
using Octokit;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>The reads the extraction adds: issue search, PR details with line counts, workflow runs of a branch.</summary>
public sealed partial class GitHubApi
{
    /// <summary>The counter given in the settings, if any: what the extraction reports requests from.</summary>
    public GitHubRequestCounter? RequestCounter => _settings.RequestCounter;

    /// <summary>The response cache given in the settings, if any.</summary>
    public GitHubResponseCache? ResponseCache => _settings.ResponseCache;

    /// <summary>
    /// One page of <c>GET /search/issues</c> for <paramref name="query"/> (GitHub search syntax, unescaped), oldest
    /// first, 100 per page; <paramref name="page"/> is the previous page's <see cref="GitHubSearchPage.Next"/>.
    /// GitHub returns at most 1,000 results per query however many it counts in <see cref="GitHubSearchPage.TotalCount"/>.
    /// </summary>
    /// <param name="repository">The repository searched (<c>repo:</c>); null for a search across repositories (<c>org:</c>),
    /// whose items then name their repository (from their API URL).</param>
    /// <param name="scope">What is searched, for messages: owner/name or the organization.</param>
    public async Task<GitHubSearchPage> SearchIssuesAsync(RepositoryRef? repository, string scope, string query, Uri? page = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var what = $"searching {scope} for '{query}'";
        IApiResponse<SearchIssuesResult> response;
        try
        {
            // Octokit passes "q" through unescaped (its own search requests escape it first): escape it here.
            var parameters = page is null
                ? new Dictionary<string, string>
                {
                    ["q"] = Uri.EscapeDataString(query),
                    ["sort"] = "created",
                    ["order"] = "asc",
                    ["per_page"] = PageSize.ToString(CultureInfo.InvariantCulture),
                }
                : [];
            response = await _client.Connection.Get<SearchIssuesResult>(page ?? new Uri("search/issues", UriKind.Relative), parameters, null, Linked(cancellation))
                .ConfigureAwait(false);
        }
        catch (Exception e) { throw Translate(e, what, scope, cancellation); }
        var body = response.Body;
        var links = response.HttpResponse.ApiInfo?.Links ?? new Dictionary<string, Uri>();
        var items = new List<GitHubIssueSummary>();
        foreach (var i in body?.Items ?? [])
            if ((repository ?? RepositoryOf(i.Url)) is { } where) items.Add(ToSummary(where, i));
        return new GitHubSearchPage(body?.TotalCount ?? 0, body?.IncompleteResults ?? false, items,
            links.TryGetValue("next", out var next) ? next : null);
    }

    /// <summary>
    /// One page of every issue and PR comment of a repository updated at or after <paramref name="since"/>
    /// (<c>GET /repos/{owner}/{repo}/issues/comments?since=&amp;sort=created&amp;direction=asc</c>), oldest first, 100 per
    /// page; <paramref name="page"/> is the previous page's <see cref="GitHubCommentPage.Next"/>. Each comment comes with
    /// the number of the issue or PR it is on.
    /// </summary>
    public async Task<GitHubCommentPage> ListRepositoryCommentsAsync(RepositoryRef repository, DateTimeOffset since, Uri? page = null,
        CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        IApiResponse<List<RepositoryCommentResponse>> response;
        try
        {
            var parameters = page is null
                ? new Dictionary<string, string>
                {
                    ["since"] = since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["sort"] = "created",
                    ["direction"] = "asc",
                    ["per_page"] = PageSize.ToString(CultureInfo.InvariantCulture),
                }
                : [];
            var uri = page ?? new Uri($"repos/{E(repository.Owner)}/{E(repository.Name)}/issues/comments", UriKind.Relative);
            response = await _client.Connection.Get<List<RepositoryCommentResponse>>(uri, parameters, null, Linked(cancellation)).ConfigureAwait(false);
        }
        catch (Exception e) { throw Translate(e, $"listing the comments of {repository}", repository.FullName, cancellation); }
        var comments = new List<GitHubRepositoryComment>();
        foreach (var c in response.Body ?? [])
            if (IssueNumberOf(c.IssueUrl) is { } number)
                comments.Add(new GitHubRepositoryComment(number, new GitHubComment(c.Id, c.Body ?? "", c.User?.Login, c.HtmlUrl, c.CreatedAt, c.UpdatedAt,
                    Association(c.AuthorAssociation))));
        var links = response.HttpResponse.ApiInfo?.Links ?? new Dictionary<string, Uri>();
        return new GitHubCommentPage(comments, links.TryGetValue("next", out var next) ? next : null,
            links.TryGetValue("last", out var last) ? PageNumber(last) : null);
    }

    /// <summary>owner/name from an issue's API URL (…/repos/o/r/issues/12).</summary>
    private static RepositoryRef? RepositoryOf(string? issueUrl)
    {
        if (string.IsNullOrEmpty(issueUrl)) return null;
        var parts = issueUrl.Split('/');
        var repos = Array.LastIndexOf(parts, "repos");
        return repos >= 0 && repos + 2 < parts.Length && RepositoryRef.IsValidSegment(Uri.UnescapeDataString(parts[repos + 1])) && RepositoryRef.IsValidSegment(Uri.UnescapeDataString(parts[repos + 2]))
            ? new RepositoryRef(Uri.UnescapeDataString(parts[repos + 1]), Uri.UnescapeDataString(parts[repos + 2]))
            : null;
    }

    /// <summary>
    /// Every repository of <paramref name="owner"/> the token can see, all pages of 100: an organization's
    /// (<c>GET /orgs/{org}/repos?type=all</c>, private ones included when the token may read them), or, when the owner
    /// is a user (404 there), the user's (<c>GET /users/{user}/repos?type=owner</c>, public ones).
    /// </summary>
    public async Task<IReadOnlyList<GitHubRepositorySummary>> ListOwnerRepositoriesAsync(string owner, CancellationToken cancellation = default)
    {
        try { return await ListRepositoriesAsync($"orgs/{E(owner)}/repos", "all", $"listing the repositories of {owner}", owner, cancellation).ConfigureAwait(false); }
        catch (EngineException e) when (e.Error.ErrorId == GitHubErrors.NotFound)
        {
            _diagnostics.Verbose($"{owner} is not an organization the token can see; listing it as a user's repositories.");
            return await ListRepositoriesAsync($"users/{E(owner)}/repos", "owner", $"listing the repositories of {owner}", owner, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<GitHubRepositorySummary>> ListRepositoriesAsync(string path, string type, string what, string owner, CancellationToken cancellation)
    {
        var repositories = new List<GitHubRepositorySummary>();
        await foreach (var page in PagesAsync<List<Repository>>(path, new() { ["type"] = type }, what, owner, cancellation).ConfigureAwait(false))
            foreach (var r in page.Body ?? [])
                if (r.Owner?.Login is { } login && r.Name is { } name)
                    repositories.Add(new GitHubRepositorySummary(new RepositoryRef(login, name), r.Private, r.Archived, r.Fork));
        return repositories;
    }

    /// <summary>The number at the end of an issue's API URL (…/repos/o/r/issues/12).</summary>
    private static int? IssueNumberOf(string? issueUrl)
    {
        if (string.IsNullOrEmpty(issueUrl)) return null;
        var slash = issueUrl.TrimEnd('/').LastIndexOf('/');
        return int.TryParse(issueUrl.AsSpan(slash + 1).TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary><c>GET /repos/{owner}/{repo}/pulls/{number}</c>: the fields only the single-PR answer has (line counts, review comments, head).</summary>
    public async Task<GitHubPullRequestDetails> GetPullRequestDetailsAsync(RepositoryRef repository, int number, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        PullRequestDetailsResponse pr;
        try
        {
            var uri = new Uri($"repos/{E(repository.Owner)}/{E(repository.Name)}/pulls/{number.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative);
            pr = (await _client.Connection.Get<PullRequestDetailsResponse>(uri, new Dictionary<string, string>(), null, Linked(cancellation)).ConfigureAwait(false)).Body
                 ?? throw new InvalidOperationException("GitHub answered with an empty body.");
        }
        catch (Exception e) { throw Translate(e, $"reading PR #{number} in {repository}", $"{repository}#{number}", cancellation); }
        var merged = pr.Merged || pr.MergedAt is not null;
        return new GitHubPullRequestDetails(pr.Number, pr.Title, pr.User?.Login, merged ? "merged" : pr.State ?? "open", merged,
            pr.CreatedAt, pr.ClosedAt, pr.MergedAt, pr.Additions, pr.Deletions, pr.ReviewComments, pr.Commits,
            pr.Head?.Ref, pr.Head?.Sha, pr.Head?.Repository?.FullName);
    }

    /// <summary>
    /// Every workflow run of <paramref name="branch"/> (<c>GET /repos/{owner}/{repo}/actions/runs?branch=</c>), all pages,
    /// newest first. Runs of pull requests from forks are listed under the fork's branch name in the base repository.
    /// </summary>
    public async Task<IReadOnlyList<GitHubWorkflowRun>> ListWorkflowRunsAsync(RepositoryRef repository, string branch, CancellationToken cancellation = default)
    {
        var runs = new List<GitHubWorkflowRun>();
        var path = $"repos/{E(repository.Owner)}/{E(repository.Name)}/actions/runs";
        var parameters = new Dictionary<string, string> { ["branch"] = branch, ["exclude_pull_requests"] = "true" };
        await foreach (var page in PagesAsync<WorkflowRunsResponse>(path, parameters, $"listing the workflow runs of branch {branch} in {repository}",
                           repository.FullName, cancellation).ConfigureAwait(false))
            foreach (var r in page.Body?.WorkflowRuns ?? [])
                runs.Add(new GitHubWorkflowRun(r.Id, r.Name, r.HeadBranch, r.HeadSha, r.HeadRepository?.FullName, r.Event,
                    r.Status.StringValue, r.Conclusion?.StringValue, r.CreatedAt));
        return runs;
    }

    private static GitHubIssueSummary ToSummary(RepositoryRef repository, Issue i)
    {
        var isPull = i.PullRequest is not null;
        var mergedAt = i.PullRequest?.MergedAt;
        var state = isPull && mergedAt is not null ? "merged" : i.State.StringValue;
        return new GitHubIssueSummary(repository, i.Number, isPull, i.Title ?? "", i.User?.Login, state, i.StateReason?.StringValue,
            i.CreatedAt, i.ClosedAt, mergedAt, i.Comments, i.HtmlUrl) { UpdatedAt = i.UpdatedAt };
    }

    /// <summary>A comment of the repository-wide listing; Octokit's IssueComment lacks issue_url.</summary>
    internal sealed class RepositoryCommentResponse
    {
        public long Id { get; set; }
        public string? Body { get; set; }
        public User? User { get; set; }
        public string? HtmlUrl { get; set; }
        public string? IssueUrl { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? UpdatedAt { get; set; }
        public string? AuthorAssociation { get; set; }
    }

    /// <summary>The members of GitHub's pull request answer the extraction reads; Octokit's model lacks review_comments.</summary>
    internal sealed class PullRequestDetailsResponse
    {
        public int Number { get; set; }
        public string Title { get; set; } = "";
        public string? State { get; set; }
        public bool Merged { get; set; }
        public User? User { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? ClosedAt { get; set; }
        public DateTimeOffset? MergedAt { get; set; }
        public int Additions { get; set; }
        public int Deletions { get; set; }
        public int ReviewComments { get; set; }
        public int Commits { get; set; }
        public GitReference? Head { get; set; }
    }
}

/// <summary>One page of a repository's comments: each with the number of its issue or PR.</summary>
/// <param name="LastPage">The page number of the Link header's "last", when given.</param>
public sealed record GitHubCommentPage(IReadOnlyList<GitHubRepositoryComment> Comments, Uri? Next, int? LastPage);

public sealed record GitHubRepositoryComment(int IssueNumber, GitHubComment Comment);

/// <summary>One page of an issue search.</summary>
public sealed record GitHubSearchPage(int TotalCount, bool IncompleteResults, IReadOnlyList<GitHubIssueSummary> Items, Uri? Next);

/// <summary>An issue or pull request as the search API lists it.</summary>
/// <param name="State">"open" or "closed"; "merged" for a merged pull request.</param>
/// <param name="StateReason">Issues: "completed", "not_planned" or "reopened" when GitHub gives one.</param>
public sealed record GitHubIssueSummary(RepositoryRef Repository, int Number, bool IsPullRequest, string Title, string? AuthorLogin,
    string State, string? StateReason, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, DateTimeOffset? MergedAt, int CommentCount, string? HtmlUrl)
{
    /// <summary>GitHub's updated_at: moves with every new or edited comment, push, review, label or state change.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    public override string ToString() => $"{(IsPullRequest ? "PR" : "issue")} #{Number} in {Repository}";
}

/// <summary>A repository as a listing returns it.</summary>
public sealed record GitHubRepositorySummary(RepositoryRef Repository, bool IsPrivate, bool IsArchived, bool IsFork);

/// <param name="State">"open", "closed" or "merged".</param>
/// <param name="HeadRepository">owner/name of the repository the head branch lives in (a fork for outside contributions).</param>
public sealed record GitHubPullRequestDetails(int Number, string Title, string? AuthorLogin, string State, bool Merged,
    DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, DateTimeOffset? MergedAt, int Additions, int Deletions, int ReviewComments,
    int Commits, string? HeadRef, string? HeadSha, string? HeadRepository);

/// <param name="Status">queued, in_progress, completed, ...</param>
/// <param name="Conclusion">success, failure, cancelled, skipped, timed_out, ... once completed.</param>
public sealed record GitHubWorkflowRun(long Id, string? Name, string? HeadBranch, string? HeadSha, string? HeadRepository, string? Event,
    string Status, string? Conclusion, DateTimeOffset CreatedAt);
