using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.GitHub;
using static SessionAnalytics.Tests.Extraction.ExtractionTestContext;

namespace SessionAnalytics.Tests.Extraction;

/// <summary>
/// Extraction across repositories against the fake GitHub: an organization (org: search), wildcard selection through
/// the repository listing (paged), and incremental re-runs that read only what changed (requests counted on the wire).
/// </summary>
public sealed class OrganizationExtractionTests : IAsyncLifetime
{
    private ExtractionTestContext _ctx = null!;
    private readonly Dictionary<string, FakeRepository> _repos = new(StringComparer.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        _ctx = await ExtractionTestContext.StartAsync();
        _ctx.Extras.AddOrganization("octo-org");
        _repos["octo-org/widget"] = _ctx.Repo;
        foreach (var name in new[] { "billing-service", "auth-service", "docs" }) _repos["octo-org/" + name] = _ctx.Server.Store.AddRepository("octo-org", name);
        _repos["octo-org/vault-service"] = _ctx.Server.Store.AddRepository("octo-org", "vault-service", isPrivate: true);
        _repos["someone/widget-service"] = _ctx.Server.Store.AddRepository("someone", "widget-service");
        // PR #1 exists in three repositories: the same number stays three PRs.
        var day = 1;
        foreach (var (name, repo) in _repos.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            for (var n = 1; n <= 3; n++)
            {
                var pr = repo.AddPullRequest($"feature/{n}", n, n == 3 ? "open" : "closed", merged: n != 3, author: "dev", title: $"{repo.Name} change {n}");
                pr.CreatedAt = From.AddDays(day++);
                if (pr.Merged) pr.Facts().MergedAt = pr.CreatedAt.AddHours(3);
                pr.AddWorkflowRun(pr.CreatedAt.AddMinutes(5));
                repo.AddComment(n, Login, Render(pr, Session(100 * day + n, cost: n)));
            }
        }
    }

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static string Render(FakeIssue target, Core.Stats.SessionStats stats) =>
        Core.Comments.SessionCommentRenderer.Render(stats, [], new Core.Comments.SessionCommentOptions { TargetType = "pr", TargetNumber = target.Number });

    private ExtractionOptions Options(IReadOnlyList<RepositoryRef>? repositories = null, IReadOnlyList<string>? organizations = null, bool state = true,
        DateTimeOffset? from = null, IReadOnlyCollection<string>? trusted = null) => new()
    {
        Repositories = repositories ?? [],
        Organizations = organizations ?? [],
        From = from ?? From,
        To = To,
        ThrottleLimit = 4,
        TrustedAuthors = trusted,
        State = state ? new ExtractionStateStore(ExtractionStateStore.ForCache(_ctx.CacheDirectory)) : null,
        // The fake's timestamps follow its own clock, not this machine's.
        Clock = () => _ctx.Server.Store.Tick(),
    };

    private IEnumerable<FakeRequest> Searches => _ctx.Server.Requests.All.Where(r => r.Route == FakeGitHubExtractionRoutes.SearchIssues);

    [Fact]
    public async Task An_organization_is_one_search_and_every_record_carries_its_repository()
    {
        var (records, summary) = await _ctx.RunAsync(Options(organizations: ["octo-org"], state: false));

        // Every repository of the organization the token sees (the private one too), none of someone else's.
        Assert.Equal(15, records.Count);
        Assert.Equal(["octo-org/auth-service", "octo-org/billing-service", "octo-org/docs", "octo-org/vault-service", "octo-org/widget"],
            records.Select(r => r.Repository!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(5, records.Count(r => r.PrNumber == 1)); // the same number in five repositories: five PRs
        Assert.All(records, r => Assert.StartsWith(r.Repository!.Split('/')[1] + " change", r.PrTitle));
        var search = Assert.Single(Searches);
        Assert.Contains("org%3Aocto-org", search.Query);
        Assert.Equal(1, summary.SearchRequests);
        Assert.Contains("organization octo-org", summary.Repository);

        // The report keeps the repositories apart.
        var report = AnalyticsSummary.Create(records);
        Assert.Equal(15, report.PullRequestCount);
        Assert.Contains(report.Targets, t => t.Label == "octo-org/docs PR #1");
    }

    [Fact]
    public async Task A_wildcard_lists_the_owners_repositories_page_by_page_and_keeps_the_matching_ones()
    {
        for (var i = 0; i < 120; i++) _ctx.Server.Store.AddRepository("octo-org", $"tool-{i:000}"); // 125 in all: two pages of 100
        using var api = _ctx.Api();
        _ctx.Server.Requests.Clear();

        var selected = await RepositorySelection.ResolveAsync(api,
        [
            new RepositoryPattern("octo-org", "octo-org/*-SERVICE", n => n.EndsWith("-service", StringComparison.OrdinalIgnoreCase)),
            new RepositoryRef("octo-org", "widget"),
            new RepositoryPattern("octo-org", "octo-org/auth-*", n => n.StartsWith("auth-", StringComparison.OrdinalIgnoreCase)), // listed once, matched again
            new RepositoryPattern("someone", "someone/*", _ => true), // a user, not an organization
        ]);

        Assert.Equal(["octo-org/auth-service", "octo-org/billing-service", "octo-org/vault-service", "octo-org/widget", "someone/widget-service"], selected.Select(r => r.FullName));
        var listings = _ctx.Server.Requests.All.Where(r => r.Status == 200).Select(r => r.Route).ToList();
        Assert.Equal(2, listings.Count(r => r == FakeGitHubExtractionRoutes.ListOrganizationRepositories)); // 125 repositories: two pages
        Assert.Equal(1, listings.Count(r => r == FakeGitHubExtractionRoutes.ListUserRepositories));       // after the 404 of /orgs/someone/repos
        Assert.Contains(_ctx.Server.Requests.All, r => r.Path == "/orgs/someone/repos" && r.Status == 404);

        var none = await RepositorySelection.ResolveAsync(api, [new RepositoryPattern("octo-org", "octo-org/nothing-*", n => n.StartsWith("nothing-", StringComparison.Ordinal))]);
        Assert.Empty(none);
        Assert.Contains(_ctx.Diagnostics.Errors, e => e.ErrorId == RepositorySelection.NoMatchErrorId && e.Message.Contains("octo-org/nothing-*", StringComparison.Ordinal));

        // The selection then extracts every matching repository, each searched on its own (a CI shard each).
        var (records, summary) = await _ctx.RunAsync(Options(repositories: selected, state: false));
        Assert.Equal(15, records.Count);
        Assert.Equal(5, summary.SearchRequests);
    }

    [Fact]
    public async Task An_unchanged_organization_costs_one_listing_and_one_search_and_a_change_is_read_alone()
    {
        var (first, firstSummary) = await _ctx.RunAsync(Options(organizations: ["octo-org"]));
        Assert.Equal(15, first.Count);
        Assert.Equal(0, firstSummary.ItemsUnchanged);

        // Nothing changed: the repository listing (which repositories the token still sees), one search for what
        // changed since, and the CI runs of the open PRs with sessions (their CI can change without touching them).
        var (second, secondSummary) = await _ctx.RunAsync(Options(organizations: ["octo-org"]));
        Assert.Equal(first.Select(Comparable), second.Select(Comparable));
        Assert.Equal((15, 15), (secondSummary.ItemsRead, secondSummary.ItemsUnchanged));
        var routes = _ctx.Server.Requests.All.Select(r => r.Route).ToList();
        Assert.Equal(1, routes.Count(r => r == FakeGitHubExtractionRoutes.ListOrganizationRepositories));
        Assert.Equal(1, routes.Count(r => r == FakeGitHubExtractionRoutes.SearchIssues));
        Assert.Equal(5, routes.Count(r => r == FakeGitHubExtractionRoutes.ListWorkflowRuns)); // one open PR per repository
        Assert.Equal(7, secondSummary.Requests);
        Assert.Equal(0, routes.Count(r => r is FakeGitHubRoutes.ListIssueComments or FakeGitHubRoutes.GetPullRequest or FakeGitHubExtractionRoutes.ListRepositoryComments));
        Assert.Contains("updated%3A%3E%3D", Assert.Single(Searches).Query);
        Assert.Contains(secondSummary.Notes, n => n.StartsWith("15 of them had not changed", StringComparison.Ordinal));

        // A new session comment on one merged PR: only that PR is read again.
        var docs = _repos["octo-org/docs"];
        var changed = docs.FindIssue(2)!;
        docs.AddComment(2, Login, Render(changed, Session(9_999, cost: 7m)));
        var (third, thirdSummary) = await _ctx.RunAsync(Options(organizations: ["octo-org"]));
        Assert.Equal(16, third.Count);
        Assert.Contains(third, r => r.SessionId == GitHubFixtures.Id(9_999) && r.Repository == "octo-org/docs" && r.PrNumber == 2 && r.CiRuns == 1);
        Assert.Equal(14, thirdSummary.ItemsUnchanged);
        var perItem = _ctx.Server.Requests.All.Where(r => r.Path.StartsWith("/repos/octo-org/docs/", StringComparison.Ordinal)).Select(r => r.Path).ToList();
        Assert.Contains("/repos/octo-org/docs/pulls/2", perItem);
        Assert.DoesNotContain("/repos/octo-org/docs/pulls/1", perItem);
        Assert.Equal(15, thirdSummary.ItemsRead);
        Assert.True(thirdSummary.Requests <= 7 + 3, $"{thirdSummary.Requests} requests");
    }

    [Fact]
    public async Task A_new_range_searches_everything_but_reads_only_items_it_has_not_seen_and_a_trust_change_reads_afresh()
    {
        var later = From.AddDays(8);
        await _ctx.RunAsync(Options(repositories: [new RepositoryRef("octo-org", "widget")], from: later));
        // The whole range is new to the state: a full search, but the PR read before is not read again.
        var (records, summary) = await _ctx.RunAsync(Options(repositories: [new RepositoryRef("octo-org", "widget")]));
        Assert.Equal(3, records.Count);
        Assert.DoesNotContain("updated", Assert.Single(Searches).Query, StringComparison.Ordinal);
        Assert.Equal(summary.PullRequestsFound - summary.ItemsUnchanged, _ctx.Server.Requests.All.Count(r => r.Route == FakeGitHubRoutes.GetPullRequest));
        Assert.True(summary.ItemsUnchanged >= 1);

        // Another trust rule is another state: everything is read.
        var (trusted, trustedSummary) = await _ctx.RunAsync(Options(repositories: [new RepositoryRef("octo-org", "widget")], trusted: [Login]));
        Assert.Equal(3, trusted.Count);
        Assert.Equal(0, trustedSummary.ItemsUnchanged);
    }

    [Fact]
    public async Task A_run_stopped_by_the_rate_limit_is_resumed_by_the_next_one_which_reads_only_the_rest()
    {
        _ctx.Server.Store.SetRateLimitRemaining(Login, 1 + 5 + 2 * 6); // the search, five comment listings, six PRs
        var (partial, stopped) = await _ctx.RunAsync(Options(organizations: ["octo-org"]));
        Assert.True(stopped.Stopped);
        Assert.InRange(stopped.ItemsRead, 1, 14);
        _ctx.Server.Store.SetRateLimitRemaining(Login, 5000);

        var (records, resumed) = await _ctx.RunAsync(Options(organizations: ["octo-org"]));
        Assert.False(resumed.Stopped);
        Assert.Equal(15, records.Count);
        Assert.DoesNotContain("updated", Assert.Single(Searches).Query, StringComparison.Ordinal); // the range was not searched to the end: in full again
        // What the stopped run read whole is not read again; a PR whose details the limit cut off is read again.
        var whole = stopped.ItemsRead - stopped.Problems.Count(p => p.RecordsKept);
        Assert.True(whole > 0);
        Assert.Equal(whole, resumed.ItemsUnchanged);
        Assert.Equal(15 - whole, _ctx.Server.Requests.All.Count(r => r.Route == FakeGitHubRoutes.GetPullRequest));
        Assert.Subset(records.Select(r => r.SessionId).ToHashSet(), partial.Select(r => r.SessionId).ToHashSet());
    }

    [Fact]
    public async Task Remembered_records_of_a_repository_the_token_no_longer_sees_are_not_given()
    {
        await _ctx.RunAsync(Options(organizations: ["octo-org"]));
        var store = new ExtractionStateStore(ExtractionStateStore.ForCache(_ctx.CacheDirectory));
        var files = Directory.GetFiles(store.Directory, "*.json");
        Assert.Single(files);
        Assert.DoesNotContain(Token, File.ReadAllText(files[0]));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Directory));

        // The same state read anonymously: the private repository is not listed, so its records stay out.
        var anonymous = new GitHubApi(new GitHubApiSettings
        {
            ApiUrl = new Uri(_ctx.Server.BaseUrl), Diagnostics = _ctx.Diagnostics, ResponseCache = new GitHubResponseCache(_ctx.CacheDirectory),
            RequestCounter = new GitHubRequestCounter(),
        });
        var (records, _) = await _ctx.RunAsync(Options(organizations: ["octo-org"]), anonymous);
        Assert.DoesNotContain(records, r => r.Repository == "octo-org/vault-service");
        Assert.Equal(12, records.Count);
    }

    /// <summary>Records from a fresh read and from the state compare equal field by field (notes aside).</summary>
    private static SessionAnalyticsRecord Comparable(SessionAnalyticsRecord r) => r with { };
}
