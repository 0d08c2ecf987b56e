using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.Tests.Comments;

/// <summary>GitHub's 65,536-character limit: the documented degradation order, and the JSON never cut.</summary>
public class CommentSizeTests
{
    /// <summary>Many tools, diagrams and long lists: far over the limit when rendered in full, small JSON per item.</summary>
    private static SessionStats Pathological(int tools = 500, int commits = 80, int problems = 60, int subagents = 60) => new()
    {
        SessionId = "deadbeef-0000-4000-8000-000000000000",
        Branch = "fix/huge",
        DurationMinutes = 600,
        Models = [new ModelUsage { Model = "claude-opus-4-6", InputTokens = 1, CostUsd = 1m }],
        Tools = Enumerable.Range(0, tools).ToDictionary(i => $"mcp__s__t{i:0000}", i => i % 97 + 1),
        SkillsInvoked = Enumerable.Range(0, 80).Select(i => new SkillUsage { Skill = $"skill:{i}", Count = 1 }).ToList(),
        Subagents = Enumerable.Range(0, subagents).Select(i => new SubagentUsage { Id = $"a{i:000000}", Type = "Explore", Model = "haiku", Description = "Look " + new string('d', 200) }).ToList(),
        Commits = Enumerable.Range(0, commits).Select(i => new CommitRecord { Sha = $"{i:x7}", Message = $"Commit {i} " + new string('m', 150) }).ToList(),
        ProblemsFaced = Enumerable.Range(0, problems).Select(i => new ProblemRecord { Description = $"Problem {i} " + new string('p', 150), Iterations = 1 }).ToList(),
    };

    private static IReadOnlyList<WorkflowDiagram> Diagrams(SessionStats s, int count = 6) =>
        Enumerable.Range(0, count).Select(i => CommentFixtures.Diagram(s.SessionId, $"family{i}",
            "flowchart TD\n" + string.Concat(Enumerable.Range(0, 150).Select(n => $"  N{n} -->|\"step {n} (1x)\"| N{n + 1}\n")))).ToList();

    [Fact]
    public void DegradesInTheDocumentedOrder()
    {
        var s = Pathological();
        var diagrams = Diagrams(s);
        var expected = new[]
        {
            (CommentDegradation.None, (int?)null),
            (CommentDegradation.ToolTableCollapsed, null),
            (CommentDegradation.ToolTableOmitted, null),
            (CommentDegradation.ToolTableOmitted | CommentDegradation.DiagramsOmitted, null),
            (CommentDegradation.ToolTableOmitted | CommentDegradation.DiagramsOmitted | CommentDegradation.ListsShortened, 50),
            (CommentDegradation.ToolTableOmitted | CommentDegradation.DiagramsOmitted | CommentDegradation.ListsShortened, 10),
            (CommentDegradation.ToolTableOmitted | CommentDegradation.DiagramsOmitted | CommentDegradation.ListsShortened, 0),
            (CommentDegradation.ToolTableOmitted | CommentDegradation.DiagramsOmitted | CommentDegradation.ListsShortened | CommentDegradation.CompactJson, 0),
        };
        int max = int.MaxValue;
        var fullJson = SessionStatsJson.Write(s);
        foreach (var (degradation, limit) in expected)
        {
            var r = SessionCommentRenderer.RenderDetailed(s, diagrams, new SessionCommentOptions { MaxLength = max });
            Assert.Equal(degradation, r.Degradation);
            Assert.Equal(limit, r.ListLimit);
            Assert.True(r.Length <= max);
            Assert.True(SessionCommentParser.TryParse(r.Body, out var parsed, out var error), error);
            Assert.Equivalent(s, parsed, strict: true);
            if (!degradation.HasFlag(CommentDegradation.CompactJson)) Assert.Contains(fullJson, r.Body);
            max = r.Length - 1;
        }
        var e = Assert.Throws<EngineException>(() => SessionCommentRenderer.Render(s, diagrams, new SessionCommentOptions { MaxLength = max }));
        Assert.Equal("CommentTooLarge", e.Error.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, e.Error.Kind);
        Assert.Equal(s.SessionId, e.Error.Target);
        Assert.Contains("_Shortened to fit GitHub's comment size limit: ", SessionCommentRenderer.Render(s, diagrams, new SessionCommentOptions { MaxLength = max + 1 }));
    }

    [Fact]
    public void EachStepShowsWhatWasGivenUp()
    {
        var s = Pathological(tools: 1_000, commits: 80, problems: 40, subagents: 20);
        var body = SessionCommentRenderer.Render(s, Diagrams(s));
        Assert.True(body.Length <= SessionCommentOptions.GitHubMaxLength);
        Assert.Contains("_Shortened to fit GitHub's comment size limit: the tool table is left out; 6 workflow diagrams are left out; lists show at most ", body);
        Assert.Contains("**Tools:** ", body);
        Assert.DoesNotContain("```mermaid", body);
        Assert.Contains("| ... and ", body);
        Assert.Contains("- ... and ", body);
        Assert.Contains("The Session Data JSON below is complete._", body);
    }

    [Fact]
    public void CollapsedToolTableSumsTheRest()
    {
        var s = new SessionStats
        {
            SessionId = "c0ffee00",
            Tools = Enumerable.Range(1, 40).ToDictionary(i => $"T{i:00}", i => i),
        };
        var full = SessionCommentRenderer.RenderDetailed(s, []);
        var r = SessionCommentRenderer.RenderDetailed(s, [], new SessionCommentOptions { MaxLength = full.Length - 1 });
        Assert.Equal(CommentDegradation.ToolTableCollapsed, r.Degradation);
        Assert.Contains("| T40 | 40 |\n", r.Body);
        Assert.Contains("| T31 | 31 |\n| Other (30 tools) | 465 |\n", r.Body);
        Assert.DoesNotContain("| T30 |", r.Body);
    }

    [Fact]
    public void RealisticPathologicalSessionFitsUnderGitHubsLimit()
    {
        // Thousands of tools and long texts everywhere, yet a JSON that fits once compact.
        var s = Pathological(tools: 1_000, commits: 80, problems: 40, subagents: 20);
        var r = SessionCommentRenderer.RenderDetailed(s, Diagrams(s, 20));
        Assert.True(r.Length <= SessionCommentOptions.GitHubMaxLength, $"{r.Length}");
        Assert.True(r.Degradation.HasFlag(CommentDegradation.CompactJson));
        Assert.True(SessionCommentParser.TryParse(r.Body, out var parsed, out var error), error);
        Assert.Equivalent(s, parsed, strict: true);
    }

    [Fact]
    public void HugeDescriptionsAreCutInCellsButNotInTheJson()
    {
        var huge = "start " + new string('x', 30_000) + " end";
        var s = new SessionStats { SessionId = "0badf00d", ProblemsFaced = [new ProblemRecord { Description = huge }] };
        var body = SessionCommentRenderer.Render(s, []);
        var row = body.Split('\n').Single(l => l.StartsWith("| start "));
        Assert.True(row.Length < 260, row.Length.ToString());
        Assert.EndsWith("… | no | 0 |", row);
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal(huge, parsed.ProblemsFaced[0].Description);
    }

    [Fact]
    public void ThousandsOfCommitsThatCannotFitThrowCommentTooLarge()
    {
        var s = Pathological(tools: 5_000, commits: 5_000, problems: 3_000, subagents: 10);
        var e = Assert.Throws<EngineException>(() => SessionCommentRenderer.Render(s, Diagrams(s)));
        Assert.Equal(SessionCommentRenderer.TooLargeErrorId, e.Error.ErrorId);
        Assert.Contains("never cut", e.Message);
        Assert.NotNull(e.Error.RecommendedAction);
    }
}
