using System.Net;
using System.Net.Sockets;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Tests.FakeGitHub;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>The real Octokit client over real HTTP against the fake GitHub: paging, the request pipeline, errors.</summary>
public sealed class GitHubApiTests : IAsyncLifetime
{
    private GitHubTestContext _ctx = null!;

    public async Task InitializeAsync() => _ctx = await GitHubTestContext.StartAsync();
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public async Task Listing_follows_the_Link_header_across_pages_and_reports_progress()
    {
        for (int i = 0; i < 250; i++) _ctx.Repo.AddComment(GitHubTestContext.Pr, "someone", $"comment {i}");
        var pages = new List<PageProgress>();

        var comments = await _ctx.Api().ListIssueCommentsAsync(_ctx.Repository, GitHubTestContext.Pr, pages.Add);

        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"comment {i}"), comments.Select(c => c.Body));
        Assert.Equal(3, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments));
        Assert.Equal([new PageProgress(1, 3, 100), new PageProgress(2, 3, 200), new PageProgress(3, 3, 250)], pages);
        Assert.All(comments, c => Assert.Equal("someone", c.AuthorLogin));
        Assert.Contains("#issuecomment-", comments[0].HtmlUrl);
    }

    [Fact]
    public async Task A_next_link_that_repeats_ends_the_listing_with_a_warning_instead_of_looping()
    {
        _ctx.Repo.AddComment(GitHubTestContext.Pr, "someone", "hello");
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.EndlessNextLink(), times: 50);

        var comments = await _ctx.Api().ListIssueCommentsAsync(_ctx.Repository, GitHubTestContext.Pr);

        // The first page by its relative path, the same page by the absolute URL of its link, then the repeat is seen.
        Assert.Equal(2, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments));
        Assert.Equal("hello", Assert.Single(comments).Body); // the page read twice gives its comment once
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.StartsWith("Stopped listing the comments of #7 in octo-org/widget after 2 pages: the server's next-page links repeat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verbose_names_each_request_and_the_rate_limit_left()
    {
        var api = _ctx.Api();
        await api.GetAuthenticatedLoginAsync();
        await api.ListIssueCommentsAsync(_ctx.Repository, GitHubTestContext.Pr);

        var lines = _ctx.Diagnostics.VerboseMessages.Where(m => m.StartsWith("GitHub GET", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("GitHub GET /user -> 200 OK (4999 of 5000 core requests left", lines[0]);
        Assert.StartsWith("GitHub GET /repos/octo-org/widget/issues/7/comments?per_page=100 -> 200 OK (4998 of 5000", lines[1]);
    }

    [Fact]
    public async Task Server_errors_on_reads_are_retried_with_back_off_then_succeed()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.ServerError(), times: 2);
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.ServerError(502));
        _ctx.Repo.AddComment(GitHubTestContext.Pr, "someone", "hello");

        var comments = await _ctx.Api().ListIssueCommentsAsync(_ctx.Repository, GitHubTestContext.Pr);

        Assert.Equal("hello", Assert.Single(comments).Body);
        Assert.Equal([500, 500, 502, 200], _ctx.Server.Requests.All.Select(r => r.Status));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], _ctx.Waits);
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, m => m.Contains("got 500; retry 1 of 3 in 1 s"));
    }

    [Fact]
    public async Task Retries_are_bounded()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.ServerError(503), times: 10);

        var e = await Assert.ThrowsAsync<EngineException>(() => _ctx.Api().ListIssueCommentsAsync(_ctx.Repository, GitHubTestContext.Pr));

        Assert.Equal((GitHubErrors.ServerError, ErrorKind.ResourceUnavailable), (e.Error.ErrorId, e.Error.Kind));
        Assert.Equal(4, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments));
        Assert.Equal(6, _ctx.Server.Faults.Pending);
    }

    [Fact]
    public async Task A_POST_is_not_repeated_on_a_server_error_because_the_comment_may_exist()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.ServerError().AfterApplying());

        var e = await Assert.ThrowsAsync<EngineException>(() => _ctx.Api().CreateCommentAsync(_ctx.Repository, GitHubTestContext.Pr, "body"));

        Assert.Equal(GitHubErrors.ServerError, e.Error.ErrorId);
        Assert.Equal(1, _ctx.Server.Requests.Count(FakeGitHubRoutes.CreateIssueComment));
        Assert.Single(_ctx.Comments); // the fake did the work and lost the answer
    }

    [Fact]
    public async Task A_secondary_rate_limit_is_waited_out_for_Retry_After_then_the_write_goes_through()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SecondaryRateLimit(retryAfterSeconds: 7));

        var created = await _ctx.Api().CreateCommentAsync(_ctx.Repository, GitHubTestContext.Pr, "body");

        Assert.Equal("body", Assert.Single(_ctx.Comments).Body);
        Assert.Equal(created.Id, _ctx.Comments[0].Id);
        Assert.Equal([TimeSpan.FromSeconds(7)], _ctx.Waits);
        Assert.Equal([403, 201], _ctx.Server.Requests.All.Select(r => r.Status));
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_waited_out_too()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.GetPullRequest,
            new FakeFault(429, "You have exceeded a secondary rate limit.", new Dictionary<string, string> { ["Retry-After"] = "2" }));

        var pr = await _ctx.Api().GetPullRequestAsync(_ctx.Repository, GitHubTestContext.Pr);

        Assert.Equal((7, "open", "fix/login"), (pr.Number, pr.State, pr.HeadRef));
        Assert.Equal([TimeSpan.FromSeconds(2)], _ctx.Waits);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_cap_fails_at_once_and_says_when_to_retry()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SecondaryRateLimit(retryAfterSeconds: 3600));

        var e = await Assert.ThrowsAsync<EngineException>(() => _ctx.Api().CreateCommentAsync(_ctx.Repository, GitHubTestContext.Pr, "body"));

        Assert.Equal((GitHubErrors.SecondaryRateLimit, ErrorKind.LimitsExceeded), (e.Error.ErrorId, e.Error.Kind));
        Assert.Contains("retry after 3600 seconds", e.Error.Message);
        Assert.Contains(" UTC", e.Error.Message);
        Assert.Empty(_ctx.Waits);
        Assert.Empty(_ctx.Comments);
    }

    [Fact]
    public async Task An_exhausted_primary_rate_limit_names_the_reset_time()
    {
        _ctx.Server.Store.SetRateLimitRemaining(GitHubTestContext.Login, 0);
        var reset = _ctx.Server.Store.RateLimit(GitHubTestContext.Login).Reset;

        var e = await Assert.ThrowsAsync<EngineException>(() => _ctx.Api().ListIssueCommentsAsync(_ctx.Repository, GitHubTestContext.Pr));

        Assert.Equal((GitHubErrors.RateLimitExceeded, ErrorKind.LimitsExceeded), (e.Error.ErrorId, e.Error.Kind));
        Assert.Contains(reset.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), e.Error.Message);
        Assert.Empty(_ctx.Waits); // the reset is an hour away: beyond the cap, not waited for
    }

    [Fact]
    public async Task Not_found_bad_credentials_too_long_and_not_the_author_become_distinct_errors()
    {
        var api = _ctx.Api();
        var notFound = await Assert.ThrowsAsync<EngineException>(() => api.ListIssueCommentsAsync(_ctx.Repository, 999));
        Assert.Equal((GitHubErrors.NotFound, ErrorKind.ObjectNotFound), (notFound.Error.ErrorId, notFound.Error.Kind));

        var badToken = await Assert.ThrowsAsync<EngineException>(() => _ctx.Api("ghp_wrong").GetAuthenticatedLoginAsync());
        Assert.Equal((GitHubErrors.AuthenticationFailed, ErrorKind.AuthenticationError), (badToken.Error.ErrorId, badToken.Error.Kind));
        Assert.Contains("the token from -Token", badToken.Error.Message);

        var tooLong = await Assert.ThrowsAsync<EngineException>(() => api.CreateCommentAsync(_ctx.Repository, GitHubTestContext.Pr, new string('x', 65_537)));
        Assert.Equal((GitHubErrors.CommentTooLong, ErrorKind.LimitsExceeded), (tooLong.Error.ErrorId, tooLong.Error.Kind));
        Assert.Contains("maximum is 65536 characters", tooLong.Error.Message);
        await api.CreateCommentAsync(_ctx.Repository, GitHubTestContext.Pr, new string('x', 65_536)); // exactly the limit is fine

        var theirs = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.OtherLogin, "theirs");
        var forbidden = await Assert.ThrowsAsync<EngineException>(() => api.UpdateCommentAsync(_ctx.Repository, theirs.Id, "mine now"));
        Assert.Equal((GitHubErrors.PermissionDenied, ErrorKind.PermissionDenied), (forbidden.Error.ErrorId, forbidden.Error.Kind));
        Assert.Equal("theirs", _ctx.Repo.FindComment(theirs.Id)!.Body);
    }

    [Fact]
    public async Task Injected_404_and_401_faults_map_like_real_ones()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.GetPullRequest, FakeFault.NotFound());
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.BadCredentials());
        var api = _ctx.Api();

        var notFound = await Assert.ThrowsAsync<EngineException>(() => api.GetPullRequestAsync(_ctx.Repository, GitHubTestContext.Pr));
        var unauthorized = await Assert.ThrowsAsync<EngineException>(() => api.ListIssueCommentsAsync(_ctx.Repository, GitHubTestContext.Pr));

        Assert.Equal(ErrorKind.ObjectNotFound, notFound.Error.Kind);
        Assert.Equal(ErrorKind.AuthenticationError, unauthorized.Error.Kind);
    }

    [Fact]
    public async Task A_refused_connection_fails_fast_without_retries()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var api = new GitHubApi(new GitHubApiSettings { ApiUrl = new Uri($"http://127.0.0.1:{port}/"), Token = new GitHubToken("t0ken", "-Token"), RetryPolicy = _ctx.RetryPolicy });

        var e = await Assert.ThrowsAsync<EngineException>(() => api.GetAuthenticatedLoginAsync());

        Assert.Equal((GitHubErrors.Unreachable, ErrorKind.ConnectionError), (e.Error.ErrorId, e.Error.Kind));
        Assert.Contains($"127.0.0.1:{port}", e.Error.Message);
        Assert.Empty(_ctx.Waits);
    }

    [Fact]
    public async Task An_integration_token_that_cannot_read_user_writes_as_the_given_bot_login()
    {
        _ctx.Server.Store.AddUser("github-actions[bot]", "ghs_actions", FakeUserKind.Integration);

        var login = await _ctx.Api("ghs_actions").GetAuthenticatedLoginAsync(integrationLogin: "github-actions[bot]");
        var refused = await Assert.ThrowsAsync<EngineException>(() => _ctx.Api("ghs_actions").GetAuthenticatedLoginAsync());

        Assert.Equal("github-actions[bot]", login);
        Assert.Equal(GitHubErrors.PermissionDenied, refused.Error.ErrorId);
    }

    [Fact]
    public async Task The_open_PR_is_found_by_its_head_branch_and_targets_are_checked()
    {
        _ctx.Repo.AddPullRequest("fix/login", number: 3, state: "closed");
        _ctx.Repo.AddIssue(number: 12);
        var api = _ctx.Api();
        var resolver = new GitHubTargetResolver(_ => null, _ctx.Diagnostics);

        var byBranch = await resolver.ResolveAsync(resolver.Describe(_ctx.Repository, null, null, "fix/login"), api);
        var issue = await resolver.ResolveAsync(resolver.Describe(_ctx.Repository, GitHubTargetKind.Issue, 12, null), api);
        var missing = await Assert.ThrowsAsync<EngineException>(() => resolver.ResolveAsync(resolver.Describe(_ctx.Repository, null, null, "feature/none"), api));
        var notAPr = await Assert.ThrowsAsync<EngineException>(() => resolver.ResolveAsync(resolver.Describe(_ctx.Repository, GitHubTargetKind.PullRequest, 12, null), api));

        Assert.Equal((GitHubTargetKind.PullRequest, 7, "open"), (byBranch.Kind, byBranch.Number, byBranch.State));
        Assert.Equal((GitHubTargetKind.Issue, 12), (issue.Kind, issue.Number));
        Assert.Equal((GitHubTargetResolver.NotFoundErrorId, ErrorKind.ObjectNotFound), (missing.Error.ErrorId, missing.Error.Kind));
        Assert.Contains("feature/none", missing.Error.Message);
        Assert.Equal(GitHubTargetResolver.NotFoundErrorId, notAPr.Error.ErrorId);
        Assert.Contains("head=octo-org%3Afix%2Flogin", _ctx.Server.Requests.All.First(r => r.Route == FakeGitHubRoutes.ListPullRequests).Query, StringComparison.OrdinalIgnoreCase);
    }
}
