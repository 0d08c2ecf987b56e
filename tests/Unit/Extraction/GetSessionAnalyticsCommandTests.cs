using System.Management.Automation;
using System.Security;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Extraction;
using SessionAnalytics.Tests.Export;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.GitHub;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Extraction.ExtractionTestContext;

namespace SessionAnalytics.Tests.Extraction;

/// <summary>Get-SessionAnalytics through the real engine with the built module, against the fake GitHub.</summary>
public sealed class GetSessionAnalyticsCommandTests : IAsyncLifetime
{
    private const string Extract = "Get-SessionAnalytics -Repository octo-org/widget -From 2026-01-01 -To 2026-02-15 -ApiUrl $args[0] -Token $args[1] -CacheDirectory $args[2]";
    private readonly ModuleHost _host = new();
    private readonly string _root = Directory.CreateTempSubdirectory("sa-extract-cmd-").FullName;
    private ExtractionTestContext _ctx = null!;

    public async Task InitializeAsync()
    {
        _ctx = await ExtractionTestContext.StartAsync();
        for (var n = 1; n <= 6; n++)
        {
            var item = n == 6 ? _ctx.AddIssue(n, From.AddDays(n), "closed", "not_planned") : _ctx.AddPullRequest(n, From.AddDays(n), merged: n % 2 == 1, additions: 10 * n, deletions: n);
            _ctx.AddSessionComment(item, Session(n, cost: n));
            if (item.IsPullRequest) item.AddWorkflowRun(item.CreatedAt.AddMinutes(2), n == 1 ? "failure" : "success");
        }
        _ctx.AddSessionComment(_ctx.Repo.FindIssue(2)!, Session(20), tamper: BreakJson);
        _ctx.AddSessionComment(_ctx.Repo.FindIssue(4)!, Session(4, cost: 500m), author: Spoofer);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _ctx.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private string Dir(string name) => Path.Combine(_root, name);

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    private PipelineResult Run(string script, params object?[] more) =>
        _host.Run(script, [_ctx.Server.BaseUrl, Secure(Token), Dir("cache"), .. more]);

    [Fact]
    public void Records_pipe_into_Export_SessionAnalytics_which_writes_the_CSV_and_the_reasons_comments_were_left_out()
    {
        var r = Run(Extract + " -TrustedAuthor octo -Verbose | Export-SessionAnalytics -OutputDirectory $args[3] -Repository octo-org/widget -From 2026-01-01 -To 2026-02-15",
            Dir("out")).AssertNoErrors();

        var csv = AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(Dir("out"), "analytics.csv")));
        Assert.Equal(Enumerable.Range(1, 6).Select(GitHubFixtures.Id), csv.Select(c => c.SessionId));
        var first = csv[0];
        Assert.Equal((1, "pr", "PR number 1", "dev", "merged", "merged"), (first.PrNumber!.Value, first.TargetType, first.PrTitle, first.PrAuthor, first.PrStatus, first.AcceptanceStatus));
        Assert.Equal((10, 1, 1, 0m, 5m), (first.LinesAdded!.Value, first.LinesRemoved!.Value, first.CiRuns!.Value, first.CiPassRate!.Value, first.TimeToMergeHours!.Value));
        Assert.Equal((1_000L, 1m), (first.TotalInputTokens, first.EstimatedCostUsd));
        Assert.Equal(4m, csv[3].EstimatedCostUsd); // octo's session, not mallory's copy
        var issue = csv[5];
        Assert.Equal(("issue", "closed", "not_planned", null), (issue.TargetType, issue.PrStatus, issue.AcceptanceStatus, issue.LinesAdded));

        Assert.Equal(2, r.Warnings.Count);
        Assert.Contains(r.Warnings, w => w.StartsWith("Skipped session comment", StringComparison.Ordinal) && w.Contains("PR #2 in octo-org/widget", StringComparison.Ordinal));
        Assert.Contains(r.Warnings, w => w.StartsWith("Left out session comment", StringComparison.Ordinal) && w.Contains("PR #4", StringComparison.Ordinal) && w.Contains("mallory", StringComparison.Ordinal));

        var md = File.ReadAllText(Path.Combine(Dir("out"), "analytics.md"));
        Assert.Contains("## Notes", md);
        Assert.Contains("Extracted from GitHub: 5 PRs and 1 issue created 2026-01-01 to 2026-02-15 in octo-org/widget; 6 with session comments.", md);
        Assert.Contains("2 session comments were left out: 1 whose session JSON could not be read (octo-org/widget#2 comment ", md);
        Assert.Contains("1 by authors not trusted (mallory: 1)", md);

        Assert.Contains(r.Verbose, v => v.StartsWith("GitHub GET /search/issues?q=repo%3Aocto-org%2Fwidget%20created%3A2026-01-01T00%3A00%3A00%2B00%3A00..2026-02-15T23%3A59%3A59%2B00%3A00", StringComparison.Ordinal)
                                        && v.Contains("requests left", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.StartsWith("Extraction: 6 of 6 PRs/issues read, 6 sessions, 2 comments left out; 12 requests (1.67 per PR/issue, 0% revalidated)", StringComparison.Ordinal));
        Assert.All(r.Verbose, v => Assert.DoesNotContain(Token, v));
        Assert.Contains(r.Progress, p => p.Activity == SessionAnalyticsExtractor.ProgressActivity && p.StatusDescription.StartsWith("6 of 6 PRs/issues read", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, r.Progress.Last(p => p.Activity == SessionAnalyticsExtractor.ProgressActivity).RecordType);
    }

    [Fact]
    public void Output_is_typed_records_and_the_run_summary_is_an_information_record()
    {
        var r = Run(Extract + " -Target Pr").AssertNoErrors();

        var records = r.Of<SessionAnalyticsRecord>();
        Assert.Equal(r.Output.Count, records.Count);
        Assert.Equal([1, 2, 3, 4, 5], records.Select(x => x.PrNumber!.Value).Distinct());
        Assert.Equal(Login, records.Single(x => x.PrNumber == 4).CommentAuthor); // no -TrustedAuthor: the forged copy by a stranger does not count
        var info = Assert.Single(r.Information, i => i.Tags.Contains("ExtractionSummary"));
        var summary = Assert.IsType<ExtractionSummary>(info.MessageData);
        Assert.Equal((5, 0, 5), (summary.PullRequestsFound, summary.IssuesFound, summary.Sessions));
        Assert.Equal(1 + 1 + 5 * 2 + 1, summary.Requests); // search, comment listing, details + CI per PR, GET /user (a stranger commented on #4)
        Assert.Equal(3, summary.MaxRequestsPerItem); // #4: details, CI, and the GET /user its stranger's comment needed

        // The same range again: nothing changed, so one search for what changed since the first run, the open PRs'
        // CI runs (which change without touching the PR) and GET /user (PR #4's records depend on who reads: a
        // stranger's comment), revalidated from the cache; the same records.
        var again = Run(Extract + " -Target Pr").AssertNoErrors();
        var second = (ExtractionSummary)Assert.Single(again.Information, i => i.Tags.Contains("ExtractionSummary")).MessageData;
        Assert.Equal((5, 5), (second.ItemsRead, second.ItemsUnchanged));
        Assert.Equal(1 + 2 + 1, second.Requests); // the search, CI of the open PRs #2 and #4, GET /user
        Assert.Equal(3, second.RevalidatedRequests);
        Assert.Equal(records, again.Of<SessionAnalyticsRecord>());
    }

    [Fact]
    public void A_failing_PR_is_a_non_terminating_error_and_the_rest_is_still_exported()
    {
        _ctx.Extras.FailPath("/repos/octo-org/widget/issues/comments", FakeFault.ServerError(), times: 4);
        _ctx.Extras.FailPath("/repos/octo-org/widget/issues/3/comments", FakeFault.ServerError(), times: 10);

        var r = Run(Extract + " -MaxRateLimitWait 0 -NoCache | Export-SessionAnalytics -OutputDirectory $args[3]", Dir("out"));

        Assert.Null(r.Terminating);
        var error = Assert.Single(r.Errors);
        Assert.Equal("GitHubServerError,SessionAnalytics.PowerShell.Commands.GetSessionAnalyticsCommand", error.FullyQualifiedErrorId);
        Assert.Equal((ErrorCategory.ResourceUnavailable, "octo-org/widget#3"), (error.CategoryInfo.Category, error.TargetObject));
        Assert.Contains("missing from the extraction", error.ErrorDetails.Message);
        var csv = AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(Dir("out"), "analytics.csv")));
        Assert.Equal([1, 2, 4, 5, 6], csv.Select(c => c.PrNumber!.Value));
        Assert.Contains("1 PR/issue could not be read and is missing: octo-org/widget#3 (GitHubServerError).", File.ReadAllText(Path.Combine(Dir("out"), "analytics.md")));
        Assert.False(Directory.Exists(Dir("cache")));
    }

    [Fact]
    public void A_used_up_rate_limit_stops_with_an_error_naming_the_reset_and_the_records_read_are_still_exported()
    {
        _ctx.Server.Store.SetRateLimitRemaining(Login, 1 + 1 + 2 * 2); // the search, the comment listing, two PRs

        var r = Run(Extract + " -ThrottleLimit 1 | Export-SessionAnalytics -OutputDirectory $args[3]", Dir("out"));

        Assert.Null(r.Terminating);
        var error = Assert.Single(r.Errors);
        Assert.Equal("GitHubRateLimitExceeded,SessionAnalytics.PowerShell.Commands.GetSessionAnalyticsCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Contains("resets at ", error.ErrorDetails.Message);
        Assert.Contains("3 of 6 PRs/issues were read", error.ErrorDetails.Message);
        Assert.NotNull(error.ErrorDetails.RecommendedAction);
        var csv = AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(Dir("out"), "analytics.csv")));
        Assert.Equal([1, 2, 3], csv.Select(c => c.PrNumber!.Value)); // #3's sessions came with the listing
        Assert.Null(csv[2].LinesAdded);
        Assert.Contains("The extraction stopped early", File.ReadAllText(Path.Combine(Dir("out"), "analytics.md")));
    }

    [Theory]
    [InlineData("Get-SessionAnalytics -Repository 'not a repo' -ApiUrl $args[0] -Token $args[1]", "GitHubRepositoryInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("Get-SessionAnalytics -Repository o/r -From 2026-02-01 -To 2026-01-01 -ApiUrl $args[0] -Token $args[1]", "SessionAnalyticsPeriodInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("Get-SessionAnalytics -Repository o/r -ApiUrl 'ftp://example.com' -Token $args[1]", "GitHubApiUrlInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("Get-SessionAnalytics -Repository o/r -ApiUrl $args[0] -Token $args[3] -NoCache", "GitHubAuthenticationFailed", ErrorCategory.AuthenticationError)]
    public void Preconditions_stop_the_command_with_a_specific_error(string script, string errorId, ErrorCategory category)
    {
        var r = Run(script, Secure("ghp_wrongTOKEN0123456789abcdefABCDEFxyz"));

        var error = Assert.Single(r.AllErrors);
        Assert.Equal(errorId + ",SessionAnalytics.PowerShell.Commands.GetSessionAnalyticsCommand", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Help_documents_every_parameter_with_examples_and_the_output_type_is_declared()
    {
        var parameters = _host.Run(
            "(Get-Command Get-SessionAnalytics).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }")
            .AssertNoErrors().Of<string>();
        var doc = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "docs", "Get-SessionAnalytics.md")).ReplaceLineEndings("\n");
        Assert.StartsWith("# Get-SessionAnalytics\n\n## SYNOPSIS\n", doc);
        Assert.Equal(13, parameters.Count);
        foreach (var p in parameters) Assert.Contains("\n### -" + p + "\n", doc);
        Assert.True(doc.Split("\n### Example ").Length - 1 >= 2, "at least two examples");
        var output = _host.Run("(Get-Command Get-SessionAnalytics).OutputType.Name").AssertNoErrors().Of<string>();
        Assert.Equal(["SessionAnalytics.Core.Export.SessionAnalyticsRecord"], output);
        var exportDoc = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "docs", "Export-SessionAnalytics.md")).ReplaceLineEndings("\n");
        Assert.Contains("\n### -Note\n", exportDoc);
    }
}
