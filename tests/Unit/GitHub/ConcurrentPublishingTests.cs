using System.Diagnostics;
using System.Net;
using System.Security;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using Xunit.Abstractions;
using static SessionAnalytics.Tests.GitHub.GitHubFixtures;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>
/// Eight runspaces with the built module imported, reused by every repetition: importing the module is the slow part,
/// publishing is what the tests race.
/// </summary>
public sealed class PublisherRunspaces : IDisposable
{
    public const int Count = 8;

    public PublisherRunspaces()
    {
        var hosts = new ModuleHost[Count];
        Parallel.For(0, Count, i => hosts[i] = new ModuleHost());
        Hosts = hosts;
    }

    public IReadOnlyList<ModuleHost> Hosts { get; }

    public void Dispose()
    {
        foreach (var host in Hosts) host.Dispose();
    }
}

/// <summary>
/// Publishers of the same sessions on one PR, started together: in parallel runspaces (each its own engine and
/// HTTP client) and in separate processes, all over real HTTP against the fake GitHub. Whatever order their requests
/// interleave in, each session must end with exactly one comment holding its fullest measurement, and the PR with one
/// summary that adds them up.
/// </summary>
[Collection(GitHubEnvironmentCollection.Name)]
public sealed class ConcurrentPublishingTests(PublisherRunspaces runspaces, ITestOutputHelper output) : IClassFixture<PublisherRunspaces>, IAsyncLifetime
{
    private const int Repeats = 10;
    private const string PublishScript = "$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr $args[1] -ApiUrl $args[2] -Token $args[3]";
    private static readonly string[] AllowedActions = ["Created", "Updated", "Unchanged", "Merged", "KeptExisting"];
    private readonly GitHubEnvironment _environment = new();
    private GitHubTestContext _ctx = null!;

    public async Task InitializeAsync() => _ctx = await GitHubTestContext.StartAsync();

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        _environment.Dispose();
    }


    /// <summary>Runs publisher i's script in runspace i, all released at the same moment.</summary>
    private async Task<List<PipelineResult>> Together(int publishers, Func<int, object> input, int pr)
    {
        using var start = new Barrier(publishers);
        var runs = Enumerable.Range(0, publishers).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return runspaces.Hosts[i].Run(PublishScript, input(i), pr, _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token));
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        return [.. await Task.WhenAll(runs)];
    }

    /// <summary>One comment per session, holding <paramref name="fullest"/>'s measurement; one summary equal to their sum.</summary>
    private void AssertConverged(int pr, IReadOnlyList<SessionStats> fullest, List<PipelineResult> runs, string what)
    {
        foreach (var run in runs) run.AssertNoErrors();
        var comments = _ctx.Repo.CommentsOn(pr);
        var sessionComments = comments.Where(c => SessionCommentParser.IsSessionComment(c.Body)).ToList();
        Assert.True(sessionComments.Count == fullest.Count, $"{what}: {sessionComments.Count} session comments for {fullest.Count} sessions");
        foreach (var expected in fullest)
        {
            var comment = Assert.Single(sessionComments, c => SessionCommentParser.TryParse(c.Body, out var s, out _) && s.SessionId == expected.SessionId);
            Assert.True(SessionCommentParser.TryParse(comment.Body, out var posted, out _));
            Assert.True((expected.MessageCount, expected.CommitCount, expected.TotalTokens) == (posted.MessageCount, posted.CommitCount, posted.TotalTokens),
                $"{what}: session {expected.SessionIdShort} holds {posted.MessageCount} messages, not the fullest {expected.MessageCount}");
            var results = runs.SelectMany(r => r.Of<SessionCommentResult>()).Where(r => r.SessionId == expected.SessionId).ToList();
            Assert.Equal(runs.Count, results.Count);
            Assert.All(results, r => Assert.Contains(r.Action.ToString(), AllowedActions));
            Assert.All(results, r => Assert.True(r.CommentId == comment.Id, $"{what}: a publisher reports comment {r.CommentId} ({r.Action}), the survivor is {comment.Id}"));
        }
        var summaries = comments.Where(c => SummaryParser.IsSummaryComment(c.Body)).ToList();
        Assert.True(summaries.Count == 1, $"{what}: {summaries.Count} summaries");
        Assert.True(SummaryParser.TryParse(summaries[0].Body, out var data, out var error), error);
        Assert.Equal(fullest.Select(s => s.SessionId).Order(), data.SessionIds.Order());
        Assert.Equal(fullest.Sum(s => CommentFormatting.Cents(s.EstimatedCostUsd)), data.TotalCostUsd);
        Assert.Equal(fullest.Sum(s => s.CommitCount), data.TotalCommits);
    }

    private void Log(int pr, string what)
    {
        var requests = _ctx.Server.Requests.All;
        int Count(string route) => requests.Count(r => r.Route == route && r.Status < 300 && (route != FakeGitHubRoutes.CreateIssueComment || r.Path.EndsWith($"/{pr}/comments", StringComparison.Ordinal)));
        output.WriteLine($"{what}: creates {Count(FakeGitHubRoutes.CreateIssueComment)}, updates {Count(FakeGitHubRoutes.UpdateIssueComment)}, deletes {Count(FakeGitHubRoutes.DeleteIssueComment)}");
        _ctx.Server.Requests.Clear();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public async Task Publishers_of_the_same_sessions_leave_one_comment_per_session_and_one_summary(int publishers)
    {
        var sessions = new[]
        {
            Session(Id(1), messages: 12, cost: 1.10m, commits: 2),
            Session(Id(2), messages: 30, cost: 2.35m, commits: 1, startMinute: 60, input: 4_000),
        };
        for (var repeat = 1; repeat <= Repeats; repeat++)
        {
            var pr = _ctx.Repo.AddPullRequest($"race/{publishers}/{repeat}").Number;
            var runs = await Together(publishers, _ => sessions, pr);
            var what = $"{publishers} publishers, run {repeat}";
            Log(pr, what);
            AssertConverged(pr, sessions, runs, what);
        }
    }

    [Fact]
    public async Task A_full_and_a_truncated_measurement_published_at_once_leave_the_full_one()
    {
        var full = Session(Id(3), messages: 40, cost: 4.40m, commits: 3, input: 9_000);
        var truncated = Session(Id(3), messages: 15, cost: 1.50m, commits: 1, input: 2_000);
        for (var repeat = 1; repeat <= Repeats; repeat++)
        {
            var pr = _ctx.Repo.AddPullRequest($"truncated/{repeat}").Number;
            // Alternate who is publisher 0, so either may win the first create.
            var runs = await Together(2, i => (i + repeat) % 2 == 0 ? full : truncated, pr);
            var what = $"full versus truncated, run {repeat}";
            Log(pr, what);
            AssertConverged(pr, [full], runs, what);
        }
    }

    /// <summary>
    /// Separate processes, as separate SessionEnd hooks or CI jobs run them: each measures its own copy of the
    /// transcripts (one of them a truncated copy), waits for the others, then publishes.
    /// </summary>
    [Fact]
    public async Task Separate_processes_converge_on_one_comment_per_session_holding_the_full_transcript()
    {
        using var fullHome = new TempClaudeHome();
        using var truncatedHome = new TempClaudeHome();
        var ids = new[] { Id(41), Id(42) };
        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            fullHome.Write(Transcript(id, responses: 6 + n));
            truncatedHome.Write(Transcript(id, responses: 2));
        }
        var pr = _ctx.Repo.AddPullRequest("race/processes").Number;
        var work = Directory.CreateTempSubdirectory("sa-race-").FullName;
        try
        {
            var homes = new[] { fullHome, truncatedHome, fullHome };
            var processes = homes.Select((home, i) => StartPublisher(home.ConfigDirectory, pr, work, i)).ToList();
            var ready = Enumerable.Range(0, homes.Length).Select(i => Path.Combine(work, $"ready-{i}")).ToList();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!ready.All(File.Exists) && DateTime.UtcNow < deadline && processes.All(p => !p.Process.HasExited)) await Task.Delay(50);
            File.WriteAllText(Path.Combine(work, "go"), "");
            var results = await Task.WhenAll(processes.Select(async p =>
            {
                await p.Process.WaitForExitAsync();
                return (p.Process.ExitCode, Out: await p.Out, Err: await p.Err);
            }));
            foreach (var (exit, stdout, stderr) in results) Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");

            var comments = _ctx.Repo.CommentsOn(pr);
            var sessionComments = comments.Where(c => SessionCommentParser.IsSessionComment(c.Body)).ToList();
            Assert.Equal(ids.Length, sessionComments.Count);
            foreach (var (id, n) in ids.Select((id, n) => (id, n)))
            {
                var comment = Assert.Single(sessionComments, c => SessionCommentParser.TryParse(c.Body, out var s, out _) && s.SessionId == id);
                Assert.True(SessionCommentParser.TryParse(comment.Body, out var posted, out _));
                Assert.Equal(6 + n, posted.MessageCount);
            }
            var summary = Assert.Single(comments, c => SummaryParser.IsSummaryComment(c.Body));
            Assert.True(SummaryParser.TryParse(summary.Body, out var data, out _));
            Assert.Equal(ids.Order(), data.SessionIds.Order());
            output.WriteLine(string.Join("\n", results.Select(r => r.Out.Trim())));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static TranscriptBuilder Transcript(string id, int responses)
    {
        var builder = new TranscriptBuilder(id, cwd: "/nonexistent/widget", branch: "race/processes");
        builder.User("make it work");
        for (var i = 0; i < responses; i++)
            builder.Advance(TimeSpan.FromMinutes(1)).Assistant("claude-opus-4-6", new TranscriptBuilder.Usage(100 + i, 50, 1_000, 10_000));
        return builder;
    }

    private (Process Process, Task<string> Out, Task<string> Err) StartPublisher(string configDirectory, int pr, string work, int index)
    {
        var runner = RunnerDll;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work };
        start.ArgumentList.Add(runner);
        start.ArgumentList.Add(
            "$stats = Get-ClaudeSession -Path $env:SA_CLAUDE | ConvertTo-SessionStats; " +
            "[IO.File]::WriteAllText($env:SA_READY, ''); " +
            "while (-not [IO.File]::Exists($env:SA_GO)) { [Threading.Thread]::Sleep(5) }; " +
            "$stats | Publish-SessionComment -Repository octo-org/widget -Pr $env:SA_PR -ApiUrl $env:SA_API");
        foreach (var name in new[] { "GH_TOKEN", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME", "GITHUB_ACTIONS" })
            start.Environment.Remove(name);
        start.Environment["GH_TOKEN"] = GitHubTestContext.Token;
        start.Environment["SA_CLAUDE"] = configDirectory;
        start.Environment["SA_READY"] = Path.Combine(work, $"ready-{index}");
        start.Environment["SA_GO"] = Path.Combine(work, "go");
        start.Environment["SA_PR"] = pr.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SA_API"] = _ctx.Server.BaseUrl;
        var process = Process.Start(start)!;
        return (process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }
}
