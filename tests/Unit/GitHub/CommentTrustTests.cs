using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.FakeGitHub;
using static SessionAnalytics.Tests.GitHub.GitHubFixtures;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>
/// The summary read back from comments that others may have written: forged copies, floods, absurd figures and
/// copies of one session, each against the fake GitHub (which reports every comment's author_association).
/// </summary>
public sealed class CommentTrustTests : IAsyncLifetime
{
    private const string Teammate = "carol";     // an invited collaborator
    private const string PastContributor = "dave"; // merged a commit once: CONTRIBUTOR, no write access
    private GitHubTestContext _ctx = null!;

    public async Task InitializeAsync()
    {
        _ctx = await GitHubTestContext.StartAsync();
        _ctx.Repo.AddCollaborator(Teammate);
        _ctx.Repo.AddContributor(PastContributor);
    }

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static readonly SessionSummaryUpdaterOptions NoPause = new() { PauseBetweenRounds = (_, _) => Task.CompletedTask };

    private Task<SessionSummaryResult> Update() => new SessionSummaryUpdater(_ctx.Api(), NoPause).UpdateAsync(_ctx.Target);

    private FakeComment Post(SessionStats stats, string author = GitHubTestContext.Login) =>
        _ctx.Repo.AddComment(GitHubTestContext.Pr, author, Render(stats, _ctx.Target));

    private SessionSummaryData Summary()
    {
        var summary = Assert.Single(_ctx.Comments, c => SummaryParser.IsSummaryComment(c.Body));
        Assert.True(SummaryParser.TryParse(summary.Body, out var data, out var error), error);
        return data;
    }

    private string SummaryBody() => Assert.Single(_ctx.Comments, c => SummaryParser.IsSummaryComment(c.Body)).Body;

    /// <summary>The comment of <paramref name="stats"/> with its JSON figures replaced (what a forger or a broken tool writes).</summary>
    private static string WithJson(SessionStats stats, GitHubTarget target, Func<string, string> edit)
    {
        var body = Render(stats, target);
        var start = body.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var end = body.IndexOf("\n```", start, StringComparison.Ordinal);
        return body[..start] + edit(body[start..end]) + body[end..];
    }

    [Fact]
    public async Task A_forged_copy_by_another_account_does_not_replace_the_real_session()
    {
        var real = Session(Id(1), messages: 10, cost: 1.25m, commits: 1);
        Post(real);
        var forged = new SessionStats
        {
            SessionId = real.SessionId, Branch = real.Branch, StartedAt = real.StartedAt, EndedAt = real.EndedAt!.Value.AddHours(5),
            DurationMinutes = 330, MessageCount = 90, EstimatedCostUsd = 999m, InputTokens = 5,
            Models = [new ModelUsage { Model = "claude-opus-4-6", Messages = 90, InputTokens = 5, CostUsd = 999m }],
            Commits = [new CommitRecord { Sha = "bad0001", Message = "forged" }, new CommitRecord { Sha = "bad0002", Message = "forged" }],
        };
        var copy = Post(forged, author: GitHubTestContext.OtherLogin);

        var result = await Update();

        Assert.Equal((1, 1.25m, 1), (result.SessionCount, result.TotalCostUsd, result.TotalCommits));
        Assert.Equal(1.25m, Summary().TotalCostUsd);
        Assert.Contains("1 session comment by another author was not counted", SummaryBody());
        Assert.Contains(_ctx.Diagnostics.VerboseMessages, v => v.Contains($"#issuecomment-{copy.Id}") && v.Contains(GitHubTestContext.OtherLogin) && v.Contains("NONE"));
    }

    [Fact]
    public async Task Two_hundred_fifty_forged_comments_do_not_freeze_the_summary()
    {
        Post(Session(Id(1), cost: 2m));
        for (var i = 0; i < 250; i++) Post(Session(Id(1000 + i), cost: 1m, startMinute: i), author: GitHubTestContext.OtherLogin);

        var first = await Update();
        var second = await Update();

        Assert.Equal((CommentAction.Created, 1, 2m), (first.Action, first.SessionCount, first.TotalCostUsd));
        Assert.Equal(CommentAction.Unchanged, second.Action);
        Assert.Contains("250 session comments by other authors were not counted", SummaryBody());
    }

    [Fact]
    public async Task Two_hundred_fifty_real_sessions_collapse_the_rows_but_keep_totals_and_the_sum_check()
    {
        for (var i = 0; i < 250; i++) Post(Session(Id(1 + i), cost: 1.01m, commits: 1, startMinute: i), author: i % 2 == 0 ? GitHubTestContext.Login : Teammate);

        var result = await Update();

        Assert.Equal((CommentAction.Created, 250, 252.50m, 250), (result.Action, result.SessionCount, result.TotalCostUsd, result.TotalCommits));
        var body = SummaryBody();
        Assert.True(body.Length <= FakeGitHubStore.MaxCommentBodyLength);
        Assert.Contains("= **$252.50**", body);
        var data = Summary();
        Assert.Equal((250, 252.50m, 250), (data.SessionCount, data.TotalCostUsd, data.TotalCommits));
        Assert.Equal(CommentAction.Unchanged, (await Update()).Action);
    }

    [Fact]
    public async Task Comments_claiming_nine_quintillion_tokens_are_skipped_with_a_warning_naming_them()
    {
        Post(Session(Id(1), cost: 3m));
        var huge = Enumerable.Range(2, 2).Select(n => _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login,
            WithJson(Session(Id(n)), _ctx.Target, json => json.Replace("\"input\": 1000,", "\"input\": 9200000000000000000,", StringComparison.Ordinal)))).ToList();
        Assert.All(huge, c => Assert.Contains("9200000000000000000", c.Body));

        var result = await Update();

        Assert.Equal((1, 3m, 2), (result.SessionCount, result.TotalCostUsd, result.SkippedComments));
        foreach (var c in huge) Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains($"#issuecomment-{c.Id}") && w.Contains("input"));
    }

    [Fact]
    public async Task Negative_figures_are_skipped_not_subtracted()
    {
        Post(Session(Id(1), cost: 3m));
        var negative = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login,
            WithJson(Session(Id(2), cost: 1m), _ctx.Target, json => json.Replace("\"estimated_cost_usd\": 1", "\"estimated_cost_usd\": -500", StringComparison.Ordinal)));
        Assert.Contains("-500", negative.Body);

        var result = await Update();

        Assert.Equal((1, 3m, 1), (result.SessionCount, result.TotalCostUsd, result.SkippedComments));
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains($"#issuecomment-{negative.Id}") && w.Contains("estimated_cost_usd"));
    }

    [Fact]
    public async Task Collaborators_count_past_contributors_do_not()
    {
        Post(Session(Id(1), cost: 1m));
        Post(Session(Id(2), cost: 2m), author: Teammate);
        Post(Session(Id(3), cost: 4m), author: PastContributor);

        var result = await Update();

        Assert.Equal((2, 3m), (result.SessionCount, result.TotalCostUsd));
        Assert.Equal([Id(1), Id(2)], Summary().SessionIds);
        Assert.Contains("1 session comment by another author was not counted", SummaryBody());
    }

    [Fact]
    public async Task Two_trusted_copies_of_a_session_count_once_the_one_with_more_messages_then_the_oldest()
    {
        var id = Id(7);
        // The copy that ended later carries fewer messages: the end time decides nothing.
        var fuller = Session(id, messages: 30, cost: 3m);
        var laterButSmaller = new SessionStats
        {
            SessionId = id, Branch = fuller.Branch, StartedAt = fuller.StartedAt, EndedAt = fuller.EndedAt!.Value.AddDays(1), DurationMinutes = 1470,
            MessageCount = 5, EstimatedCostUsd = 50m, InputTokens = 10,
            Models = [new ModelUsage { Model = "claude-opus-4-6", Messages = 5, InputTokens = 10, CostUsd = 50m }],
        };
        Post(laterButSmaller, author: Teammate);
        Post(fuller);
        // Equally full copies (only the cost differs, which is no measure of fullness): the oldest comment counts.
        var older = Post(Session(Id(8), messages: 12, cost: 1m), author: Teammate);
        var newer = Post(Session(Id(8), messages: 12, cost: 9m));

        var result = await Update();

        Assert.Equal((2, 4m, 2), (result.SessionCount, result.TotalCostUsd, result.TotalCommits));
        Assert.Contains(_ctx.Diagnostics.Warnings, w => w.Contains("counts it once") && w.Contains($"#issuecomment-{older.Id}") && w.Contains($"#issuecomment-{newer.Id}"));
    }
}

/// <summary>The trust rule, bounds and checked sums through the cmdlets, in the hosted engine with the built module.</summary>
[Collection(GitHubEnvironmentCollection.Name)]
public sealed class CommentTrustCmdletTests : IAsyncLifetime
{
    private readonly GitHubEnvironment _environment = new();
    private readonly Infrastructure.ModuleHost _host = new();
    private GitHubTestContext _ctx = null!;

    public async Task InitializeAsync() => _ctx = await GitHubTestContext.StartAsync();

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _ctx.DisposeAsync();
        _environment.Dispose();
    }


    private string SummaryBody() => Assert.Single(_ctx.Comments, c => SummaryParser.IsSummaryComment(c.Body)).Body;

    [Fact]
    public void Publish_counts_only_trusted_readable_comments_in_its_summary_and_does_not_crash_on_absurd_figures()
    {
        var forged = _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.OtherLogin, Render(Session(Id(1), cost: 999m), _ctx.Target));
        var huge = Enumerable.Range(2, 2).Select(n => _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login,
            Render(Session(Id(n)), _ctx.Target).Replace("\"input\": 1000,", "\"input\": 9200000000000000000,", StringComparison.Ordinal))).ToList();

        var r = _host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[1] -Token $args[2] -Verbose",
            Session(Id(1), cost: 1.25m), _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();

        Assert.Equal(CommentAction.Created, Assert.Single(r.Of<SessionCommentResult>()).Action);
        Assert.True(SummaryParser.TryParse(SummaryBody(), out var data, out _));
        Assert.Equal((1, 1.25m), (data.SessionCount, data.TotalCostUsd));
        Assert.Contains("1 session comment by another author was not counted", SummaryBody());
        Assert.Contains("2 session comments could not be read", SummaryBody());
        foreach (var c in huge) Assert.Contains(r.Warnings, w => w.Contains($"#issuecomment-{c.Id}"));
        Assert.Contains(r.Verbose, v => v.Contains($"#issuecomment-{forged.Id}") && v.Contains("not counted"));
    }

    [Fact]
    public void TrustedAuthor_replaces_the_default_rule()
    {
        _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.Login, Render(Session(Id(1), cost: 1m), _ctx.Target));
        _ctx.Repo.AddComment(GitHubTestContext.Pr, GitHubTestContext.OtherLogin, Render(Session(Id(2), cost: 2m), _ctx.Target));

        var byDefault = _host.Run("Update-SessionSummary -Pr 7 -Repository octo-org/widget -ApiUrl $args[0] -Token $args[1]",
            _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();
        var onlyMallory = _host.Run("Update-SessionSummary -Pr 7 -Repository octo-org/widget -ApiUrl $args[0] -Token $args[1] -TrustedAuthor MALLORY",
            _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();

        var first = Assert.Single(byDefault.Of<SessionSummaryResult>());
        var second = Assert.Single(onlyMallory.Of<SessionSummaryResult>());
        Assert.Equal((1, 1m, 1), (first.SessionCount, first.TotalCostUsd, first.UntrustedComments));
        Assert.Equal((CommentAction.Updated, 1, 2m, 1), (second.Action, second.SessionCount, second.TotalCostUsd, second.UntrustedComments));
        Assert.Contains("only comments by MALLORY count (-TrustedAuthor)", SummaryBody());
    }

    [Fact]
    public void A_bare_number_for_RequestTimeout_is_refused_before_any_request()
    {
        var r = _host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[1] -Token $args[2] -RequestTimeout 30",
            Session(Id(1)), _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token));

        Assert.StartsWith(GitHubErrors.RequestTimeoutInvalid + ",", Assert.Single(r.AllErrors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(0, _ctx.Server.Requests.Count());
    }

    [Fact]
    public void Export_of_records_whose_sums_overflow_is_a_named_error_not_an_OverflowException()
    {
        var huge = Enumerable.Range(1, 2).Select(n => Core.Export.SessionAnalyticsRecord.FromStats(Session(Id(n), input: long.MaxValue / 150))).ToList();
        var output = Directory.CreateTempSubdirectory("sa-overflow-").FullName;
        try
        {
            var r = _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1]", huge, output);

            var error = Assert.Single(r.AllErrors);
            Assert.StartsWith(Core.Export.AnalyticsExport.FiguresOverflowErrorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFiles(output));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
