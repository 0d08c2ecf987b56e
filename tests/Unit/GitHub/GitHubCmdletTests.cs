using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Security;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.GitHub.GitHubFixtures;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>
/// Publish-SessionComment and Update-SessionSummary in the hosted engine with the built module, against the fake
/// GitHub over real HTTP. The GitHub environment variables are cleared for these tests (and restored afterwards),
/// so a token or repository of the machine running them cannot leak in.
/// </summary>
[Collection(GitHubEnvironmentCollection.Name)]
public sealed class GitHubCmdletTests : IAsyncLifetime
{
    private GitHubTestContext _ctx = null!;
    private ModuleHost _host = null!;
    private readonly GitHubEnvironment _environment = new();
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("sa-github-").FullName;

    public async Task InitializeAsync()
    {
        _ctx = await GitHubTestContext.StartAsync();
        _host = new ModuleHost();
        _host.Run("$null = $ExecutionContext.SessionState.Path.SetLocation($args[0])", _workDirectory).AssertNoErrors();
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _ctx.DisposeAsync();
        _environment.Dispose();
        Directory.Delete(_workDirectory, recursive: true);
    }

    private PipelineResult Publish(string parameters, object input, string token = GitHubTestContext.Token) =>
        _host.Run($"$args[0] | Publish-SessionComment -Repository octo-org/widget -ApiUrl $args[1] -Token $args[2] {parameters}",
            input, _ctx.Server.BaseUrl, Secure(token));

    [Fact]
    public void Publishes_then_reports_unchanged_and_keeps_one_summary()
    {
        var stats = Session(Id(1));

        var first = Publish("-Pr 7 -Verbose", stats).AssertNoErrors();
        var second = Publish("-Pr 7", stats).AssertNoErrors();

        var created = Assert.Single(first.Of<SessionCommentResult>());
        Assert.Equal((CommentAction.Created, "octo-org/widget", 7, "pr", stats.SessionId), (created.Action, created.Repository, created.Number, created.TargetType, created.SessionId));
        Assert.Equal(CommentAction.Unchanged, Assert.Single(second.Of<SessionCommentResult>()).Action);
        Assert.Equal(2, _ctx.Comments.Count); // the session comment and the summary
        Assert.Single(_ctx.Comments, c => SummaryParser.IsSummaryComment(c.Body));
        Assert.Contains(first.Verbose, v => v.StartsWith("GitHub POST /repos/octo-org/widget/issues/7/comments -> 201", StringComparison.Ordinal) && v.Contains("requests left"));
        Assert.Contains(first.Verbose, v => v.StartsWith("Summary of PR #7 in octo-org/widget: Created, 1 session(s)", StringComparison.Ordinal));
        Assert.Contains(first.Progress, p => p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(first.Progress, p => p.StatusDescription.StartsWith("Page 1 of 1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_posted_body_is_exactly_what_ConvertTo_SessionComment_renders_diagrams_included()
    {
        var skills = Path.Combine(ModuleHost.RepoRoot, "samples", "skills");
        var stats = Session(Id(12));
        var withSkills = new SessionStats
        {
            SessionId = stats.SessionId, Branch = stats.Branch, StartedAt = stats.StartedAt, EndedAt = stats.EndedAt, DurationMinutes = 30,
            MessageCount = 5, Models = stats.Models, InputTokens = 10, OutputTokens = 20, EstimatedCostUsd = 0.5m,
            SkillsInvoked = [new SkillUsage { Skill = "tdd:ci", Count = 2 }, new SkillUsage { Skill = "rca:ci", Count = 1 }],
            SkillSequence = ["tdd:ci", "rca:ci", "tdd:ci"],
        };

        var expected = Assert.Single(_host.Run("$args[0] | ConvertTo-SessionComment -Target Pr -Number 7 -SkillsPath $args[1]", withSkills, skills).AssertNoErrors().Of<string>());
        const string publish = "$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -NoSummary -ApiUrl $args[1] -Token $args[2] -SkillsPath $args[3]";
        var first = _host.Run(publish, withSkills, _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token), skills).AssertNoErrors();
        var r = _host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -NoSummary -ApiUrl $args[1] -Token $args[2] -SkillsPath $args[3]",
            withSkills, _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token), skills).AssertNoErrors();

        Assert.Contains("```mermaid", expected);
        Assert.Equal(expected, Assert.Single(_ctx.Comments).Body);
        Assert.Equal(CommentAction.Created, Assert.Single(first.Of<SessionCommentResult>()).Action);
        Assert.Equal(CommentAction.Unchanged, Assert.Single(r.Of<SessionCommentResult>()).Action);
        Assert.Empty(withSkills.WorkflowEdges); // the caller's object is left as it was
    }

    [Fact]
    public void Sessions_from_Get_ClaudeSession_are_measured_and_go_to_the_open_PR_of_their_branch()
    {
        using var home = new TempClaudeHome();
        var builder = new TranscriptBuilder(Id(2), branch: "fix/login");
        builder.User("fix it").Assistant("claude-opus-4-6", new TranscriptBuilder.Usage(100, 200, 1000, 5000));
        home.Write(builder);

        var r = _host.Run("Get-ClaudeSession -Path $args[0] | Publish-SessionComment -Repository octo-org/widget -ApiUrl $args[1] -Token $args[2] -NoSummary -Verbose",
            home.ConfigDirectory, _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();

        var result = Assert.Single(r.Of<SessionCommentResult>());
        Assert.Equal((7, CommentAction.Created), (result.Number, result.Action));
        Assert.True(SessionCommentParser.TryParse(Assert.Single(_ctx.Comments).Body, out var posted, out _));
        Assert.Equal((Id(2), 100L, 200L, "pr", 7), (posted.SessionId, posted.InputTokens, posted.OutputTokens, posted.TargetType, posted.TargetNumber));
        Assert.Contains(r.Verbose, v => v.Contains("Branch 'fix/login' is the head of PR #7"));
    }

    [Fact]
    public void A_session_whose_repository_is_unknown_is_a_named_error_not_a_parameter_binding_error()
    {
        // Get-ClaudeSession's Repository property is null outside a GitHub clone; it binds to -Repository by name.
        using var home = new TempClaudeHome();
        home.Write(new TranscriptBuilder(Id(4), cwd: Path.Combine(home.Root, "not-a-clone"), branch: "fix/x")
            .User("hi").Assistant("claude-opus-4-6", new TranscriptBuilder.Usage(1, 2, 3, 4)));
        Directory.CreateDirectory(Path.Combine(home.Root, "not-a-clone"));

        var r = _host.Run("Get-ClaudeSession -Path $args[0] | Publish-SessionComment -Pr 7 -WhatIf", home.ConfigDirectory);

        Assert.Null(r.Terminating);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith(RepositoryResolver.NotFoundErrorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("Pass -Repository owner/name", error.ErrorDetails?.RecommendedAction ?? error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _ctx.Server.Requests.Count());
    }

    [Fact]
    public void WhatIf_needs_no_token_and_makes_no_request()
    {
        var stats = Session(Id(3));

        var toFake = _host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[1] -WhatIf -Verbose", stats, _ctx.Server.BaseUrl).AssertNoErrors();
        var toNowhere = _host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Issue 12 -ApiUrl $args[1] -WhatIf -Verbose", stats, UnusedLocalUrl()).AssertNoErrors();
        var summary = _host.Run("Update-SessionSummary -Repository octo-org/widget -Pr 7 -ApiUrl $args[0] -WhatIf", UnusedLocalUrl()).AssertNoErrors();

        Assert.Equal(0, _ctx.Server.Requests.Count());
        Assert.Empty(toFake.Output);
        Assert.Empty(summary.Output);
        var shown = Assert.Single(toFake.Verbose, v => v.Contains("not published to PR #7 in octo-org/widget"));
        Assert.Contains(CommentMarkers.SessionMarker(stats.SessionId), shown);
        Assert.Contains("\"number\": 7", shown); // the exact body, target included
        Assert.Contains(toNowhere.Verbose, v => v.Contains("not published to issue #12 in octo-org/widget"));
        Assert.DoesNotContain(toNowhere.Verbose, v => v.StartsWith("GitHub ", StringComparison.Ordinal));
    }

    [Fact]
    public void No_token_anywhere_is_a_terminating_error_naming_the_sources()
    {
        var r = _host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[1] -Confirm:$false",
            Session(Id(4)), _ctx.Server.BaseUrl);

        if (GitHubTokenResolver.RunGhAuthToken(null, Environment.GetEnvironmentVariable, Core.Diagnostics.NullDiagnostics.Instance) is not null)
            return; // this machine is signed in to gh: the resolver rightly finds that token (covered by the resolver tests)
        var error = Assert.Single(r.Errors); // statement-terminating: the script records it and stops the pipeline
        Assert.Equal("GitHubTokenNotFound,SessionAnalytics.PowerShell.Commands.PublishSessionCommentCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        foreach (var source in new[] { "-Token", "GH_TOKEN", "GITHUB_TOKEN", "gh auth token" }) Assert.Contains(source, error.ErrorDetails.Message);
        Assert.Equal(0, _ctx.Server.Requests.Count());
    }

    [Fact]
    public void Failures_become_error_records_with_ids_and_categories_and_the_next_session_still_goes()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.SecondaryRateLimit(retryAfterSeconds: 7200));

        var r = _host.Run("$args[0], $args[1] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[2] -Token $args[3] -NoSummary",
            Session(Id(5)), Session(Id(6)), _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token));
        var notFound = Publish("-Pr 404", Session(Id(7)));
        var badToken = Publish("-Pr 7", Session(Id(8)), token: "ghp_revoked");

        var limited = Assert.Single(r.Errors);
        Assert.Equal(("GitHubSecondaryRateLimit,SessionAnalytics.PowerShell.Commands.PublishSessionCommentCommand", ErrorCategory.LimitsExceeded),
            (limited.FullyQualifiedErrorId, limited.CategoryInfo.Category));
        Assert.Contains("UTC", limited.ErrorDetails.Message);
        Assert.Equal(Id(6), Assert.Single(r.Of<SessionCommentResult>()).SessionId); // the second session went through
        Assert.Equal(("GitHubTargetNotFound", ErrorCategory.ObjectNotFound), (Id0(notFound.Errors.Single()), notFound.Errors.Single().CategoryInfo.Category));
        var rejected = Assert.Single(badToken.Errors);
        Assert.Equal(("GitHubAuthenticationFailed", ErrorCategory.AuthenticationError), (Id0(rejected), rejected.CategoryInfo.Category));
    }

    [Fact]
    public void Update_SessionSummary_takes_a_number_or_the_results_of_Publish()
    {
        var published = _host.Run("$args[0], $args[1] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[2] -Token $args[3] -NoSummary",
            Session(Id(9), cost: 2m), Session(Id(10), cost: 3m), _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();
        Assert.DoesNotContain(_ctx.Comments, c => SummaryParser.IsSummaryComment(c.Body));

        var piped = _host.Run("$args[0] | Update-SessionSummary -ApiUrl $args[1] -Token $args[2]",
            published.Output, _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();
        var byNumber = _host.Run("Update-SessionSummary -Pr 7 -Repository octo-org/widget -ApiUrl $args[0] -Token $args[1]",
            _ctx.Server.BaseUrl, Secure(GitHubTestContext.Token)).AssertNoErrors();

        var first = Assert.Single(piped.Of<SessionSummaryResult>());
        Assert.Equal((CommentAction.Created, 2, 5m, "octo-org/widget", 7), (first.Action, first.SessionCount, first.TotalCostUsd, first.Repository, first.Number));
        Assert.Equal(CommentAction.Unchanged, Assert.Single(byNumber.Of<SessionSummaryResult>()).Action);
        Assert.Single(_ctx.Comments, c => SummaryParser.IsSummaryComment(c.Body));
    }

    /// <summary>The token never shows up: not in output, verbose, warnings, errors, progress, information, nor in any file or comment.</summary>
    [Fact]
    public void The_token_appears_in_no_stream_no_error_and_no_file()
    {
        const string secret = GitHubTestContext.Token;
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.ServerError(), times: 2); // retried, logged
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.UpdateIssueComment, FakeFault.SecondaryRateLimit(retryAfterSeconds: 9999));
        var stats = Session(Id(11), messages: 10);
        var runs = new List<PipelineResult>
        {
            Publish("-Pr 7 -Verbose", stats),
            Publish("-Pr 7 -Verbose", Session(Id(11), messages: 12)),          // update hits the secondary limit: an error
            Publish("-Pr 404 -Verbose", stats),                                 // not found
            Publish("-Issue 7 -Verbose -NoSummary", stats, token: secret + "x"),  // rejected token that contains the real one
            _host.Run("Update-SessionSummary -Pr 7 -Repository octo-org/widget -ApiUrl $args[0] -Token $args[1] -Verbose", _ctx.Server.BaseUrl, Secure(secret)),
        };
        Assert.Contains(runs, r => r.Errors.Count > 0 || r.Terminating is not null);

        var text = new List<string>();
        foreach (var r in runs)
        {
            text.AddRange(r.Output.Select(o => o.ToString() ?? ""));
            text.AddRange(r.Output.OfType<SessionCommentResult>().Select(o => $"{o.Url} {o.Repository} {o.SessionId}"));
            text.AddRange(r.Verbose);
            text.AddRange(r.Warnings);
            text.AddRange(r.Progress.Select(p => p.Activity + " " + p.StatusDescription));
            text.AddRange(r.Information.Select(i => i.MessageData?.ToString() ?? ""));
            text.AddRange(r.Errors.Concat(r.Terminating is null ? [] : [r.Terminating.ErrorRecord]).SelectMany(ErrorText));
        }
        Assert.Contains(text, t => t.StartsWith("GitHub GET", StringComparison.Ordinal)); // the streams were really captured
        Assert.DoesNotContain(text, t => t.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(_ctx.Comments, c => c.Body.Contains(secret, StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(_workDirectory, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(secret, File.ReadAllText(file));
        Assert.Empty(Directory.EnumerateFiles(_workDirectory, "*", SearchOption.AllDirectories)); // nothing is written at all
    }

    [Theory]
    [InlineData("Publish-SessionComment", "SessionAnalytics.Core.GitHub.SessionCommentResult")]
    [InlineData("Update-SessionSummary", "SessionAnalytics.Core.GitHub.SessionSummaryResult")]
    public void Help_documents_every_parameter_with_examples_and_the_output_type_is_declared(string cmdlet, string outputType)
    {
        var parameters = _host.Run(
            "(Get-Command $args[0]).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }",
            cmdlet).AssertNoErrors().Of<string>();
        var doc = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "docs", cmdlet + ".md")).ReplaceLineEndings("\n");
        Assert.StartsWith("# " + cmdlet + "\n", doc);
        Assert.Contains("WhatIf", parameters); // SupportsShouldProcess
        foreach (var p in parameters) Assert.Contains("\n### -" + p + "\n", doc);
        Assert.True(doc.Split("\n### Example ").Length - 1 >= 2, "at least two examples");
        Assert.Equal(outputType, Assert.Single(_host.Run("(Get-Command $args[0]).OutputType.Name", cmdlet).AssertNoErrors().Of<string>()));
    }

    private static IEnumerable<string> ErrorText(ErrorRecord e)
    {
        yield return e.ToString();
        yield return e.FullyQualifiedErrorId;
        yield return e.ErrorDetails?.Message ?? "";
        yield return e.ErrorDetails?.RecommendedAction ?? "";
        yield return e.TargetObject?.ToString() ?? "";
        for (Exception? x = e.Exception; x is not null; x = x.InnerException) yield return x.ToString();
    }

    private static string Id0(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    private static string UnusedLocalUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
    }
}

/// <summary>Tests that change the process's GitHub environment variables run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GitHubEnvironmentCollection
{
    public const string Name = "GitHub environment";
}

/// <summary>Clears the variables the module reads (token, repository, API URL, Actions event) and restores them.</summary>
public sealed class GitHubEnvironment : IDisposable
{
    private static readonly string[] Names = ["GH_TOKEN", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME", "GITHUB_ACTIONS"];
    private readonly Dictionary<string, string?> _saved = Names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

    public GitHubEnvironment()
    {
        foreach (var name in Names) Environment.SetEnvironmentVariable(name, null);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}
