using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Comments;

/// <summary>ConvertTo-SessionComment and ConvertTo-SessionSummary through the real engine with the built module.</summary>
public class CommentCmdletTests
{
    [Fact]
    public void ConvertToSessionCommentEmitsOneBodyPerSession()
    {
        using var host = new ModuleHost();
        var design = CommentFixtures.DesignExample();
        var other = CommentFixtures.Minimal();
        var r = host.Run("$args[0], $args[1] | ConvertTo-SessionComment -Verbose", design, other).AssertNoErrors();
        var bodies = r.Of<string>();
        Assert.Equal(2, bodies.Count);
        // The design example records tdd and ci edges: with no template they are drawn as they are.
        var withoutDiagrams = SessionCommentRenderer.Render(design, []);
        Assert.StartsWith(withoutDiagrams[..withoutDiagrams.IndexOf("### Problems Faced", StringComparison.Ordinal)], bodies[0]);
        Assert.Contains("### CI Workflow\n\n```mermaid\n", bodies[0]);
        Assert.Contains("### TDD Workflow\n\n```mermaid\n", bodies[0]);
        Assert.True(SessionCommentParser.TryParse(bodies[0], out var parsed, out var error), error);
        Assert.Equivalent(design, parsed, strict: true);
        Assert.StartsWith("<!-- SESSION:11111111 -->\n", bodies[1]);
        Assert.Contains(r.Verbose, v => v.StartsWith("Session 00b11888: comment of ", StringComparison.Ordinal));
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void TargetAndWorkflowEdgesGoIntoTheJsonWithoutChangingTheInput()
    {
        using var host = new ModuleHost();
        var design = CommentFixtures.DesignExample();
        var r = host.Run("$args[0] | ConvertTo-SessionComment -Target Issue -Number 123 -WorkflowEdges @{ rca = @{ 'RCACI->TDDCI' = 3; 'A->B' = '2' } }", design).AssertNoErrors();
        var body = Assert.Single(r.Of<string>());
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal("issue", parsed.TargetType);
        Assert.Equal(123, parsed.TargetNumber);
        // Explicit edges replace their family; the session's recorded families stay.
        Assert.Equal(["ci", "rca", "tdd"], parsed.WorkflowEdges.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, parsed.WorkflowEdges["rca"]["RCACI->TDDCI"]);
        Assert.Equal(2, parsed.WorkflowEdges["rca"]["A->B"]);
        Assert.Equal(2, parsed.WorkflowEdges["tdd"]["TDDCI->HS"]);
        // Without a template the explicit edges are still drawn.
        Assert.Contains("### RCA Workflow\n\n```mermaid\n", body);
        Assert.Equal("pr", design.TargetType);
        Assert.Equal(["ci", "tdd"], design.WorkflowEdges.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InvalidWorkflowEdgesStopTheCommandWithAClearError()
    {
        using var host = new ModuleHost();
        var r = host.Run("$args[0] | ConvertTo-SessionComment -WorkflowEdges @{ tdd = @{ 'no arrow' = 1 } }", CommentFixtures.DesignExample());
        // A cmdlet's ThrowTerminatingError ends the statement; in a script it lands in the error stream.
        var error = r.Terminating?.ErrorRecord ?? Assert.Single(r.Errors);
        Assert.StartsWith("WorkflowEdgesInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'no arrow'", error.ToString());
        Assert.Empty(r.Output);
    }

    [Fact]
    public void DiagramsComeFromTheSkillTemplates()
    {
        var root = Directory.CreateTempSubdirectory("comment-skills-");
        try
        {
            var tdd = Directory.CreateDirectory(Path.Combine(root.FullName, "tdd"));
            File.WriteAllText(Path.Combine(tdd.FullName, "SKILL.md"),
                "# TDD\n\n## TDD Workflow\n\n```mermaid\nflowchart TD\n    RCACI[\"rca:ci\"] -->|fix found| TDDCI[\"tdd:ci\"]\n    TDDCI -->|CI green| DONE[Done]\n```\n");
            var s = new SessionStats
            {
                SessionId = "5e551011-0000",
                SkillsInvoked = [new SkillUsage { Skill = "rca:ci", Count = 1 }, new SkillUsage { Skill = "tdd:ci", Count = 2 }],
                SkillSequence = ["rca:ci", "tdd:ci", "tdd:ci"],
            };
            using var host = new ModuleHost();
            var r = host.Run("$args[0] | ConvertTo-SessionComment -SkillsPath $args[1]", s, root.FullName).AssertNoErrors();
            var body = Assert.Single(r.Of<string>());
            Assert.Contains("### TDD Workflow\n\n```mermaid\n", body);
            Assert.Contains("#4CAF50", body);
            Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
            Assert.Equal(1, parsed.WorkflowEdges["tdd"]["RCACI->TDDCI"]);
            Assert.Empty(s.WorkflowEdges);

            var missing = host.Run("$args[0] | ConvertTo-SessionComment -SkillsPath $args[1]", s, Path.Combine(root.FullName, "nope"));
            Assert.StartsWith("SkillsPathNotFound,", (missing.Terminating?.ErrorRecord ?? Assert.Single(missing.Errors)).FullyQualifiedErrorId);
        }
        finally { root.Delete(recursive: true); }
    }

    [Fact]
    public void ASessionTooLargeForGitHubIsANonTerminatingErrorAndTheOthersStillRender()
    {
        using var host = new ModuleHost();
        var huge = new SessionStats
        {
            SessionId = "b16b16b1-0000",
            Commits = Enumerable.Range(0, 2_000).Select(i => new CommitRecord { Sha = $"{i:x7}", Message = new string('m', 100) }).ToList(),
        };
        var r = host.Run("$args[0], $args[1] | ConvertTo-SessionComment", huge, CommentFixtures.DesignExample());
        Assert.Null(r.Terminating);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("CommentTooLarge,", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Equal("b16b16b1-0000", error.TargetObject);
        Assert.NotNull(error.ErrorDetails?.RecommendedAction);
        Assert.StartsWith("<!-- SESSION:00b11888 -->", Assert.Single(r.Of<string>()));
    }

    [Fact]
    public void ShortenedCommentsWarn()
    {
        using var host = new ModuleHost();
        var many = new SessionStats
        {
            SessionId = "7007a000-0000",
            Tools = Enumerable.Range(0, 3_000).ToDictionary(i => $"t{i:0000}", i => 1),
        };
        var r = host.Run("$args[0] | ConvertTo-SessionComment", many).AssertNoErrors();
        Assert.True(Assert.Single(r.Of<string>()).Length <= SessionCommentOptions.GitHubMaxLength);
        Assert.Contains(r.Warnings, w => w.Contains("shortened", StringComparison.Ordinal) && w.Contains("ToolTable", StringComparison.Ordinal));
    }

    [Fact]
    public void ConvertToSessionSummaryEmitsOneBodyForAllSessions()
    {
        using var host = new ModuleHost();
        var sessions = new object[]
        {
            CommentFixtures.SummarySession("00b11888-aaaa", "2026-02-08T22:26:37Z", 78, 12.45m, 2, "tdd:ci", "rca:ci"),
            CommentFixtures.SummarySession("a3f92bc1-aaaa", "2026-02-09T10:00:00Z", 45, 8.32m, 3, "tdd:ci"),
            CommentFixtures.SummarySession("f7e01d4a-aaaa", "2026-02-10T10:00:00Z", 125, 13.44m, 3, "tdd:hypershift"),
        };
        var r = host.Run("$args | ConvertTo-SessionSummary -Status merged", sessions).AssertNoErrors();
        var body = Assert.Single(r.Of<string>());
        Assert.Contains("**TL;DR:** 3 sessions | $34.21 total | 8 commits | merged\n", body);
        Assert.Contains("- Sum of session costs: $12.45 + $8.32 + $13.44 = **$34.21**\n", body);

        var issue = host.Run("ConvertTo-SessionSummary -InputObject $args -Target Issue -Number 5", sessions).AssertNoErrors();
        Assert.Contains("## Claude Code Issue Summary", Assert.Single(issue.Of<string>()));
    }

    [Fact]
    public void ConvertToSessionSummaryWarnsAboutDuplicatesAndErrsOnNoInput()
    {
        using var host = new ModuleHost();
        var s = CommentFixtures.DesignExample();
        var dup = host.Run("$args[0], $args[0] | ConvertTo-SessionSummary", s).AssertNoErrors();
        Assert.Contains("1 session |", Assert.Single(dup.Of<string>()));
        Assert.Contains(dup.Warnings, w => w.Contains("came 2 times", StringComparison.Ordinal));

        var none = host.Run("@() | ConvertTo-SessionSummary");
        Assert.Empty(none.Output);
        Assert.StartsWith("NoSessionStats,", Assert.Single(none.Errors).FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData("ConvertTo-SessionComment")]
    [InlineData("ConvertTo-SessionSummary")]
    public void HelpDocumentsEveryParameterWithExamples(string cmdlet)
    {
        using var host = new ModuleHost();
        var parameters = host.Run(
            "(Get-Command $args[0]).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }",
            cmdlet).AssertNoErrors().Of<string>();
        var doc = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "docs", cmdlet + ".md"));
        Assert.StartsWith("# " + cmdlet + "\n", doc.ReplaceLineEndings("\n"));
        Assert.NotEmpty(parameters);
        foreach (var p in parameters) Assert.Contains("\n### -" + p + "\n", doc.ReplaceLineEndings("\n"));
        Assert.True(doc.Split("\n### Example ").Length - 1 >= 2, "at least two examples");
    }

    [Fact]
    public void CmdletsDeclareStringOutput()
    {
        using var host = new ModuleHost();
        var r = host.Run("'ConvertTo-SessionComment', 'ConvertTo-SessionSummary' | ForEach-Object { (Get-Command $_).OutputType.Name }").AssertNoErrors();
        Assert.Equal(["System.String", "System.String"], r.Of<string>());
    }
}
