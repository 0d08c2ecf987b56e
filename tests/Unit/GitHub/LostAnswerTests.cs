using System.Net;
using System.Security;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.GitHub.GitHubFixtures;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>
/// Writes whose answer never arrives: the connection dropped after GitHub created the comment, or an answer slower
/// than the client waits. The comment must be found again (never posted twice), and what cannot be recovered is a
/// named error for that one session.
/// </summary>
[Collection(GitHubEnvironmentCollection.Name)]
public sealed class LostAnswerTests : IAsyncLifetime
{
    private readonly GitHubEnvironment _environment = new();
    private GitHubTestContext _ctx = null!;
    private ModuleHost? _host;

    public async Task InitializeAsync() => _ctx = await GitHubTestContext.StartAsync();

    public async Task DisposeAsync()
    {
        _host?.Dispose();
        await _ctx.DisposeAsync();
        _environment.Dispose();
    }

    /// <summary>Short timeouts (a second: long enough for an ordinary answer on a loaded CI machine): the fake holds
    /// the slow answers back for a minute, far longer than a test waits.</summary>
    private GitHubApi Api(TimeSpan timeout, CancellationToken ctrlC = default) => new(new GitHubApiSettings
    {
        Cancellation = ctrlC, // what the cmdlets pass: StopProcessing's token
        ApiUrl = new Uri(_ctx.Server.BaseUrl),
        Token = new GitHubToken(GitHubTestContext.Token, "-Token"),
        Diagnostics = _ctx.Diagnostics,
        RetryPolicy = new GitHubRetryPolicy { AttemptTimeout = timeout, Delay = (_, _) => Task.CompletedTask },
    });

    private Task<SessionCommentResult> Publish(GitHubApi api, int n) =>
        new SessionCommentPublisher(api).PublishAsync(_ctx.Target, Session(Id(n)), Render(Session(Id(n)), _ctx.Target));

    private int Creates => _ctx.Server.Requests.Count("POST", FakeGitHubRoutes.CreateIssueComment);

    [Fact]
    public async Task A_connection_dropped_after_the_comment_was_created_is_recovered_by_reading_again()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.DropConnection().AfterApplying());

        var result = await Publish(_ctx.Api(), 1);

        var comment = Assert.Single(_ctx.Comments);
        Assert.Equal(comment.Id, result.CommentId);
        Assert.Equal(1, Creates);
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, v => v.Contains("reading the comments again", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_connection_dropped_before_anything_was_created_is_retried_after_reading()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.DropConnection());

        var result = await Publish(_ctx.Api(), 2);

        Assert.Equal(CommentAction.Created, result.Action);
        Assert.Equal(result.CommentId, Assert.Single(_ctx.Comments).Id);
        Assert.Equal(2, Creates);
    }

    [Fact]
    public async Task A_POST_slower_than_the_timeout_is_found_again_instead_of_posted_twice()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SlowAnswer(TimeSpan.FromMinutes(1)));

        var result = await Publish(Api(TimeSpan.FromSeconds(1)), 3);

        Assert.Equal(result.CommentId, Assert.Single(_ctx.Comments).Id);
        Assert.Equal(1, Creates);
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, v => v.Contains(GitHubErrors.Timeout, StringComparison.Ordinal) || v.Contains("did not answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_update_slower_than_the_timeout_is_retried_then_confirmed_by_reading_again()
    {
        var first = await Publish(_ctx.Api(), 11);
        // Every attempt of the update is applied and then held back past the timeout: the handler retries the PATCH
        // (it is idempotent), gives up with GitHubTimeout, and the publisher's next read shows the update happened.
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.UpdateIssueComment, FakeFault.SlowAnswer(TimeSpan.FromMinutes(1)), times: 4);
        var grown = Session(Id(11), messages: 20);

        var result = await new SessionCommentPublisher(Api(TimeSpan.FromSeconds(1))).PublishAsync(_ctx.Target, grown, Render(grown, _ctx.Target));

        Assert.Equal((CommentAction.Updated, first.CommentId), (result.Action, result.CommentId));
        Assert.Equal(Render(grown, _ctx.Target), Assert.Single(_ctx.Comments).Body);
        Assert.Equal(0, _ctx.Server.Faults.Pending);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_a_GitHubTimeout_not_a_TaskCanceledException()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SlowAnswer(TimeSpan.FromMinutes(1)) with { ApplyFirst = false }, times: 5);

        var e = await Assert.ThrowsAsync<EngineException>(() => Publish(Api(TimeSpan.FromSeconds(1)), 4));

        Assert.Equal((GitHubErrors.Timeout, ErrorKind.OperationTimeout), (e.Error.ErrorId, e.Error.Kind));
        Assert.Empty(_ctx.Comments);
    }

    [Fact]
    public async Task A_user_cancelling_during_a_slow_answer_stops_at_once_as_a_cancellation_not_a_timeout()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SlowAnswer(TimeSpan.FromMinutes(1)) with { ApplyFirst = false });
        using var ctrlC = new CancellationTokenSource();
        var api = Api(TimeSpan.FromMinutes(5), ctrlC.Token);
        var publishing = new SessionCommentPublisher(api).PublishAsync(_ctx.Target, Session(Id(10)), Render(Session(Id(10)), _ctx.Target), ctrlC.Token);
        while (_ctx.Server.Faults.Pending > 0 && !publishing.IsCompleted) await Task.Delay(20); // the POST is being held
        await ctrlC.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publishing);
        Assert.Empty(_ctx.Comments);
    }

    [Fact]
    public void A_session_that_cannot_be_published_is_a_non_terminating_error_and_the_next_one_still_goes()
    {
        _host = new ModuleHost();
        // Every create attempt of the first session loses its connection before anything is created.
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.DropConnection(), times: 3);

        var r = _host.Run("$args[0], $args[1] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[2] -Token $args[3] -NoSummary",
            Session(Id(5)), Session(Id(6)), _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token));

        Assert.Null(r.Terminating);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GitHubConnectionLost,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(Id(6), Assert.Single(r.Of<SessionCommentResult>()).SessionId);
        Assert.True(SessionCommentParser.TryParse(Assert.Single(_ctx.Comments).Body, out var posted, out _));
        Assert.Equal(Id(6), posted.SessionId);
    }

    [Fact]
    public void A_slow_POST_through_the_cmdlet_is_bounded_by_RequestTimeout_and_the_comment_is_adopted()
    {
        _host = new ModuleHost();
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SlowAnswer(TimeSpan.FromMinutes(1)));

        var r = _host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[1] -Token $args[2] -NoSummary -RequestTimeout 00:00:01 -Verbose",
            Session(Id(7)), _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();

        Assert.Equal(Assert.Single(_ctx.Comments).Id, Assert.Single(r.Of<SessionCommentResult>()).CommentId);
        Assert.Equal(1, Creates);
    }

    [Fact]
    public void A_timeout_that_lasts_is_a_named_non_terminating_error_per_session()
    {
        _host = new ModuleHost();
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SlowAnswer(TimeSpan.FromMinutes(1)) with { ApplyFirst = false }, times: 3);

        var r = _host.Run("$args[0], $args[1] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[2] -Token $args[3] -NoSummary -RequestTimeout 00:00:01",
            Session(Id(8)), Session(Id(9)), _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token));

        Assert.Null(r.Terminating);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith(GitHubErrors.Timeout + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(System.Management.Automation.ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.IsNotType<TaskCanceledException>(error.Exception);
        Assert.Equal(Id(9), Assert.Single(r.Of<SessionCommentResult>()).SessionId);
    }

}
