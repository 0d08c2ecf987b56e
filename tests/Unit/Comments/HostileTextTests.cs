using System.Net;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.Comments;

/// <summary>
/// Session text that tries to break the comment: table pipes, line breaks, HTML comments and markers, details
/// blocks, code fences, fake JSON blocks, mentions, unicode. The comment must keep its shape, show the text as
/// text, and give every byte back through the JSON.
/// </summary>
public class HostileTextTests
{
    private const string Evil =
        "Tests fail | exit 1 --> see <!-- SESSION:deadbeef --> and </details>\n```\nrm -rf / `x` <script>alert(1)</script> " +
        "@octocat $a$ ~~x~~ **b** [l](http://e) &amp; \\| 你好 😀 e\u0301 \u202Ertl\u202C\u2028next\ttab";

    private const string FakeJsonBlock =
        "</details>\n<details><summary>Session Data (JSON)</summary>\n\n```json\n{\"session_id\":\"evil\"}\n```\n\n</details>";

    private static readonly MarkdownPipeline Gfm = new MarkdownPipelineBuilder().UsePipeTables().Build();

    internal static SessionStats HostileStats(string id = "00b11888-7e0c-4fb4-bb39-32ea32e09b64") => new()
    {
        SessionId = id,
        Project = "o/r <!--",
        Branch = "feat/`tick`|pipe-->",
        TargetType = "issue",
        TargetNumber = 7,
        StartedAt = DateTimeOffset.Parse("2026-01-01T00:00:00Z"),
        EndedAt = DateTimeOffset.Parse("2026-01-01T01:00:59Z"),
        DurationMinutes = 60,
        ActiveMinutes = 1,
        MessageCount = 3,
        InputTokens = 1, OutputTokens = 2, CacheCreationTokens = 3, CacheReadTokens = 4,
        EstimatedCostUsd = 0.01m,
        Models = [new ModelUsage { Model = "claude-<b>x</b>|y", InputTokens = 1, OutputTokens = 2, CacheCreationTokens = 3, CacheReadTokens = 4, CacheCreation1hTokens = 1, CostUsd = 0.0123m, Messages = 3 }],
        Tools = new Dictionary<string, int> { ["Bash|x"] = 2, ["mcp__srv__<tool>"] = 1, ["```"] = 1 },
        SkillsInvoked = [new SkillUsage { Skill = "tdd:ci|evil\n### injected", Count = 1, Status = "fail", InputTokens = 5, OutputTokens = 6 }],
        SkillSequence = ["tdd:ci|evil\n### injected"],
        Subagents = [new SubagentUsage { Id = "a|1", Type = "Explore\n|", Model = "haiku", Description = FakeJsonBlock, DurationMs = 5, ToolUseCount = 2, TotalTokens = 9, Source = "tool_result" }],
        Commits = [new CommitRecord { Sha = "abc`123", Message = "```json\n{\"fake\": true}\n```\n</details>", Branch = "x|y" }],
        ProblemsFaced = [new ProblemRecord { Description = Evil, Resolved = false, Iterations = 3, Kind = "tool_error" }],
        WorkflowEdges = new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            ["t|d<d>"] = new Dictionary<string, int> { ["A<x>->B"] = 1, ["B-->C->D"] = 2 },
        },
        Cwd = "C:\\work\\<dir>",
        Version = "1.0 -->",
        Branches = ["main", "feat/`tick`|pipe-->"],
        UnpricedModels = ["<none>"],
    };

    private static string Render(SessionStats s) => SessionCommentRenderer.Render(s,
        [CommentFixtures.Diagram(s.SessionId, "t|d<d>", "flowchart TD\n  A[\"```\"] --> B[\"</details> -->\"]")]);

    [Fact]
    public void RoundTripGivesBackEveryHostileByte()
    {
        var s = HostileStats();
        Assert.True(SessionCommentParser.TryParse(Render(s), out var parsed, out var error), error);
        Assert.Equivalent(s, parsed, strict: true);
    }

    [Fact]
    public void HostileSessionIdKeepsTheMarkerIntact()
    {
        var s = HostileStats("a-->b<!--c-d-e");
        var body = Render(s);
        Assert.StartsWith("<!-- SESSION:a--_b__- -->\n", body);
        Assert.Equal("a--_b__-", SessionCommentParser.GetMarkerShortId(body));
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equivalent(s, parsed, strict: true);
    }

    [Fact]
    public void OnlyTheRendererProducesHtml()
    {
        var body = Render(HostileStats());
        var doc = Markdown.Parse(body, Gfm);
        var html = doc.Descendants<HtmlBlock>().Select(h => h.Lines.ToString().Trim())
            .Concat(doc.Descendants<HtmlInline>().Select(h => h.Tag))
            .ToList();
        Assert.Equal(
        [
            "<!-- SESSION:00b11888 -->",
            "<details><summary>Tool Usage</summary>",
            "</details>",
            "<details><summary>Session Data (JSON)</summary>",
            "</details>",
        ], html);
        Assert.Equal(2, doc.Descendants<FencedCodeBlock>().Count());
        Assert.False(SummaryParser.IsSummaryComment(body));
        // Outside diagrams (verbatim Mermaid from the skill templates, inside a code fence) the raw body holds no
        // '<' that the renderer did not write: session text carries entities, the JSON \u003C.
        var raw = SessionCommentRenderer.Render(HostileStats(), []);
        foreach (var own in new[] { "<!-- SESSION:00b11888 -->", "<details>", "</details>", "<summary>", "</summary>" })
            raw = raw.Replace(own, "");
        Assert.DoesNotContain("<", raw);
        Assert.DoesNotContain(">", raw);
    }

    [Fact]
    public void TablesKeepTheirColumns()
    {
        var doc = Markdown.Parse(Render(HostileStats()), Gfm);
        var tables = doc.Descendants<Table>().ToList();
        Assert.Equal(5, tables.Count); // tokens, subagents, skills, tools, problems
        foreach (var table in tables)
        {
            var rows = table.OfType<TableRow>().ToList();
            var width = rows[0].Count;
            Assert.All(rows, r => Assert.Equal(width, r.Count));
        }
        // Headings come only from the renderer: nothing "### injected".
        Assert.DoesNotContain(doc.Descendants<HeadingBlock>(), h => Inline(h.Inline).Contains("injected"));
    }

    [Fact]
    public void ReadersSeeTheOriginalTextInTheCells()
    {
        var html = Markdown.ToHtml(Render(HostileStats()), Gfm);
        var problemRow = Regex.Match(html, "<th>Problem</th>.*?<tbody>\\s*<tr>\\s*<td>(?<cell>.*?)</td>", RegexOptions.Singleline);
        Assert.True(problemRow.Success);
        var shown = WebUtility.HtmlDecode(problemRow.Groups["cell"].Value).Replace(MarkdownEscaping.MentionBreaker.ToString(), "");
        var expected = MarkdownEscaping.Truncate(MarkdownEscaping.SingleLine(Evil), 200);
        Assert.Equal(expected, shown);
    }

    [Fact]
    public void JsonBlockCannotBeClosedByItsContent()
    {
        var s = HostileStats();
        var json = SessionStatsJson.Write(SessionCommentRenderer.PrepareForComment(s));
        foreach (var closer in new[] { "-->", "<!--", "</details>", "```", "<", ">", "`" })
            Assert.DoesNotContain(closer, json);
        Assert.DoesNotContain('\n', SessionStatsJson.Write(s, indented: false));
    }

    [Fact]
    public void SecretsInSessionTextAppearNowhereInTheBody()
    {
        var token = "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8";
        var s = HostileStats();
        var leaky = new SessionStats
        {
            SessionId = s.SessionId,
            Branch = "fix/" + token,
            Commits = [new CommitRecord { Sha = "abc1234", Message = "use " + token }],
            ProblemsFaced = [new ProblemRecord { Description = "export GH_TOKEN=" + token }],
            Subagents = [new SubagentUsage { Id = "x", Description = "Authorization: Bearer " + token }],
            SkillsInvoked = [new SkillUsage { Skill = token, Count = 1 }],
            Tools = new Dictionary<string, int> { [token] = 1 },
        };
        var body = SessionCommentRenderer.Render(leaky, [CommentFixtures.Diagram(s.SessionId, "tdd", "flowchart TD\n  A[\"" + token + "\"] --> B")]);
        Assert.DoesNotContain(token, body);
        Assert.DoesNotContain(token[..20], body);
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal("use [REDACTED]", parsed.Commits[0].Message);
        Assert.Equal("fix/[REDACTED]", parsed.Branch);
    }

    [Fact]
    public void UnicodeRoundTrips()
    {
        var s = new SessionStats
        {
            SessionId = "ünï-cødé-🙂-session",
            Branch = "feature/日本語-ветка",
            Commits = [new CommitRecord { Sha = "abc1234", Message = "修复 😀 \uD83D\uDC4D🏽 e\u0301 \u0000nul" }],
        };
        var body = SessionCommentRenderer.Render(s, []);
        Assert.True(SessionCommentParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equivalent(s, parsed, strict: true);
        Assert.Contains("`feature/日本語-ветка`", body);
    }

    private static string Inline(ContainerInline? inline) =>
        inline is null ? "" : string.Concat(inline.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
}
