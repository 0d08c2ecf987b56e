using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.Comments;

public class SessionCommentRendererTests
{
    private const string TddMermaid = "flowchart TD\n    RCACI[\"rca:ci\"] -->|\"fix (1x)\"| TDDCI[\"tdd:ci\"]\n    linkStyle 0 stroke:#4CAF50";

    /// <summary>Everything above the JSON block for the design's example session, written out by hand from the design.</summary>
    private const string ExpectedHead =
        """
        <!-- SESSION:00b11888 -->
        ## Claude Code Session Report

        **TL;DR:** Session `00b11888` | opus-4-6 | 1h 18m | $12.45 | 2 commits | tdd:ci, rca:ci

        **Session:** `00b11888` | **Branch:** `fix/keycloak-652` | **Duration:** 1h 18m

        ### Token Usage

        | Model | Input | Output | Cache Create | Cache Read | Est. Cost |
        |-------|-------|--------|-------------|------------|-----------|
        | claude-opus-4-6 | 241,558 | 835,336 | 56.7M | 458.6M | $12.45 |
        | **Total** | **241,558** | **835,336** | **56.7M** | **458.6M** | **$12.45** |

        ### Subagents

        | ID | Type | Model | Input | Output | Description |
        |----|------|-------|-------|--------|-------------|
        | a3d04c8 | Explore | haiku | 5,000 | 12,000 | Explore session metadata context |
        | b7ef123 | general-purpose | sonnet | 8,000 | 25,000 | Analyze CI failure logs |

        ### Skills & Tools

        | Skill | Invocations | Status |
        |-------|-------------|--------|
        | tdd:ci | 2 | pass |
        | rca:ci | 1 | pass |

        <details><summary>Tool Usage</summary>

        | Tool | Count |
        |------|-------|
        | Bash | 958 |
        | Edit | 343 |
        | Read | 328 |
        | Grep | 110 |
        | Glob | 31 |
        | Write | 26 |
        | Task | 9 |
        | Skill | 3 |

        </details>

        ### TDD Workflow

        ```mermaid
        flowchart TD
            RCACI["rca:ci"] -->|"fix (1x)"| TDDCI["tdd:ci"]
            linkStyle 0 stroke:#4CAF50
        ```

        ### Problems Faced

        | Problem | Resolved | Iterations |
        |---------|----------|------------|
        | CI lint failure on line 42 | yes | 2 |

        ### Commits

        - `abc1234` - Fix keycloak token refresh
        - `def5678` - Add retry logic

        <details><summary>Session Data (JSON)</summary>

        """;

    private static string RenderDesignExample()
    {
        var s = CommentFixtures.DesignExample();
        return SessionCommentRenderer.Render(s, [CommentFixtures.Diagram(s.SessionId, "tdd", TddMermaid)]);
    }

    [Fact]
    public void DesignExampleRendersTheDesignTemplate()
    {
        var body = RenderDesignExample();
        var stats = CommentFixtures.DesignExample();
        var expected = ExpectedHead.ReplaceLineEndings("\n") + "\n```json\n" + SessionStatsJson.Write(stats) + "\n```\n\n</details>\n";
        Assert.Equal(expected, body);
    }

    [Fact]
    public void DesignTemplateLinesAppearVerbatimAndInOrder()
    {
        // Lines copied from the design document's "Per-Session Comment" template (the subagent table gains a
        // Description column; the diagram and JSON placeholders are filled in).
        string[] designLines =
        [
            "## Claude Code Session Report",
            "**TL;DR:** Session `00b11888` | opus-4-6 | 1h 18m | $12.45 | 2 commits | tdd:ci, rca:ci",
            "**Session:** `00b11888` | **Branch:** `fix/keycloak-652` | **Duration:** 1h 18m",
            "### Token Usage",
            "| Model | Input | Output | Cache Create | Cache Read | Est. Cost |",
            "|-------|-------|--------|-------------|------------|-----------|",
            "| claude-opus-4-6 | 241,558 | 835,336 | 56.7M | 458.6M | $12.45 |",
            "| **Total** | **241,558** | **835,336** | **56.7M** | **458.6M** | **$12.45** |",
            "### Subagents",
            "### Skills & Tools",
            "| Skill | Invocations | Status |",
            "|-------|-------------|--------|",
            "| tdd:ci | 2 | pass |",
            "| rca:ci | 1 | pass |",
            "<details><summary>Tool Usage</summary>",
            "| Tool | Count |",
            "|------|-------|",
            "| Bash | 958 |", "| Edit | 343 |", "| Read | 328 |", "| Grep | 110 |", "| Glob | 31 |", "| Write | 26 |", "| Task | 9 |", "| Skill | 3 |",
            "</details>",
            "### TDD Workflow",
            "### Problems Faced",
            "| Problem | Resolved | Iterations |",
            "|---------|----------|------------|",
            "| CI lint failure on line 42 | yes | 2 |",
            "### Commits",
            "- `abc1234` - Fix keycloak token refresh",
            "- `def5678` - Add retry logic",
            "<details><summary>Session Data (JSON)</summary>",
            "</details>",
        ];
        var lines = RenderDesignExample().Split('\n');
        int at = 0;
        foreach (var expected in designLines)
        {
            var found = Array.IndexOf(lines, expected, at);
            Assert.True(found >= 0, $"Design line not found (in order): {expected}");
            at = found + 1;
        }
        Assert.Equal("<!-- SESSION:00b11888 -->", lines[0]);
    }

    [Fact]
    public void RenderingIsDeterministic()
    {
        var s = CommentFixtures.DesignExample();
        var shuffledTools = new SessionStats
        {
            SessionId = s.SessionId,
            Tools = s.Tools.Reverse().ToDictionary(t => t.Key, t => t.Value),
        };
        var ordered = new SessionStats { SessionId = s.SessionId, Tools = s.Tools.ToDictionary(t => t.Key, t => t.Value) };
        Assert.Equal(RenderDesignExample(), RenderDesignExample());
        Assert.Equal(SessionCommentRenderer.Render(ordered, []), SessionCommentRenderer.Render(shuffledTools, []));
    }

    [Fact]
    public void EmptySectionsAreOmittedButTokenUsageAndJsonStay()
    {
        var body = SessionCommentRenderer.Render(CommentFixtures.Minimal(), []);
        Assert.StartsWith("<!-- SESSION:11111111 -->\n## Claude Code Session Report\n\n**TL;DR:** Session `11111111` | 0m | $0.00 | 0 commits\n\n**Session:** `11111111` | **Duration:** 0m\n\n### Token Usage\n", body);
        Assert.Contains("| **Total** | **0** | **0** | **0** | **0** | **$0.00** |", body);
        foreach (var absent in new[] { "### Subagents", "### Skills & Tools", "Workflow", "### Problems Faced", "### Commits", "Tool Usage", "Shortened" })
            Assert.DoesNotContain(absent, body);
        Assert.Contains("<details><summary>Session Data (JSON)</summary>", body);
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equivalent(CommentFixtures.Minimal(), parsed, strict: true);
    }

    [Fact]
    public void MultipleModelsUnpricedModelsAndOneCommit()
    {
        var s = new SessionStats
        {
            SessionId = "abcdef01-0000",
            Models =
            [
                new ModelUsage { Model = "claude-opus-4-6", InputTokens = 10, CostUsd = 1.5m },
                new ModelUsage { Model = "claude-haiku-4-5-20251001", InputTokens = 5, CostUsd = 0.004m },
                new ModelUsage { Model = "mystery-model", InputTokens = 2 },
            ],
            UnpricedModels = ["mystery-model"],
            InputTokens = 17,
            EstimatedCostUsd = 1.50m,
            Commits = [new CommitRecord { Sha = "1234567", Message = "Subject line\n\nBody text that is not shown" }],
            SkillsInvoked = [new SkillUsage { Skill = "tdd:ci", Count = 1 }],
        };
        var body = SessionCommentRenderer.Render(s, []);
        Assert.Contains("**TL;DR:** Session `abcdef01` | opus-4-6, haiku-4-5, mystery-model | 0m | $1.50 | 1 commit | tdd:ci\n", body);
        Assert.Contains("| claude-haiku-4-5-20251001 | 5 | 0 | 0 | 0 | $0.00 |\n", body);
        Assert.Contains("| mystery-model | 2 | 0 | 0 | 0 | unpriced |\n", body);
        Assert.Contains("_No price known for mystery-model: their tokens are counted, their cost is not included._", body);
        Assert.Contains("- `1234567` - Subject line\n", body);
        Assert.DoesNotContain("Body text", body.Split("<details><summary>Session Data")[0]);
        Assert.DoesNotContain("<details><summary>Tool Usage", body);
    }

    [Fact]
    public void TargetOptionOverridesTheJsonTargetWithoutChangingTheInput()
    {
        var s = CommentFixtures.DesignExample();
        var body = SessionCommentRenderer.Render(s, [], new SessionCommentOptions { TargetType = "Issue", TargetNumber = 123 });
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal("issue", parsed.TargetType);
        Assert.Equal(123, parsed.TargetNumber);
        Assert.Equal("pr", s.TargetType);
        Assert.Equal(652, s.TargetNumber);
    }

    [Fact]
    public void WorkflowEdgesOptionGoesIntoTheJson()
    {
        var s = CommentFixtures.DesignExample();
        var edges = new Dictionary<string, IReadOnlyDictionary<string, int>> { ["rca"] = new Dictionary<string, int> { ["A->B"] = 4 } };
        var body = SessionCommentRenderer.Render(s, [], new SessionCommentOptions { WorkflowEdges = edges });
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal(["rca"], parsed.WorkflowEdges.Keys);
        Assert.Equal(4, parsed.WorkflowEdges["rca"]["A->B"]);
        Assert.Equal(2, s.WorkflowEdges.Count);
    }

    [Theory]
    [InlineData("tdd", "TDD")]
    [InlineData("ci", "CI")]
    [InlineData("rca", "RCA")]
    [InlineData("test", "Test")]
    [InlineData("hypershift", "Hypershift")]
    public void WorkflowSectionTitles(string family, string title) =>
        Assert.Equal(title, SessionCommentRenderer.FamilyTitle(family));

    [Fact]
    public void ParserRejectsBodiesThatAreNotSessionComments()
    {
        Assert.False(SessionCommentParser.TryParse("", out _, out var e1));
        Assert.Contains("empty", e1);
        Assert.False(SessionCommentParser.TryParse("just a comment", out _, out var e2));
        Assert.Contains("marker", e2);
        // The marker inside a code span or code block is not a marker.
        Assert.Null(SessionCommentParser.GetMarkerShortId("Look: `<!-- SESSION:00b11888 -->`"));
        Assert.Null(SessionCommentParser.GetMarkerShortId("```\n<!-- SESSION:00b11888 -->\n```"));
        Assert.False(SessionCommentParser.IsSessionComment(SessionSummaryRenderer.Render([CommentFixtures.DesignExample()])));

        var body = RenderDesignExample();
        Assert.True(SessionCommentParser.IsSessionComment(body));
        Assert.Equal("00b11888", SessionCommentParser.GetMarkerShortId(body));

        Assert.False(SessionCommentParser.TryParse(body.Replace("```json", "```text"), out _, out var e3));
        Assert.Contains("json", e3);
        Assert.False(SessionCommentParser.TryParse(body.Replace("\"session_id\": \"00b11888", "\"session_id\": \"ffffffff"), out _, out var e4));
        Assert.Contains("marker names session 00b11888", e4);
        Assert.False(SessionCommentParser.TryParse(body.Replace("\"duration_minutes\": 78,", "\"duration_minutes\": 78"), out _, out var e5));
        Assert.Contains("not readable", e5);
    }

    [Fact]
    public void ParserToleratesAHandEditedBodyWithoutBlankLines()
    {
        var body = RenderDesignExample().Replace("<details><summary>Session Data (JSON)</summary>\n\n```json", "<details><summary>Session Data (JSON)</summary>\n```json");
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equivalent(CommentFixtures.DesignExample(), parsed, strict: true);
        Assert.True(SessionCommentParser.TryParse(RenderDesignExample().ReplaceLineEndings("\r\n"), out _, out var crlfError), crlfError);
    }
}
