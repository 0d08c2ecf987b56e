using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.FakeGitHub;
using static SessionAnalytics.Tests.GitHub.GitHubFixtures;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>The pinned summary: recomputed from every session comment, one per account, convergent under concurrency.</summary>
public sealed class SessionSummaryUpdaterTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private GitHubTestContext _ctx = null!;

    public async Task InitializeAsync() => _ctx = await GitHubTestContext.StartAsync();
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static readonly SessionSummaryUpdaterOptions NoPause = new() { PauseBetweenRounds = (_, _) => Task.CompletedTask };

    private SessionSummaryUpdater Updater(GitHubApi? api = null) => new(api ?? _ctx.Api(), NoPause);

    private void Post(SessionStats stats, string author = GitHubTestContext.Login) =>
        _ctx.Repo.AddComment(GitHubTestContext.Pr, author, Render(stats, _ctx.Target));

    private List<FakeComment> Summaries() => _ctx.Comments.Where(c => SummaryParser.IsSummaryComment(c.Body)).ToList();

    [Fact]
    public async Task The_summary_is_the_rendering_of_every_session_comment_and_a_second_run_changes_nothing()
    {
        var sessions = new[] { Session(Id(1), cost: 12.45m, commits: 2, startMinute: 0), Session(Id(2), cost: 8.32m, commits: 3, startMinute: 90), Session(Id(3), cost: 13.44m, commits: 3, startMinute: 200) };
        Post(sessions[0]);
        _ctx.Repo.AddCollaborator("carol");
        Post(sessions[1], author: "carol"); // a collaborator's sessions count too
        Post(sessions[2]);
        for (int i = 0; i < 120; i++) _ctx.Repo.AddComment(GitHubTestContext.Pr, "reviewer", $"note {i}");

        var first = await Updater().UpdateAsync(_ctx.Target with { State = "open" });
        var second = await Updater().UpdateAsync(_ctx.Target with { State = "open" });

        Assert.Equal((CommentAction.Created, CommentAction.Unchanged), (first.Action, second.Action));
        Assert.Equal((3, 34.21m, 8), (first.SessionCount, first.TotalCostUsd, first.TotalCommits));
        var summary = Assert.Single(Summaries());
        Assert.Equal((first.CommentId, GitHubTestContext.Login), (summary.Id, summary.Author));
        var parsedSessions = _ctx.Comments.Where(c => SessionCommentParser.IsSessionComment(c.Body))
            .Select(c => SessionCommentParser.TryParse(c.Body, out var s, out _) ? s : throw new InvalidOperationException()).ToList();
        Assert.Equal(SessionSummaryRenderer.Render(parsedSessions, new SummaryOptions { TargetType = "pr", TargetNumber = 7, Status = "open" }), summary.Body);
        Assert.Contains("$12.45 + $8.32 + $13.44 = **$34.21**", summary.Body);
        Assert.Equal(1, _ctx.Server.Requests.Count(FakeGitHubRoutes.CreateIssueComment));
        Assert.Equal(0, _ctx.Server.Requests.Count(FakeGitHubRoutes.UpdateIssueComment));
    }

    [Fact]
    public async Task Unreadable_session_comments_are_left_out_and_named()
    {
        Post(Session(Id(1), cost: 1m));
        var broken = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login,
            CommentMarkers.SessionMarker(Id(2)) + "\n## Claude Code Session Report\n\nno JSON here");

        var result = await Updater().UpdateAsync(_ctx.Target);

        Assert.Equal((1, 1, 1m), (result.SessionCount, result.SkippedComments, result.TotalCostUsd));
        var warning = Assert.Single(_ctx.Diagnostics.Warnings);
        Assert.Contains($"id {broken.Id}", warning);
        Assert.Contains($"#issuecomment-{broken.Id}", warning);
    }

    [Fact]
    public async Task Extra_summaries_of_this_account_are_deleted_the_oldest_is_kept_and_others_are_left_alone()
    {
        Post(Session(Id(1)));
        var foreign = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.OtherLogin, CommentMarkers.SummaryMarker + "\nTheirs");
        var oldest = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login, CommentMarkers.SummaryMarker + "\nstale 1");
        var extra = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login, CommentMarkers.SummaryMarker + "\nstale 2");

        var result = await Updater().UpdateAsync(_ctx.Target);

        Assert.Equal((CommentAction.Updated, oldest.Id, 1), (result.Action, result.CommentId, result.DuplicatesRemoved));
        Assert.Null(_ctx.Repo.FindComment(extra.Id));
        Assert.Equal("<!-- SESSION_SUMMARY -->\nTheirs", _ctx.Repo.FindComment(foreign.Id)!.Body);
        Assert.Equal([foreign.Id, oldest.Id], Summaries().Select(c => c.Id));
        Assert.Equal(2, result.Rounds); // the write, then the read that confirms it
    }

    [Fact]
    public async Task No_sessions_no_summary()
    {
        var result = await Updater().UpdateAsync(_ctx.Target);

        Assert.Equal(CommentAction.Skipped, result.Action);
        Assert.Empty(_ctx.Comments);
    }

    /// <param name="staggerMs">0: all start together (every publisher creates a summary, seven are deleted);
    /// more: they finish one after another, so early summaries count only some sessions and must be updated.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    public async Task Eight_publishers_at_once_leave_one_comment_per_session_and_one_summary_that_adds_up(int staggerMs)
    {
        const int publishers = 8;
        var sessions = Enumerable.Range(1, publishers)
            .Select(i => Session(Id(i), messages: 10 + i, cost: 1.11m * i, commits: i % 3 + 1, startMinute: i * 10, input: 1000 * i)).ToList();
        var start = new TaskCompletionSource();
        var random = new Random(652);
        var pauses = Enumerable.Range(0, publishers).Select(_ => random.Next(0, 30)).ToList();

        var tasks = sessions.Select((stats, i) => Task.Run(async () =>
        {
            await start.Task;
            await Task.Delay(staggerMs * i);
            var api = _ctx.Api(); // one client per publisher, as separate processes would have
            var published = await new SessionCommentPublisher(api).PublishAsync(_ctx.Target, stats, Render(stats, _ctx.Target));
            var summary = await new SessionSummaryUpdater(api, new SessionSummaryUpdaterOptions
            {
                PauseBetweenRounds = (round, ct) => Task.Delay(pauses[i] + round, ct),
            }).UpdateAsync(_ctx.Target);
            return (published, summary);
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.Equal(CommentAction.Created, r.published.Action));
        Assert.All(results, r => Assert.True(r.summary.Converged));
        var sessionComments = _ctx.Comments.Where(c => SessionCommentParser.IsSessionComment(c.Body)).ToList();
        Assert.Equal(sessions.Select(s => s.SessionId).Order(), sessionComments.Select(c => SessionCommentParser.TryParse(c.Body, out var s, out _) ? s.SessionId : "?").Order());
        var summary = Assert.Single(Summaries());
        Assert.True(SummaryParser.TryParse(summary.Body, out var data, out var error), error);
        Assert.Equal(sessions.Select(s => s.SessionId).Order(), data.SessionIds.Order());
        Assert.Equal(sessions.Sum(s => s.EstimatedCostUsd), data.TotalCostUsd);
        Assert.Equal(sessions.Sum(s => s.CommitCount), data.TotalCommits);
        Assert.Equal(sessions.Sum(s => s.TotalTokens), data.TotalTokens);
        Assert.Equal(SessionSummaryRenderer.Render(sessions, new SummaryOptions { TargetType = "pr", TargetNumber = GitHubTestContext.Pr }), summary.Body);
        output.WriteLine($"creates {_ctx.Server.Requests.Count(FakeGitHubRoutes.CreateIssueComment)} updates {_ctx.Server.Requests.Count(FakeGitHubRoutes.UpdateIssueComment)} deletes {_ctx.Server.Requests.Count(FakeGitHubRoutes.DeleteIssueComment)} lists {_ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments)} rounds {string.Join(",", results.Select(r => r.summary.Rounds))} removed {results.Sum(r => r.summary.DuplicatesRemoved)}");
        int Succeeded(string route) => _ctx.Server.Requests.All.Count(r => r.Route == route && r.Status < 300);
        Assert.Equal(1, Succeeded(FakeGitHubRoutes.CreateIssueComment) - publishers - Succeeded(FakeGitHubRoutes.DeleteIssueComment));
        Assert.Equal(Succeeded(FakeGitHubRoutes.DeleteIssueComment), results.Sum(r => r.summary.DuplicatesRemoved));
        // Every publisher ended on a read that showed this very comment.
        Assert.All(results, r => Assert.Equal(summary.Id, r.summary.CommentId));
    }
}
