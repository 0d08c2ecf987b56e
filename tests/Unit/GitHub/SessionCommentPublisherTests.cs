using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Tests.FakeGitHub;
using static SessionAnalytics.Tests.GitHub.GitHubFixtures;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>Idempotent publishing of one session's comment, with the real Octokit client against the fake GitHub.</summary>
public sealed class SessionCommentPublisherTests : IAsyncLifetime
{
    private GitHubTestContext _ctx = null!;

    public async Task InitializeAsync() => _ctx = await GitHubTestContext.StartAsync();
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private Task<SessionCommentResult> Publish(Core.Stats.SessionStats stats, string? body = null, bool force = false, string token = GitHubTestContext.Token) =>
        new SessionCommentPublisher(_ctx.Api(token), new SessionCommentPublisherOptions { Force = force })
            .PublishAsync(_ctx.Target, stats, body ?? Render(stats, _ctx.Target));

    private int Writes(string route) => _ctx.Server.Requests.All.Count(r => r.Route == route && r.Status < 300);

    [Fact]
    public async Task Creates_then_leaves_an_identical_comment_alone_then_updates_it_in_place()
    {
        var id = Id(1);
        var first = await Publish(Session(id, messages: 10));
        var again = await Publish(Session(id, messages: 10));
        var grown = await Publish(Session(id, messages: 12));

        Assert.Equal((CommentAction.Created, CommentAction.Unchanged, CommentAction.Updated), (first.Action, again.Action, grown.Action));
        Assert.Equal(first.CommentId, again.CommentId);
        Assert.Equal(first.CommentId, grown.CommentId);
        var comment = Assert.Single(_ctx.Comments);
        Assert.Equal(GitHubTestContext.Login, comment.Author);
        Assert.True(SessionCommentParser.TryParse(comment.Body, out var stats, out _));
        Assert.Equal((id, 12, "pr", 7), (stats.SessionId, stats.MessageCount, stats.TargetType, stats.TargetNumber));
        Assert.Equal((1, 1), (Writes(FakeGitHubRoutes.CreateIssueComment), Writes(FakeGitHubRoutes.UpdateIssueComment)));
        Assert.Equal(("octo-org/widget", 7, "pr", id), (first.Repository, first.Number, first.TargetType, first.SessionId));
        Assert.EndsWith($"/octo-org/widget/pull/7#issuecomment-{first.CommentId}", first.Url);
    }

    [Fact]
    public async Task Finds_its_comment_on_the_third_page_of_250()
    {
        var id = Id(2);
        for (int i = 0; i < 120; i++) _ctx.Repo.AddComment(GitHubTestContext.Pr, "reviewer", $"review note {i}");
        await Publish(Session(id));
        for (int i = 0; i < 130; i++) _ctx.Repo.AddComment(GitHubTestContext.Pr, "reviewer", $"later note {i}");
        _ctx.Server.Requests.Clear();

        var result = await Publish(Session(id, messages: 11));

        Assert.Equal(CommentAction.Updated, result.Action);
        Assert.Equal(251, _ctx.Comments.Count);
        Assert.Equal(6, _ctx.Server.Requests.Count(FakeGitHubRoutes.ListIssueComments)); // three pages, read again after the write
        Assert.Equal(0, _ctx.Server.Requests.Count(FakeGitHubRoutes.CreateIssueComment));
    }

    [Fact]
    public async Task A_comment_by_another_account_with_the_same_marker_is_never_edited()
    {
        var stats = Session(Id(3));
        var copied = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.OtherLogin, Render(stats, _ctx.Target));

        var result = await Publish(Session(Id(3), messages: 20));

        Assert.Equal(CommentAction.Created, result.Action);
        Assert.NotEqual(copied.Id, result.CommentId);
        Assert.Equal(copied.Body, _ctx.Repo.FindComment(copied.Id)!.Body);
        Assert.Equal(0, _ctx.Server.Requests.Count(FakeGitHubRoutes.UpdateIssueComment));
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, m => m.Contains($"by {GitHubTestContext.OtherLogin}") && m.Contains("left alone"));
    }

    [Fact]
    public async Task A_session_sharing_the_short_id_is_a_different_comment()
    {
        var mine = "abcdef12-0000-4000-8000-000000000001";
        var other = "abcdef12-ffff-4fff-8fff-ffffffffffff";
        var first = await Publish(Session(other));

        var result = await Publish(Session(mine));

        Assert.Equal(CommentAction.Created, result.Action);
        Assert.NotEqual(first.CommentId, result.CommentId);
        Assert.Equal(2, _ctx.Comments.Count);
    }

    [Fact]
    public async Task A_rendering_with_less_data_never_replaces_a_better_comment_unless_forced()
    {
        var id = Id(4);
        var full = await Publish(Session(id, messages: 40, input: 9_000, commits: 3));
        var goodBody = _ctx.Comments[0].Body;

        var truncated = await Publish(Session(id, messages: 15, input: 2_000, commits: 1));

        Assert.Equal(CommentAction.KeptExisting, truncated.Action);
        Assert.Equal(full.CommentId, truncated.CommentId);
        Assert.Equal(goodBody, Assert.Single(_ctx.Comments).Body);
        var warning = Assert.Single(_ctx.Diagnostics.Warnings);
        Assert.Contains("messages 15 < 40", warning);
        Assert.Contains("commits 1 < 3", warning);
        Assert.Contains("-Force", warning);

        var forced = await Publish(Session(id, messages: 15, input: 2_000, commits: 1), force: true);
        Assert.Equal(CommentAction.Updated, forced.Action);
        Assert.True(SessionCommentParser.TryParse(_ctx.Comments[0].Body, out var now, out _));
        Assert.Equal(15, now.MessageCount);
    }

    [Fact]
    public async Task A_damaged_comment_of_ours_is_repaired_and_duplicates_are_removed()
    {
        var damagedId = Id(5);
        var damaged = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login,
            CommentMarkers.SessionMarker(damagedId) + "\n## Claude Code Session Report\n<details><summary>Session Data (JSON)</summary>\n\n```json\n{ broken\n```\n</details>");
        var dupId = Id(6);
        var older = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login, Render(Session(dupId, messages: 3), _ctx.Target));
        var newer = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login, Render(Session(dupId, messages: 4), _ctx.Target));

        var repaired = await Publish(Session(damagedId));
        var deduplicated = await Publish(Session(dupId, messages: 5));

        Assert.Equal((CommentAction.Updated, damaged.Id), (repaired.Action, repaired.CommentId));
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains("cannot be read") && w.Contains($"#issuecomment-{damaged.Id}"));
        Assert.Equal((CommentAction.Updated, older.Id, 1), (deduplicated.Action, deduplicated.CommentId, deduplicated.DuplicatesRemoved));
        Assert.Null(_ctx.Repo.FindComment(newer.Id));
        Assert.Equal([damaged.Id, older.Id], _ctx.Comments.Select(c => c.Id));
    }

    [Fact]
    public async Task A_server_error_on_create_is_retried_after_reading_again_and_posts_once()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.ServerError());

        var result = await Publish(Session(Id(7)));

        Assert.Equal(CommentAction.Created, result.Action);
        Assert.Single(_ctx.Comments);
        Assert.Equal(["GET /user 200", "GET ListIssueComments 200", "POST CreateIssueComment 500", "GET ListIssueComments 200", "POST CreateIssueComment 201", "GET ListIssueComments 200"],
            _ctx.Server.Requests.All.Select(r => $"{r.Method} {(r.Route == FakeGitHubRoutes.GetAuthenticatedUser ? "/user" : r.Route)} {r.Status}"));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_found_and_not_posted_twice()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.ServerError(502).AfterApplying());

        var result = await Publish(Session(Id(8)));

        Assert.Equal(CommentAction.Created, result.Action); // found again by the read after the lost answer
        Assert.Equal(result.CommentId, Assert.Single(_ctx.Comments).Id);
        Assert.Equal(1, _ctx.Server.Requests.Count(FakeGitHubRoutes.CreateIssueComment));
    }

    [Fact]
    public async Task A_body_GitHub_rejects_as_too_long_leaves_the_existing_comment_intact()
    {
        var id = Id(9);
        await Publish(Session(id, messages: 10));
        var good = _ctx.Comments[0].Body;
        var bigger = Session(id, messages: 11);

        var e = await Assert.ThrowsAsync<EngineException>(() => Publish(bigger, Render(bigger, _ctx.Target) + new string(' ', 70_000) + "x"));

        Assert.Equal((GitHubErrors.CommentTooLong, ErrorKind.LimitsExceeded), (e.Error.ErrorId, e.Error.Kind));
        Assert.Equal(good, Assert.Single(_ctx.Comments).Body);
        Assert.Equal(1, _ctx.Server.Requests.All.Count(r => r.Route == FakeGitHubRoutes.UpdateIssueComment && r.Status == 422));
    }

    [Fact]
    public async Task A_secondary_rate_limit_on_the_update_is_waited_out()
    {
        var id = Id(10);
        await Publish(Session(id, messages: 10));
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.UpdateIssueComment, FakeFault.SecondaryRateLimit(retryAfterSeconds: 5));

        var result = await Publish(Session(id, messages: 11));

        Assert.Equal(CommentAction.Updated, result.Action);
        Assert.Equal([TimeSpan.FromSeconds(5)], _ctx.Waits);
        Assert.True(SessionCommentParser.TryParse(Assert.Single(_ctx.Comments).Body, out var stats, out _));
        Assert.Equal(11, stats.MessageCount);
    }

    [Fact]
    public async Task Missing_targets_and_rejected_tokens_are_ObjectNotFound_and_AuthenticationError()
    {
        var missing = new GitHubTarget(_ctx.Repository, GitHubTargetKind.PullRequest, 404);
        var api = _ctx.Api();
        var notFound = await Assert.ThrowsAsync<EngineException>(() => new SessionCommentPublisher(api).PublishAsync(missing, Session(Id(11)), "body"));
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.BadCredentials());
        var unauthorized = await Assert.ThrowsAsync<EngineException>(() => Publish(Session(Id(12))));

        Assert.Equal(ErrorKind.ObjectNotFound, notFound.Error.Kind);
        Assert.Equal(ErrorKind.AuthenticationError, unauthorized.Error.Kind);
        Assert.Empty(_ctx.Comments);
    }
}
