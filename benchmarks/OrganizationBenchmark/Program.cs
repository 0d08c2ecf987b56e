using System.Diagnostics;
using System.Globalization;
using System.Text;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.FakeGitHub;

// An organisation of --repos repositories x --prs PRs (1-3 session comments each, 3 CI runs, 1 in 20 PRs still open)
// on the fake GitHub with --latency-ms added per request. Runs the extractor over the whole organisation (org: search)
// with an empty cache and state, then again with nothing changed, then writes the records as CSV and Parquet and
// measures the dataset. Request counts are deterministic; wall times depend on the machine's load (reported).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // the report is invariant
var repos = IntOption("--repos", 50);
var prsPerRepo = IntOption("--prs", 200);
var latency = TimeSpan.FromMilliseconds(IntOption("--latency-ms", 50));
var throttle = IntOption("--throttle", ExtractionOptions.DefaultThrottleLimit);
var output = StringOption("--output");
const string token = "ghp_benchmarkTOKEN0123456789abcdefABCDEF";
const string organization = "acme";

await using var server = await FakeGitHubServer.StartAsync(FakeGitHubExtractionRoutes.Map);
// GitHub allows a token 5,000 requests an hour; the benchmark measures the work, not the wait (README: what the
// limit means for a first run of this size), so the fake's limit is lifted.
server.Store.RateLimitPerHour = 100_000_000;
server.Store.AddUser("octo", token);
server.Store.AddOrganizationMember(organization, "octo");
server.Extras().AddOrganization(organization);
var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
var to = new DateTimeOffset(2026, 3, 31, 23, 59, 59, TimeSpan.Zero);
var random = new Random(42);
var sessions = 0;
var open = 0;
for (var r = 0; r < repos; r++)
{
    var repo = server.Store.AddRepository(organization, $"service-{r:00}");
    for (var n = 1; n <= prsPerRepo; n++)
    {
        var merged = n % 20 != 0;
        if (!merged) open++;
        var pr = repo.AddPullRequest($"feature/{n}", n, merged ? "closed" : "open", merged, author: "dev", title: $"Change {n}");
        // Whole seconds, as GitHub's timestamps are (the search splits ranges at whole seconds).
        pr.CreatedAt = from.AddSeconds(Math.Floor((to - from).TotalSeconds * ((double)(n - 1) / prsPerRepo + (double)r / (repos * prsPerRepo))));
        pr.Facts().Additions = random.Next(1, 500);
        pr.Facts().Deletions = random.Next(0, 200);
        pr.Facts().ReviewComments = random.Next(0, 6);
        if (merged) pr.Facts().MergedAt = pr.CreatedAt.AddHours(random.Next(1, 72));
        for (var c = 0; c < 3; c++) pr.AddWorkflowRun(pr.CreatedAt.AddMinutes(10 * (c + 1)), c == 0 && n % 4 == 0 ? "failure" : "success");
        for (var s = random.Next(1, 4); s > 0; s--)
        {
            sessions++;
            repo.AddComment(n, "octo", SessionCommentRenderer.Render(Session(sessions, pr.CreatedAt.AddHours(-s), r), [],
                new SessionCommentOptions { TargetType = "pr", TargetNumber = n }));
        }
    }
}
if (args.Contains("--serve"))
{
    // For the Pester tests: a small organisation to run the real cmdlets against; ends when stdin closes.
    server.Store.AddRepository(organization, "website");
    Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { url = server.BaseUrl, token, organization, sessions }));
    await Console.In.ReadToEndAsync();
    return 0;
}
server.Extras().Latency = latency;
var cache = Directory.CreateTempSubdirectory("sa-org-benchmark-").FullName;
var prs = repos * prsPerRepo;
Console.WriteLine($"Fake GitHub at {server.BaseUrl}: organisation {organization}, {repos} repositories x {prsPerRepo} PRs = {prs} PRs ({open} open), "
                  + $"{sessions} session comments; {latency.TotalMilliseconds:0} ms per request; throttle {throttle}");
var load = LoadAverage();
try
{
    var (first, records) = await Run("first run (empty cache and state)");
    var (second, again) = await Run("unchanged re-run");
    var same = records.Count == again.Count && records.Zip(again).All(p => p.First == p.Second);
    var size = MeasureDataset(records);
    var report = Report(first, second, size, same);
    Console.WriteLine();
    Console.WriteLine(report);
    if (output is not null)
    {
        File.WriteAllText(output, report);
        Console.WriteLine($"Written to {Path.GetFullPath(output)}");
    }
    return first.Summary.Sessions == sessions && second.Summary.Sessions == sessions && same ? 0 : 1;
}
finally
{
    Directory.Delete(cache, recursive: true);
}

async Task<(RunResult Result, List<SessionAnalyticsRecord> Records)> Run(string name)
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
        Organizations = [organization],
        State = new ExtractionStateStore(ExtractionStateStore.ForCache(cache)),
        From = from,
        To = to,
        ThrottleLimit = throttle,
    });
    GC.Collect();
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
    var clock = Stopwatch.StartNew();
    var records = new List<SessionAnalyticsRecord>();
    await foreach (var record in extractor.ExtractAsync()) records.Add(record);
    clock.Stop();
    var s = extractor.Summary;
    var result = new RunResult(name, clock.Elapsed, s, server.Requests.Count(), server.Store.RateLimit("octo").Used - usedBefore, records.Count,
        GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, Process.GetCurrentProcess().PeakWorkingSet64, peakBefore);
    Console.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:0.00} s, {records.Count} records, {s.Requests} requests ({result.WireRequests} seen by the server), "
                      + $"{s.RequestsPerItemOverall:0.000} per PR, {s.ItemsUnchanged} unchanged, {s.RevalidatedShare:0.0}% revalidated, rate limit used {result.RateLimitUsed}");
    return (result, records);
}

DatasetSize MeasureDataset(List<SessionAnalyticsRecord> records)
{
    var dir = Directory.CreateTempSubdirectory("sa-org-dataset-").FullName;
    try
    {
        var plan = AnalyticsExport.Plan(records, AnalyticsFormats.Csv | AnalyticsFormats.Parquet, new AnalyticsExportOptions { Directory = dir });
        AnalyticsParquetDataset.Apply(dir, plan.Dataset!);
        var csv = plan.Files.Single(f => f.Format == AnalyticsFormats.Csv).Content.LongLength;
        long Bytes(string table) => Directory.EnumerateFiles(Path.Combine(dir, table), "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new DatasetSize(records.Count, csv, Bytes(AnalyticsParquetDataset.SessionsTable), Bytes(AnalyticsParquetDataset.ModelsTable),
            plan.Dataset!.Partitions, plan.Dataset.Files.Count);
    }
    finally { Directory.Delete(dir, recursive: true); }
}

string Report(RunResult first, RunResult second, DatasetSize size, bool same)
{
    var md = new StringBuilder();
    var busy = load is { } l && l > 1.0;
    md.AppendLine("# Organisation benchmark");
    md.AppendLine();
    md.AppendLine(CultureInfo.InvariantCulture, $"`benchmarks/run-organization-benchmark.sh --repos {repos} --prs {prsPerRepo} --latency-ms {latency.TotalMilliseconds:0} --throttle {throttle}`");
    md.AppendLine();
    md.AppendLine(($"The real extractor (Octokit over HTTP, ETag response cache and extraction state on disk, {throttle} PRs at a time) over organisation `{organization}` "
        + $"(one `org:` search scope) against the tests' fake GitHub on loopback with {latency.TotalMilliseconds:0} ms added to every request: {repos} repositories x {prsPerRepo} PRs = {prs} PRs "
        + $"created 2026-01-01 to 2026-03-31, {open} of them still open, {sessions} session comments (1-3 per PR), 3 CI runs per PR. "
        + $"Measured on {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; "
        + $"load average {(load is { } a ? a.ToString("0.0", CultureInfo.InvariantCulture) : "unknown")} when the run started."
        + (busy ? " **The machine was busy (other jobs running): wall times and peak memory are not final; request counts are deterministic and are.**" : "")));
    md.AppendLine();
    md.AppendLine("| Run | Wall time | Records | Requests | Requests/PR (all) | PRs unchanged | Revalidated (304) | Rate limit used | Allocated | Peak working set (process) |");
    md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in new[] { first, second })
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.Elapsed.TotalSeconds:0.0} s{(busy ? " (busy)" : "")} | {r.Records} | {r.Summary.Requests} | {r.Summary.RequestsPerItemOverall:0.000} | {r.Summary.ItemsUnchanged} | {r.Summary.RevalidatedShare:0.0}% | {r.RateLimitUsed} | {r.Allocated / 1048576.0:0} MB | {r.PeakAfter / 1048576.0:0} MB{(busy ? " (busy)" : "")} |");
    md.AppendLine();
    md.AppendLine(($"Requests of the first run: {first.Summary.SearchRequests} for the search (the range split below GitHub's 1,000-result cap), "
        + $"{first.Summary.CommentListingRequests} for the repositories' comment listings, the rest one PR details and one CI listing per PR with sessions. "
        + $"The unchanged re-run: the organisation's repository listing, one search for what changed since the first run (`updated:>=`), "
        + $"and one CI listing per open PR (CI results change without touching a PR), {second.Summary.RevalidatedShare:0.0}% of them answered 304. "
        + $"Records of both runs identical: {(same ? "yes" : "**no**")}."));
    md.AppendLine();
    md.AppendLine(($"Rate limit: GitHub gives a token 5,000 requests an hour (GitHub Apps on Enterprise Cloud 15,000), and the fake's limit is lifted here. "
        + $"A first run of {first.Summary.Requests:N0} requests therefore needs {Math.Ceiling(first.Summary.Requests / 5000.0):0} hourly windows with a personal token: "
        + "the extraction stops when the limit is used up (or waits, within -MaxRateLimitWait), keeps the records read, and remembers the PRs it read, "
        + "so the next run searches again and reads only the PRs not read yet. Sharding by repository over several tokens (CI jobs) divides it."));
    md.AppendLine();
    md.AppendLine("Peak working set is the whole process's, which also hosts the fake GitHub and its data; allocated bytes are the run's (GC.GetTotalAllocatedBytes), server included.");
    md.AppendLine();
    md.AppendLine("| Dataset of the first run's records | Bytes | Per 1,000 sessions |");
    md.AppendLine("|---|---:|---:|");
    string Per(long bytes) => (bytes * 1000.0 / size.Sessions / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";
    md.AppendLine(CultureInfo.InvariantCulture, $"| analytics.csv (30 columns) | {size.Csv:N0} | {Per(size.Csv)} |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| Parquet `sessions/` ({size.Partitions} partitions) | {size.Sessions_:N0} | {Per(size.Sessions_)} |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| Parquet `session_models/` | {size.Models:N0} | {Per(size.Models)} |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| Parquet dataset in all ({size.Files} files) | {size.Sessions_ + size.Models:N0} | {Per(size.Sessions_ + size.Models)} |");
    md.AppendLine();
    md.AppendLine(($"{size.Sessions:N0} sessions over {repos} repositories and 3 months: partitions hold about {size.Sessions / Math.Max(1, size.Partitions)} sessions each "
        + "(each part file also carries Parquet's footer and column metadata, a fixed cost that weighs more in small partitions; not measured separately)."));
    return md.ToString();
}

static double? LoadAverage()
{
    try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
}

int IntOption(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

string? StringOption(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static SessionStats Session(int n, DateTimeOffset start, int repo)
{
    var id = $"{n:x8}-0000-4000-8000-{n:x12}";
    var input = 1_000L + n;
    var sonnet = n % 3 == 0;
    var opusCost = 1.5m + (n % 7) * 0.01m;
    var models = new List<ModelUsage> { new() { Model = "claude-opus-4-6", Messages = 20, InputTokens = input, OutputTokens = input * 2, CacheCreationTokens = input * 10, CacheReadTokens = input * 100, CostUsd = opusCost } };
    if (sonnet) models.Add(new ModelUsage { Model = "claude-sonnet-4-5", Messages = 5, InputTokens = 500, OutputTokens = 900, CacheCreationTokens = 0, CacheReadTokens = 10_000, CostUsd = 0.0255m });
    return new SessionStats
    {
        SessionId = id,
        Project = $"service-{repo:00}",
        Branch = "feature",
        StartedAt = start,
        EndedAt = start.AddMinutes(40),
        DurationMinutes = 40,
        ActiveMinutes = 30,
        MessageCount = 25,
        InputTokens = models.Sum(m => m.InputTokens),
        OutputTokens = models.Sum(m => m.OutputTokens),
        CacheCreationTokens = models.Sum(m => m.CacheCreationTokens),
        CacheReadTokens = models.Sum(m => m.CacheReadTokens),
        EstimatedCostUsd = models.Sum(m => m.CostUsd ?? 0),
        Models = models,
        Commits = [new CommitRecord { Sha = $"{n:x7}", Message = $"Commit {n}" }],
    };
}

sealed record RunResult(string Name, TimeSpan Elapsed, ExtractionSummary Summary, int WireRequests, int RateLimitUsed, int Records, long Allocated, long PeakAfter, long PeakBefore);

sealed record DatasetSize(int Sessions, long Csv, long Sessions_, long Models, int Partitions, int Files);
