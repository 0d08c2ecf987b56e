using System.Diagnostics;
using System.Globalization;
using System.Text;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.FakeGitHub;

// Extraction of N PRs (each with 1-3 session comments and a few CI runs) from the fake GitHub with added latency per
// request: first with an empty response cache, then again with the cache filled. Prints wall time, requests per PR
// and the share revalidated with 304, against the targets of issue 4.
var prs = IntOption("--prs", 500);
var latency = TimeSpan.FromMilliseconds(IntOption("--latency-ms", 50));
var throttle = IntOption("--throttle", ExtractionOptions.DefaultThrottleLimit);
var output = StringOption("--output");
var perItemToo = args.Contains("--per-item-too");
const string token = "ghp_benchmarkTOKEN0123456789abcdefABCDEF";

await using var server = await FakeGitHubServer.StartAsync(FakeGitHubExtractionRoutes.Map);
server.Store.AddUser("octo", token);
var repo = server.Store.AddRepository("octo-org", "widget");
var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
var to = new DateTimeOffset(2026, 2, 15, 23, 59, 59, TimeSpan.Zero);
var random = new Random(42);
var sessions = 0;
for (var n = 1; n <= prs; n++)
{
    var merged = n % 3 != 0;
    var pr = repo.AddPullRequest($"feature/{n}", n, merged ? "closed" : "open", merged, author: "dev", title: $"Change {n}");
    pr.CreatedAt = from.AddMinutes((to - from).TotalMinutes * (n - 1) / prs);
    pr.Facts().Additions = random.Next(1, 500);
    pr.Facts().Deletions = random.Next(0, 200);
    pr.Facts().ReviewComments = random.Next(0, 6);
    if (merged) pr.Facts().MergedAt = pr.CreatedAt.AddHours(random.Next(1, 72));
    for (var r = 0; r < 3; r++) pr.AddWorkflowRun(pr.CreatedAt.AddMinutes(10 * (r + 1)), r == 0 && n % 4 == 0 ? "failure" : "success");
    for (var s = random.Next(1, 4); s > 0; s--)
    {
        sessions++;
        var stats = Session(sessions, pr.CreatedAt.AddHours(-s));
        repo.AddComment(n, "octo", SessionCommentRenderer.Render(stats, [], new SessionCommentOptions { TargetType = "pr", TargetNumber = n }));
    }
}
server.Extras().Latency = latency;
var cache = Directory.CreateTempSubdirectory("sa-extraction-benchmark-").FullName;
Console.WriteLine($"Fake GitHub at {server.BaseUrl}: {prs} PRs, {sessions} session comments, {latency.TotalMilliseconds:0} ms added per request; throttle {throttle}; cache {cache}");

try
{
    var first = await Run("first run (empty cache)", useListing: true);
    var second = await Run("second run (cached)", useListing: true);
    var perItem = new List<RunResult>();
    if (perItemToo)
    {
        Directory.Delete(cache, recursive: true);
        Directory.CreateDirectory(cache);
        perItem.Add(await Run("item by item, first run (empty cache)", useListing: false));
        perItem.Add(await Run("item by item, second run (cached)", useListing: false));
    }
    var report = Report(first, second, perItem);
    Console.WriteLine();
    Console.WriteLine(report);
    if (output is not null)
    {
        File.WriteAllText(output, report);
        Console.WriteLine($"Written to {Path.GetFullPath(output)}");
    }
    return new[] { first, second }.Concat(perItem).All(r => r.Summary.Sessions == sessions) ? 0 : 1;
}
finally
{
    Directory.Delete(cache, recursive: true);
}

async Task<RunResult> Run(string name, bool useListing)
{
    server.Requests.Clear();
    var usedBefore = server.Store.RateLimit("octo").Used;
    using var api = new GitHubApi(new GitHubApiSettings
    {
        ApiUrl = new Uri(server.BaseUrl),
        Token = new GitHubToken(token, "benchmark"),
        ResponseCache = new GitHubResponseCache(cache),
        RequestCounter = new GitHubRequestCounter(),
    });
    var extractor = new SessionAnalyticsExtractor(api, new ExtractionOptions
    {
        Repositories = [new RepositoryRef("octo-org", "widget")],
        From = from,
        To = to,
        ThrottleLimit = throttle,
        UseCommentListing = useListing,
    });
    var clock = Stopwatch.StartNew();
    var records = 0;
    await foreach (var _ in extractor.ExtractAsync()) records++;
    clock.Stop();
    var s = extractor.Summary;
    var wireRequests = server.Requests.Count();
    var result = new RunResult(name, clock.Elapsed, s, wireRequests, server.Store.RateLimit("octo").Used - usedBefore, records);
    Console.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:0.00} s, {records} records, {s.Requests} requests ({wireRequests} seen by the server), "
                      + $"{s.RequestsPerItem:0.00} per PR (max {s.MaxRequestsPerItem}), {s.RevalidatedShare:0.0}% revalidated, rate limit used {result.RateLimitUsed}");
    return result;
}

string Report(RunResult first, RunResult second, IReadOnlyList<RunResult> perItem)
{
    var md = new StringBuilder();
    md.AppendLine("# Extraction benchmark");
    md.AppendLine();
    md.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project benchmarks/ExtractionBenchmark -- --prs {prs} --latency-ms {latency.TotalMilliseconds:0} --throttle {throttle}{(perItem.Count > 0 ? " --per-item-too" : "")}`");
    md.AppendLine();
    md.AppendLine($"The real extractor (Octokit over HTTP, the ETag response cache on disk, {throttle} PRs at a time) against the tests' fake GitHub on loopback, "
        + $"with {latency.TotalMilliseconds:0} ms added to every request: {prs} PRs created 2026-01-01 to 2026-02-15, {sessions} session comments (1-3 per PR), "
        + "3 CI runs per PR. Measured on " + Environment.ProcessorCount + " cores, " + System.Runtime.InteropServices.RuntimeInformation.OSDescription + ", "
        + System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription + ".");
    md.AppendLine();
    md.AppendLine("| Run | Wall time | Records | Requests | Requests/PR (its own; shared search and comment listing excluded) | Requests/PR (all) | Max requests for one PR | Revalidated (304) | Rate limit used |");
    md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in new[] { first, second }.Concat(perItem))
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.Elapsed.TotalSeconds:0.00} s | {r.Records} | {r.Summary.Requests} | {r.Summary.RequestsPerItem:0.00} | {r.Summary.RequestsPerItemOverall:0.00} | {r.Summary.MaxRequestsPerItem} | {r.Summary.RevalidatedShare:0.0}% | {r.RateLimitUsed} |");
    md.AppendLine();
    md.AppendLine("| Target (issue 4) | Measured | Met |");
    md.AppendLine("|---|---:|:---:|");
    md.AppendLine(CultureInfo.InvariantCulture, $"| First run ≤ 10 s | {first.Elapsed.TotalSeconds:0.00} s | {Met(first.Elapsed.TotalSeconds <= 10)} |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| First run ≤ 3 requests/PR | {first.Summary.RequestsPerItemOverall:0.00} (all requests / PRs) | {Met(first.Summary.RequestsPerItemOverall <= 3)} |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| Second run ≥ 90% revalidated | {second.Summary.RevalidatedShare:0.0}% | {Met(second.Summary.RevalidatedShare >= 90)} |");
    md.AppendLine();
    md.AppendLine("The comments come from the repository's comment listing (`GET /repos/o/r/issues/comments?since=FROM`, 100 a page) "
        + "because it takes fewer requests than reading each PR's comments; then each PR with session comments costs its details and its CI runs. "
        + (perItem.Count > 0
            ? "The item-by-item rows show the fallback the extractor uses when the listing would take as many requests (a repository "
              + "with much discussion since the period began): one comment request more per PR."
            : "Run with --per-item-too to measure the item-by-item fallback as well."));
    md.AppendLine();
    md.AppendLine("Requests are counted on the wire (retries included) and equal what the fake server logged. The second run sends the "
        + "same requests with If-None-Match; every 304 is free under GitHub's rate limit, so \"Rate limit used\" is what the run cost. "
        + "Its wall time is about the first run's: with the latency per request, the time is in the round trips, which a revalidation still makes.");
    return md.ToString();
}

static string Met(bool ok) => ok ? "yes" : "**no**";

int IntOption(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

string? StringOption(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static SessionStats Session(int n, DateTimeOffset start)
{
    var id = $"{n:x8}-0000-4000-8000-{n:x12}";
    var input = 1_000L + n;
    return new SessionStats
    {
        SessionId = id,
        Branch = "feature",
        StartedAt = start,
        EndedAt = start.AddMinutes(40),
        DurationMinutes = 40,
        ActiveMinutes = 30,
        MessageCount = 20,
        InputTokens = input,
        OutputTokens = input * 2,
        CacheCreationTokens = input * 10,
        CacheReadTokens = input * 100,
        EstimatedCostUsd = 1.5m,
        Models = [new ModelUsage { Model = "claude-opus-4-6", Messages = 20, InputTokens = input, OutputTokens = input * 2, CacheCreationTokens = input * 10, CacheReadTokens = input * 100, CostUsd = 1.5m }],
        Commits = [new CommitRecord { Sha = $"{n:x7}", Message = $"Commit {n}" }],
    };
}

sealed record RunResult(string Name, TimeSpan Elapsed, ExtractionSummary Summary, int WireRequests, int RateLimitUsed, int Records);
