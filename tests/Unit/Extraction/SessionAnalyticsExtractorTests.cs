using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.GitHub;
using static SessionAnalytics.Tests.Extraction.ExtractionTestContext;

namespace SessionAnalytics.Tests.Extraction;

/// <summary>The extraction against the fake GitHub: real Octokit, real HTTP, a real cache folder.</summary>
public sealed class SessionAnalyticsExtractorTests : IAsyncLifetime
{
    private ExtractionTestContext _ctx = null!;

    public async Task InitializeAsync() => _ctx = await ExtractionTestContext.StartAsync();
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    /// <summary>
    /// 30 PRs and issues over six weeks, a search cap of 10: the range is split until each part fits, every item is
    /// found once, and the records carry the comment's JSON and GitHub's figures.
    /// </summary>
    [Fact]
    public async Task A_range_over_the_search_cap_is_split_and_every_session_becomes_a_record_with_GitHub_figures()
    {
        var expectedSessions = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var number = i + 1;
            var created = From.AddHours(36 * i + 7);
            var item = i % 3 == 2
                ? _ctx.AddIssue(number, created, state: number % 2 == 0 ? "open" : "closed", stateReason: number % 2 == 0 ? null : "completed")
                : _ctx.AddPullRequest(number, created, state: number % 4 == 2 ? "closed" : "open", merged: number % 4 == 1,
                    additions: 100 + number, deletions: number, reviewComments: number % 5);
            if (number == 10) continue; // no comments at all: not even the comment request
            if (number is 4 or 8)
            {
                _ctx.Repo.AddComment(number, "reviewer", "LGTM"); // comments, but none with a session marker
                continue;
            }
            _ctx.Repo.AddComment(number, "reviewer", "Looks good");
            _ctx.AddSessionComment(item, Session(number, cost: number, commits: 2, input: 1_000 + number));
            expectedSessions.Add(GitHubFixtures.Id(number));
            if (number % 5 == 0)
            {
                _ctx.AddSessionComment(item, Session(1000 + number));
                expectedSessions.Add(GitHubFixtures.Id(1000 + number));
            }
            if (item.IsPullRequest)
            {
                item.AddWorkflowRun(created.AddMinutes(-30));                             // pushed before the PR was opened: not counted
                item.AddWorkflowRun(created.AddMinutes(5), "failure");
                item.AddWorkflowRun(created.AddMinutes(20));
                item.AddWorkflowRun(created.AddMinutes(40));
                item.AddWorkflowRun(created.AddMinutes(50), status: "in_progress");      // not completed: not counted
                item.AddWorkflowRun(created.AddMinutes(10), headRepository: "someone/widget"); // another fork's branch of the same name
            }
        }
        // Just outside the period: never read.
        _ctx.AddSessionComment(_ctx.AddPullRequest(900, From.AddSeconds(-1)), Session(900));
        _ctx.AddSessionComment(_ctx.AddPullRequest(901, To.AddSeconds(1)), Session(901));
        _ctx.Extras.SearchResultCap = 10;

        var (records, summary) = await _ctx.RunAsync(_ctx.Options(searchLimit: 10));

        Assert.Equal(expectedSessions, records.Select(r => r.SessionId)); // creation order, comment order
        Assert.Equal((20, 10, 30, 0, 0), (summary.PullRequestsFound, summary.IssuesFound, summary.ItemsRead, summary.ItemsFailed, summary.ItemsNotRead));
        Assert.Empty(_ctx.Diagnostics.Errors);
        Assert.Empty(_ctx.Diagnostics.Warnings);

        // The search was split: more than one query, and no query asked past the cap (GitHub answers 422 there).
        var searches = _ctx.Server.Requests.All.Where(r => r.Route == FakeGitHubExtractionRoutes.SearchIssues).ToList();
        Assert.True(searches.Count >= 4, $"{searches.Count} search requests");
        Assert.All(searches, s => Assert.Equal(200, s.Status));
        Assert.Equal(searches.Count, summary.SearchRequests);

        // A merged PR: fields from the comment's JSON and from GitHub.
        var merged = Assert.Single(records, r => r.PrNumber == 1);
        Assert.Equal(("pr", "PR number 1", "dev", "merged", "merged"), (merged.TargetType, merged.PrTitle, merged.PrAuthor, merged.PrStatus, merged.AcceptanceStatus));
        Assert.Equal((GitHubFixtures.Id(1), 1_001L, 2_002L, 1m, 2), (merged.SessionId, merged.TotalInputTokens, merged.TotalOutputTokens, merged.EstimatedCostUsd, merged.CommitsCount));
        Assert.Equal("0000000;0000001", merged.CommitShas);
        Assert.Equal("claude-opus-4-6", merged.ModelsUsed);
        Assert.Equal((101, 1, 1), (merged.LinesAdded, merged.LinesRemoved, merged.ReviewComments));
        Assert.Equal((3, 66.7m), (merged.CiRuns, merged.CiPassRate));
        Assert.Equal(5.00m, merged.TimeToMergeHours);
        Assert.Equal(From.AddHours(7), merged.PrCreatedAt);
        Assert.Equal(From.AddHours(12), merged.PrMergedAt);
        Assert.Equal(("octo-org/widget", Login), (merged.Repository, merged.CommentAuthor));
        Assert.Matches(@"/octo-org/widget/pull/1#issuecomment-\d+$", merged.CommentUrl);
        Assert.Same(summary, ExtractionNotes.SummaryOf(merged));

        var rejected = Assert.Single(records, r => r.PrNumber == 2);
        Assert.Equal(("closed", "closed", null), (rejected.PrStatus, rejected.AcceptanceStatus, rejected.TimeToMergeHours));
        var open = Assert.Single(records, r => r.PrNumber == 7);
        Assert.Equal(("open", 3), (open.PrStatus, open.CiRuns));

        var issue = Assert.Single(records, r => r.PrNumber == 3);
        Assert.Equal(("issue", "Issue number 3", "reporter", "closed", "completed"), (issue.TargetType, issue.PrTitle, issue.PrAuthor, issue.PrStatus, issue.AcceptanceStatus));
        Assert.Equal((null, null, null, null), (issue.LinesAdded, issue.CiRuns, issue.ReviewComments, issue.TimeToMergeHours));

        // The comments of all 29 items with comments came from one page of the repository's comment listing; then
        // details + CI for each PR with sessions, nothing for the issues and for PRs without session comments.
        Assert.Equal(1, _ctx.Server.Requests.Count(FakeGitHubExtractionRoutes.ListRepositoryComments));
        Assert.Equal(0, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments));
        Assert.Equal(1, summary.CommentListingRequests);
        var perItem = _ctx.RequestsPerItem();
        Assert.Equal(2, perItem[1]);
        Assert.All(perItem, p => Assert.Equal(2, p.Value));
        Assert.Equal(records.Where(r => r.TargetType == "pr").Select(r => r.PrNumber!.Value).Distinct().Order(), perItem.Keys.Order());
        Assert.Equal(2, summary.MaxRequestsPerItem);
        Assert.Equal(_ctx.Server.Requests.Count(), summary.Requests);
        Assert.Equal(summary.Requests - summary.SearchRequests - summary.CommentListingRequests, perItem.Values.Sum());
        Assert.True(summary.RequestsPerItemOverall < 2, $"{summary.RequestsPerItemOverall} requests per item in all");
        Assert.Contains(summary.Notes, n => n.StartsWith("Extracted from GitHub: 20 PRs and 10 issues created 2026-01-01 to 2026-02-15 in octo-org/widget; 27 with session comments.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GitHubs_real_cap_of_1000_results_is_split_around()
    {
        for (var i = 0; i < 1_100; i++) _ctx.AddPullRequest(i + 1, From.AddMinutes(55 * i)); // no comments: search only

        var (records, summary) = await _ctx.RunAsync(_ctx.Options());

        Assert.Empty(records);
        Assert.Equal(1_100, summary.PullRequestsFound);
        Assert.Equal(summary.Requests, summary.SearchRequests);
        var searches = _ctx.Server.Requests.All.Where(r => r.Route == FakeGitHubExtractionRoutes.SearchIssues).ToList();
        Assert.All(searches, s => Assert.Equal(200, s.Status));
        Assert.True(searches.Count >= 13, $"{searches.Count} {string.Join(" ", searches.Select(s => s.Query))}: the full range's first page, then at least 6 pages per half");
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, m => m.Contains("1100 results", StringComparison.Ordinal) && m.Contains("splitting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Comments_are_read_across_pages_unreadable_JSON_is_warned_and_untrusted_authors_are_left_out()
    {
        var pr = _ctx.AddPullRequest(1, From.AddDays(3), merged: true);
        long CommentAt(int index, Func<FakeComment> post)
        {
            while (_ctx.Repo.CommentsOn(1).Count < index) _ctx.Repo.AddComment(1, "reviewer", $"comment {_ctx.Repo.CommentsOn(1).Count}");
            return post().Id;
        }
        CommentAt(5, () => _ctx.AddSessionComment(pr, Session(1, cost: 2.5m)));
        var broken = CommentAt(120, () => _ctx.AddSessionComment(pr, Session(2), tamper: BreakJson));
        var spoof = CommentAt(150, () => _ctx.AddSessionComment(pr, Session(1, cost: 999m), author: Spoofer));
        CommentAt(200, () => _ctx.AddSessionComment(pr, Session(3)));
        var intruder = CommentAt(210, () => _ctx.AddSessionComment(pr, Session(4), author: Spoofer));
        CommentAt(230, () => _ctx.Repo.AddComment(1, "reviewer", "last"));

        var (records, summary) = await _ctx.RunAsync(_ctx.Options(trusted: [Login]));

        Assert.Equal([GitHubFixtures.Id(1), GitHubFixtures.Id(3)], records.Select(r => r.SessionId));
        Assert.Equal(2.5m, records[0].EstimatedCostUsd);
        Assert.All(records, r => Assert.Equal(Login, r.CommentAuthor));
        Assert.Equal(3, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments)); // 231 comments: three pages of 100

        Assert.Equal(3, _ctx.Diagnostics.Warnings.Count);
        var unreadable = Assert.Single(_ctx.Diagnostics.Warnings, w => w.StartsWith("Skipped", StringComparison.Ordinal));
        Assert.Contains($"comment {broken} on PR #1 in octo-org/widget", unreadable);
        Assert.Contains($"#issuecomment-{broken}", unreadable);
        Assert.Contains("not readable", unreadable);
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains($"comment {spoof} on PR #1", StringComparison.Ordinal) && w.Contains("'mallory' is not one of the trusted authors (octo)", StringComparison.Ordinal));
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains($"comment {intruder} on PR #1", StringComparison.Ordinal));
        Assert.Empty(_ctx.Diagnostics.Errors);

        Assert.Equal((3, 1, 2, 0), (summary.LeftOutComments, summary.UnreadableComments, summary.UntrustedComments, summary.DuplicateComments));
        Assert.Equal([(broken, LeftOutReason.UnreadableJson), (spoof, LeftOutReason.UntrustedAuthor), (intruder, LeftOutReason.UntrustedAuthor)],
            summary.LeftOut.OrderBy(c => c.CommentId).Select(c => (c.CommentId, c.Reason)));
        Assert.Contains("Only session comments by octo were counted (-TrustedAuthor).", summary.Notes);
        Assert.Contains($"3 session comments were left out: 1 whose session JSON could not be read (octo-org/widget#1 comment {broken}); 2 by authors not trusted (mallory: 2).", summary.Notes);
    }

    [Fact]
    public async Task Without_trusted_authors_the_reader_and_the_repositorys_people_count_and_a_forged_copy_does_not()
    {
        var pr = _ctx.AddPullRequest(1, From.AddDays(3));
        _ctx.AddSessionComment(pr, Session(1, cost: 2.5m));
        var spoof = _ctx.AddSessionComment(pr, Session(1, cost: 999m), author: Spoofer);
        _ctx.Repo.AddCollaborator("carol");
        var copy = _ctx.AddSessionComment(pr, Session(1, cost: 2.5m), author: "carol");
        _ctx.AddSessionComment(pr, Session(2, cost: 1m), author: "carol");

        var (records, summary) = await _ctx.RunAsync(_ctx.Options());

        Assert.Equal([(2.5m, Login), (1m, "carol")], records.Select(r => (r.EstimatedCostUsd, r.CommentAuthor)));
        Assert.Equal((1, 1), (summary.UntrustedComments, summary.DuplicateComments));
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains($"comment {spoof.Id}", StringComparison.Ordinal) && w.Contains("NONE", StringComparison.Ordinal));
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains($"comment {copy.Id}", StringComparison.Ordinal) && w.Contains("fuller or as full and older", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Comments_by_the_reading_account_count_even_without_an_association_and_cost_one_GET_user()
    {
        var pr = _ctx.AddPullRequest(1, From.AddDays(3));
        _ctx.AddSessionComment(pr, Session(1, cost: 2.5m), author: Spoofer); // mallory reads with her own token
        var api = new GitHubApi(new GitHubApiSettings
        {
            ApiUrl = new Uri(_ctx.Server.BaseUrl), Token = new GitHubToken("ghp_mallory0123456789abcdefABCDEFxyz", "-Token"), Diagnostics = _ctx.Diagnostics,
        });

        var (records, _) = await _ctx.RunAsync(_ctx.Options(), api);

        Assert.Equal(Spoofer, Assert.Single(records).CommentAuthor);
        Assert.Equal(1, _ctx.Server.Requests.Count(FakeGitHubRoutes.GetAuthenticatedUser));
    }

    [Fact]
    public async Task Comments_claiming_nine_quintillion_tokens_are_left_out_and_the_rest_exports()
    {
        var pr = _ctx.AddPullRequest(1, From.AddDays(3));
        _ctx.AddSessionComment(pr, Session(1, cost: 2m));
        foreach (var n in new[] { 2, 3 })
            _ctx.AddSessionComment(pr, Session(n), tamper: body => body.Replace("\"input\": 1000,", "\"input\": 9200000000000000000,", StringComparison.Ordinal));

        var (records, summary) = await _ctx.RunAsync(_ctx.Options());

        Assert.Equal(2m, Assert.Single(records).EstimatedCostUsd);
        Assert.Equal(2, summary.UnreadableComments);
        var files = Core.Export.AnalyticsExport.Render(records, Core.Export.AnalyticsFormats.All);
        Assert.Equal(3, files.Count);
    }

    [Fact]
    public async Task A_comment_listing_longer_than_reading_item_by_item_is_abandoned_after_its_first_page()
    {
        var prs = Enumerable.Range(1, 4).Select(n => _ctx.AddPullRequest(n, From.AddDays(n))).ToList();
        var old = _ctx.AddPullRequest(100, From.AddDays(-30)); // before the period, but busy since it began
        _ctx.AddSessionComment(prs[0], Session(1));
        for (var i = 0; i < 450; i++) _ctx.Repo.AddComment(old.Number, "reviewer", $"still discussing {i}");
        foreach (var pr in prs.Skip(1)) _ctx.AddSessionComment(pr, Session(pr.Number));

        var (records, summary) = await _ctx.RunAsync(_ctx.Options());

        Assert.Equal([1, 2, 3, 4], records.Select(r => r.PrNumber!.Value));
        Assert.Equal(1, _ctx.Server.Requests.Count(FakeGitHubExtractionRoutes.ListRepositoryComments));
        // PR #1's comment was on the first page; the others were read one by one: 4 comment requests, as many as without the listing.
        Assert.Equal(["/repos/octo-org/widget/issues/2/comments", "/repos/octo-org/widget/issues/3/comments", "/repos/octo-org/widget/issues/4/comments"],
            _ctx.Server.Requests.All.Where(r => r.Route == FakeGitHubRoutes.ListIssueComments).Select(r => r.Path).Order());
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, m => m.Contains("has 5 pages, no fewer than the 4 requests", StringComparison.Ordinal));
        Assert.Equal(1, summary.CommentListingRequests);
    }

    [Fact]
    public async Task A_comment_listing_whose_next_link_repeats_ends_with_a_warning_and_counts_each_comment_once()
    {
        for (var n = 1; n <= 3; n++) _ctx.AddSessionComment(_ctx.AddPullRequest(n, From.AddDays(n)), Session(n));
        _ctx.Server.Faults.Enqueue(FakeGitHubExtractionRoutes.ListRepositoryComments, FakeFault.EndlessNextLink(), times: 50);

        var (records, _) = await _ctx.RunAsync(_ctx.Options());

        // The first page by its relative path, the same page again by its absolute next link, then the repeat is seen.
        Assert.Equal(2, _ctx.Server.Requests.Count(FakeGitHubExtractionRoutes.ListRepositoryComments));
        Assert.Equal([1, 2, 3], records.Select(r => r.PrNumber!.Value)); // one record per session, not two
        Assert.Equal(0, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments)); // every item's comments were complete
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.StartsWith("Stopped reading the comment listing of octo-org/widget after 2 pages: the server's next-page links repeat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_rate_limit_runs_out_the_extraction_stops_with_a_clear_error_and_keeps_the_records_read()
    {
        for (var n = 1; n <= 10; n++) _ctx.AddSessionComment(_ctx.AddPullRequest(n, From.AddDays(n)), Session(n));
        _ctx.Server.Store.SetRateLimitRemaining(Login, 1 + 1 + 2 * 4); // the search, the comment listing, then four PRs of two requests

        var (records, summary) = await _ctx.RunAsync(_ctx.Options(throttle: 1));

        // PR #5's comments came with the listing: its sessions are kept, without the figures its details would have given.
        Assert.Equal([1, 2, 3, 4, 5], records.Select(r => r.PrNumber!.Value));
        Assert.All(records.Take(4), r => Assert.Equal((0, 10), (r.CiRuns, r.LinesAdded)));
        Assert.Equal(("PR number 5", null, null), (records[4].PrTitle, records[4].CiRuns, records[4].LinesAdded));
        var error = Assert.Single(_ctx.Diagnostics.Errors);
        Assert.Equal((GitHubErrors.RateLimitExceeded, ErrorKind.LimitsExceeded), (error.ErrorId, error.Kind));
        var reset = _ctx.Server.Store.RateLimit(Login).Reset;
        Assert.Contains($"resets at {GitHubErrors.Time(reset)}", error.Message);
        Assert.Contains("while reading PR #5 in octo-org/widget", error.Message);
        Assert.Contains("5 of 10 PRs/issues were read and their 5 session records are kept; 5 were not read", error.Message);
        Assert.Contains("cache", error.RecommendedAction);
        Assert.True(summary.Stopped);
        Assert.Equal((5, 5), (summary.ItemsRead, summary.ItemsNotRead));
        Assert.Contains(summary.Notes, n => n.StartsWith("The extraction stopped early (GitHub's rate limit is used up", StringComparison.Ordinal) && n.EndsWith("5 of 10 PRs/issues were not read.", StringComparison.Ordinal));
        Assert.Contains("1 PR lacks some GitHub figures (CI runs, lines, review comments) because a request failed: octo-org/widget#5 (GitHubRateLimitExceeded).", summary.Notes);
        Assert.Empty(_ctx.Waits); // the reset is an hour away: longer than the wait allowed
        Assert.Equal(1, _ctx.Server.Requests.All.Count(r => r.Status == 403)); // it stopped asking
    }

    [Fact]
    public async Task A_short_wait_for_the_rate_limit_reset_is_waited_for_and_the_extraction_completes()
    {
        for (var n = 1; n <= 4; n++) _ctx.AddSessionComment(_ctx.AddPullRequest(n, From.AddDays(n)), Session(n));
        _ctx.Server.Store.SetRateLimitRemaining(Login, 5);
        _ctx.OnWait = _ => _ctx.Server.Store.SetRateLimitRemaining(Login, 5000); // the reset arrives while waiting

        var (records, summary) = await _ctx.RunAsync(_ctx.Options(throttle: 1), _ctx.Api(maxWait: TimeSpan.FromHours(2)));

        Assert.Equal(4, records.Count);
        Assert.False(summary.Stopped);
        var wait = Assert.Single(_ctx.Waits);
        Assert.InRange(wait, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Empty(_ctx.Diagnostics.Errors);
    }

    [Fact]
    public async Task A_server_error_on_one_PR_is_reported_and_the_others_are_still_extracted()
    {
        for (var n = 1; n <= 6; n++)
        {
            var pr = _ctx.AddPullRequest(n, From.AddDays(n));
            _ctx.AddSessionComment(pr, Session(n));
            pr.AddWorkflowRun(pr.CreatedAt.AddMinutes(1));
        }
        _ctx.Extras.FailPath("/repos/octo-org/widget/issues/comments", FakeFault.ServerError(), times: 4); // the listing fails: items one by one
        _ctx.Extras.FailPath("/repos/octo-org/widget/issues/3/comments", FakeFault.ServerError(), times: 10);
        _ctx.Extras.FailPath("/repos/octo-org/widget/pulls/5", FakeFault.ServerError(502), times: 10);

        var (records, summary) = await _ctx.RunAsync(_ctx.Options());

        Assert.Equal([1, 2, 4, 5, 6], records.Select(r => r.PrNumber!.Value));
        var kept = Assert.Single(records, r => r.PrNumber == 5);
        Assert.Equal(("PR number 5", "open", null, null, null), (kept.PrTitle, kept.PrStatus, kept.LinesAdded, kept.CiRuns, kept.ReviewComments));
        Assert.Equal(1, records.Single(r => r.PrNumber == 4).CiRuns);

        Assert.Equal(2, _ctx.Diagnostics.Errors.Count);
        var lost = Assert.Single(_ctx.Diagnostics.Errors, e => Equals(e.Target, "octo-org/widget#3"));
        Assert.Equal((GitHubErrors.ServerError, ErrorKind.ResourceUnavailable), (lost.ErrorId, lost.Kind));
        Assert.Contains("#3 in octo-org/widget", lost.Message);
        Assert.Contains("The session comments of PR #3 in octo-org/widget are missing", lost.Message);
        var incomplete = Assert.Single(_ctx.Diagnostics.Errors, e => Equals(e.Target, "octo-org/widget#5"));
        Assert.Contains("PR #5", incomplete.Message);
        Assert.Contains("kept without the figures", incomplete.Message);

        Assert.Equal((6, 5, 1), (summary.PullRequestsFound, summary.ItemsRead, summary.ItemsFailed));
        Assert.Contains("1 PR/issue could not be read and is missing: octo-org/widget#3 (GitHubServerError).", summary.Notes);
        Assert.Contains("1 PR lacks some GitHub figures (CI runs, lines, review comments) because a request failed: octo-org/widget#5 (GitHubServerError).", summary.Notes);
        Assert.Equal(4, _ctx.Server.Requests.All.Count(r => r.Path == "/repos/octo-org/widget/issues/3/comments")); // bounded retries
        Assert.Equal(4, _ctx.Server.Requests.Count(FakeGitHubExtractionRoutes.ListRepositoryComments));
        Assert.Equal(5 + 4, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments)); // the five others once, #3 four times
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, m => m.StartsWith("The comment listing of octo-org/widget failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_run_of_the_same_range_is_revalidated_from_the_cache_and_costs_no_rate_limit()
    {
        for (var n = 1; n <= 15; n++)
        {
            var item = n % 5 == 0 ? _ctx.AddIssue(n, From.AddDays(n)) : _ctx.AddPullRequest(n, From.AddDays(n), merged: n % 2 == 0);
            _ctx.AddSessionComment(item, Session(n));
            if (item.IsPullRequest) item.AddWorkflowRun(item.CreatedAt.AddMinutes(3));
        }

        var (first, firstSummary) = await _ctx.RunAsync(_ctx.Options());
        var usedAfterFirst = _ctx.RateLimitUsed;
        Assert.Equal(0, firstSummary.RevalidatedRequests);
        Assert.Equal(1 + 1 + 12 * 2, firstSummary.Requests); // search, comment listing, details + CI per PR
        Assert.True(firstSummary.MaxRequestsPerItem <= 3);

        var (second, secondSummary) = await _ctx.RunAsync(_ctx.Options());

        Assert.Equal(first, second); // the same records, field by field
        Assert.Equal(firstSummary.Requests, secondSummary.Requests);
        Assert.True(secondSummary.RevalidatedShare >= 90m, $"{secondSummary.RevalidatedShare}% revalidated");
        Assert.Equal(secondSummary.Requests, secondSummary.RevalidatedRequests);
        Assert.All(_ctx.Server.Requests.All, r => Assert.Equal(304, r.Status));
        Assert.Equal(usedAfterFirst, _ctx.RateLimitUsed); // 304s are free
        Assert.NotEmpty(Directory.EnumerateFiles(_ctx.CacheDirectory, "*.json", SearchOption.AllDirectories));

        // A change between runs is seen: only what changed is downloaded again and counted.
        _ctx.AddSessionComment(_ctx.Repo.FindIssue(2)!, Session(102));
        var (third, thirdSummary) = await _ctx.RunAsync(_ctx.Options());
        Assert.Contains(third, r => r.SessionId == GitHubFixtures.Id(102) && r.PrNumber == 2);
        Assert.Equal(first.Count + 1, third.Count);
        var downloaded = _ctx.Server.Requests.All.Count(r => r.Status == 200);
        Assert.InRange(downloaded, 1, 3); // the search page and the comment listing (a new comment), PR #2 (its comment count changed)
        Assert.Equal(usedAfterFirst + downloaded, _ctx.RateLimitUsed);
        Assert.Equal(thirdSummary.Requests - downloaded, thirdSummary.RevalidatedRequests);
    }

    [Fact]
    public async Task The_cache_keeps_no_token_and_is_private_to_the_user()
    {
        _ctx.AddSessionComment(_ctx.AddPullRequest(1, From.AddDays(1)), Session(1));

        await _ctx.RunAsync(_ctx.Options());

        var files = Directory.EnumerateFiles(_ctx.CacheDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Equal(4, files.Count); // search, comments, PR, runs
        Assert.All(files, f => Assert.DoesNotContain(Token, File.ReadAllText(f)));
        Assert.All(files, f => Assert.DoesNotContain("Authorization", File.ReadAllText(f), StringComparison.OrdinalIgnoreCase));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_ctx.CacheDirectory));
    }

    [Fact]
    public async Task Only_pull_requests_are_searched_and_read_when_asked()
    {
        _ctx.AddSessionComment(_ctx.AddPullRequest(1, From.AddDays(1)), Session(1));
        _ctx.AddSessionComment(_ctx.AddIssue(2, From.AddDays(2)), Session(2));

        var (records, summary) = await _ctx.RunAsync(_ctx.Options(ExtractionTargets.PullRequests));

        Assert.Equal([1], records.Select(r => r.PrNumber!.Value));
        Assert.Equal((1, 0), (summary.PullRequestsFound, summary.IssuesFound));
        var search = Assert.Single(_ctx.Server.Requests.All, r => r.Route == FakeGitHubExtractionRoutes.SearchIssues);
        Assert.Contains("is%3Apr", search.Query);
        // One PR with one comment: reading it alone is as cheap as the listing, so item by item: comments, details, CI.
        Assert.Equal(new Dictionary<int, int> { [1] = 3 }, _ctx.RequestsPerItem());
        Assert.Equal(0, summary.CommentListingRequests);
        Assert.Equal(1 + 3, summary.Requests);
    }

    [Fact]
    public async Task Records_come_out_in_the_same_order_whatever_the_parallelism()
    {
        for (var n = 1; n <= 12; n++)
        {
            var pr = _ctx.AddPullRequest(n, From.AddDays(13 - n)); // newest number first
            _ctx.AddSessionComment(pr, Session(n));
            _ctx.AddSessionComment(pr, Session(100 + n));
        }
        var (serial, _) = await _ctx.RunAsync(_ctx.Options(throttle: 1), _ctx.Api(cache: false));
        var (parallel, _) = await _ctx.RunAsync(_ctx.Options(throttle: 8), _ctx.Api(cache: false));

        Assert.Equal(serial, parallel);
        Assert.Equal(Enumerable.Range(1, 12).Reverse().ToList(), serial.Select(r => r.PrNumber!.Value).Distinct());
    }

    [Fact]
    public void CI_counts_completed_runs_of_the_head_branch_while_the_PR_was_open()
    {
        var created = From.AddDays(1);
        var pr = new GitHubPullRequestDetails(7, "t", "dev", "merged", true, created, created.AddHours(5), created.AddHours(5), 1, 1, 0, 3,
            "fix/x", "abc", "octo-org/widget");
        GitHubWorkflowRun Run(double hours, string status = "completed", string? conclusion = "success", string repo = "octo-org/widget") =>
            new(1, "CI", "fix/x", "abc", repo, "pull_request", status, conclusion, created.AddHours(hours));

        var (runs, rate) = SessionAnalyticsExtractor.Ci(pr, [
            Run(-1),                          // before the PR
            Run(0),                           // at creation
            Run(1, conclusion: "failure"),
            Run(2, conclusion: "cancelled"),
            Run(3, status: "in_progress", conclusion: null),
            Run(4, repo: "fork/widget"),      // another repository's branch of that name
            Run(5),                           // at the merge
            Run(6),                           // after the merge
        ]);

        Assert.Equal((4, 50.0m), (runs, rate));
        Assert.Equal((0, (decimal?)null), SessionAnalyticsExtractor.Ci(pr, []));
    }

    [Theory]
    [InlineData("/xdg", "/home/u", "/xdg/SessionAnalytics/github")]
    [InlineData("relative/xdg", "/home/u", "/home/u/.cache/SessionAnalytics/github")]
    [InlineData(null, "/home/u", "/home/u/.cache/SessionAnalytics/github")]
    public void The_default_cache_folder_follows_XDG_then_the_home_folder(string? xdg, string home, string expected)
    {
        if (OperatingSystem.IsWindows()) return; // %LOCALAPPDATA% there
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = xdg, ["HOME"] = home };
        Assert.Equal(expected, GitHubResponseCache.DefaultDirectory(name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public async Task A_period_that_ends_before_it_starts_is_refused()
    {
        var options = new ExtractionOptions { Repositories = [_ctx.Repository], From = To, To = From };

        using var api = _ctx.Api();
        var e = Assert.Throws<EngineException>(() => new SessionAnalyticsExtractor(api, options));

        Assert.Equal((SessionAnalyticsExtractor.PeriodInvalidErrorId, ErrorKind.InvalidArgument), (e.Error.ErrorId, e.Error.Kind));
        await Task.CompletedTask;
    }
}
