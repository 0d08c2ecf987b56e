using System.Collections.Concurrent;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.GitHub;

namespace SessionAnalytics.Tests.Extraction;

/// <summary>
/// A fake GitHub with repository octo-org/widget, the publisher "octo" (whose token the extraction uses) and a
/// spoofer "mallory"; helpers to seed PRs and issues with session comments, GitHub figures and CI runs; and a
/// private cache folder. Retries and rate-limit waits take no real time: the waits asked for are recorded.
/// </summary>
public sealed class ExtractionTestContext : IAsyncDisposable
{
    public const string Token = "ghp_extractTOKEN0123456789abcdefABCDEF";
    public const string Login = "octo";
    public const string Spoofer = "mallory";
    public static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset To = new(2026, 2, 15, 23, 59, 59, TimeSpan.Zero);

    private ExtractionTestContext(FakeGitHubServer server)
    {
        Server = server;
        Server.Store.AddUser(Login, Token);
        Server.Store.AddUser(Spoofer, "ghp_mallory0123456789abcdefABCDEFxyz");
        Repo = Server.Store.AddRepository("octo-org", "widget");
        // The publisher belongs to the organization: its comments count by their author_association alone.
        Server.Store.AddOrganizationMember("octo-org", Login);
        CacheDirectory = Path.Combine(Path.GetTempPath(), "sa-extract-" + Guid.NewGuid().ToString("N"));
    }

    public FakeGitHubServer Server { get; }
    public FakeGitHubExtras Extras => Server.Extras();
    public FakeRepository Repo { get; }
    public RepositoryRef Repository => new("octo-org", "widget");
    public string CacheDirectory { get; }
    public CollectingDiagnostics Diagnostics { get; private set; } = new();
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    /// <summary>Called instead of waiting (e.g. to let the fake's rate limit "reset").</summary>
    public Action<TimeSpan>? OnWait { get; set; }

    public static async Task<ExtractionTestContext> StartAsync() => new(await FakeGitHubServer.StartAsync(FakeGitHubExtractionRoutes.Map));

    public int RateLimitUsed => Server.Store.RateLimit(Login).Used;

    public GitHubApi Api(bool cache = true, TimeSpan? maxWait = null) => new(new GitHubApiSettings
    {
        ApiUrl = new Uri(Server.BaseUrl),
        Token = new GitHubToken(Token, "-Token"),
        Diagnostics = Diagnostics,
        RetryPolicy = new GitHubRetryPolicy
        {
            MaxDelay = maxWait ?? TimeSpan.FromSeconds(60),
            Delay = (delay, _) =>
            {
                Waits.Enqueue(delay);
                OnWait?.Invoke(delay);
                return Task.CompletedTask;
            },
        },
        ResponseCache = cache ? new GitHubResponseCache(CacheDirectory, Diagnostics) : null,
        RequestCounter = new GitHubRequestCounter(),
    });

    public ExtractionOptions Options(ExtractionTargets targets = ExtractionTargets.All, IReadOnlyCollection<string>? trusted = null,
        int throttle = 4, int? searchLimit = null) => new()
    {
        Repositories = [Repository],
        From = From,
        To = To,
        Targets = targets,
        TrustedAuthors = trusted,
        ThrottleLimit = throttle,
        SearchResultLimit = searchLimit ?? ExtractionOptions.GitHubSearchResultLimit,
    };

    /// <summary>Runs one extraction with fresh diagnostics (the fake's request log cleared first), then disposes the client.</summary>
    public async Task<(List<SessionAnalyticsRecord> Records, ExtractionSummary Summary)> RunAsync(ExtractionOptions options, GitHubApi? api = null)
    {
        Diagnostics = new CollectingDiagnostics();
        Server.Requests.Clear();
        using var used = api ?? Api();
        var extractor = new SessionAnalyticsExtractor(used, options);
        var records = new List<SessionAnalyticsRecord>();
        await foreach (var record in extractor.ExtractAsync()) records.Add(record);
        return (records, extractor.Summary);
    }

    // ---- seeding ----

    /// <summary>A PR created at <paramref name="created"/> with GitHub figures; merged ones merge 5 hours later.</summary>
    public FakeIssue AddPullRequest(int number, DateTimeOffset created, string state = "open", bool merged = false, string author = "dev",
        int additions = 10, int deletions = 2, int reviewComments = 0, string? headOwner = null)
    {
        var pr = Repo.AddPullRequest($"feature/{number}", number, merged ? "closed" : state, merged, headOwner, author, $"PR number {number}");
        pr.CreatedAt = created;
        var facts = pr.Facts();
        facts.Additions = additions;
        facts.Deletions = deletions;
        facts.ReviewComments = reviewComments;
        if (merged) facts.MergedAt = created.AddHours(5);
        if (state == "closed" && !merged) facts.ClosedAt = created.AddHours(2);
        return pr;
    }

    public FakeIssue AddIssue(int number, DateTimeOffset created, string state = "open", string? stateReason = null, string author = "reporter")
    {
        var issue = Repo.AddIssue(number, state, author, $"Issue number {number}");
        issue.CreatedAt = created;
        issue.Facts().StateReason = stateReason;
        if (state == "closed") issue.Facts().ClosedAt = created.AddDays(1);
        return issue;
    }

    /// <summary>Posts the real per-session comment for <paramref name="stats"/> as <paramref name="author"/>; returns the comment.</summary>
    public FakeComment AddSessionComment(FakeIssue target, SessionStats stats, string author = Login, Func<string, string>? tamper = null)
    {
        var body = SessionCommentRenderer.Render(stats, [], new SessionCommentOptions
        {
            TargetType = target.IsPullRequest ? "pr" : "issue",
            TargetNumber = target.Number,
        });
        return Repo.AddComment(target.Number, author, tamper is null ? body : tamper(body));
    }

    /// <summary>A session comment whose JSON block no longer parses.</summary>
    public static string BreakJson(string body)
    {
        var start = body.IndexOf("```json\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "the rendered comment has a JSON block");
        return body.Insert(start + "```json\n".Length, "{oops, ");
    }

    public static SessionStats Session(int n, decimal cost = 1.25m, int commits = 1, long input = 1_000) =>
        GitHubFixtures.Session(GitHubFixtures.Id(n), cost: cost, commits: commits, input: input);

    /// <summary>Requests per PR/issue number from the fake's log (search requests have none).</summary>
    public Dictionary<int, int> RequestsPerItem() => Server.Requests.All
        .Select(NumberIn)
        .Where(n => n is not null)
        .GroupBy(n => n!.Value)
        .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The PR/issue a request is about: /repos/o/r/issues/N/comments, /repos/o/r/pulls/N, or a runs listing of branch feature/N.</summary>
    private static int? NumberIn(FakeRequest request)
    {
        var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 5 && parts[3] is "issues" or "pulls" && int.TryParse(parts[4], out var n)) return n;
        var branch = System.Web.HttpUtility.ParseQueryString(request.Query)["branch"];
        if (parts is [.., "actions", "runs"] && branch?.StartsWith("feature/", StringComparison.Ordinal) == true && int.TryParse(branch["feature/".Length..], out var b)) return b;
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Directory.Exists(CacheDirectory)) Directory.Delete(CacheDirectory, recursive: true);
    }
}
