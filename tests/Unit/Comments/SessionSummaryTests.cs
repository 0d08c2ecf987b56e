using System.Globalization;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.Comments;

public class SessionSummaryTests
{
    /// <summary>The design's three sessions, with tokens that add up to the design's aggregate row.</summary>
    private static List<SessionStats> DesignSessions()
    {
        var one = Session("00b11888-7e0c-4fb4-bb39-32ea32e09b64", "2026-02-08T22:26:37Z", 78, 12.45m, 2, ["tdd:ci", "rca:ci"], 241_000, 833_333, 56_666_666, 466_666_666);
        var two = Session("a3f92bc1-0000-4000-8000-000000000002", "2026-02-09T09:00:00Z", 45, 8.32m, 3, ["tdd:ci"], 241_000, 833_333, 56_666_667, 466_666_667);
        var three = Session("f7e01d4a-0000-4000-8000-000000000003", "2026-02-10T14:00:00Z", 125, 13.44m, 3, ["tdd:hypershift"], 241_000, 833_334, 56_666_667, 466_666_667);
        return [three, one, two]; // input order does not matter
    }

    private static SessionStats Session(string id, string started, int minutes, decimal cost, int commits, string[] skills,
        long input, long output, long cacheCreate, long cacheRead, string model = "claude-opus-4-6", string? target = "pr") => new()
    {
        SessionId = id,
        Branch = "fix/keycloak-652",
        TargetType = target,
        TargetNumber = target is null ? null : 652,
        StartedAt = DateTimeOffset.Parse(started, CultureInfo.InvariantCulture),
        EndedAt = DateTimeOffset.Parse(started, CultureInfo.InvariantCulture).AddMinutes(minutes),
        DurationMinutes = minutes,
        EstimatedCostUsd = cost,
        Models = [new ModelUsage { Model = model, Messages = 10, InputTokens = input, OutputTokens = output, CacheCreationTokens = cacheCreate, CacheReadTokens = cacheRead, CostUsd = cost }],
        InputTokens = input, OutputTokens = output, CacheCreationTokens = cacheCreate, CacheReadTokens = cacheRead,
        SkillsInvoked = skills.Select(s => new SkillUsage { Skill = s, Count = 1 }).ToList(),
        Commits = Enumerable.Range(0, commits).Select(i => new CommitRecord { Sha = $"{id[..4]}{i:000}", Message = "c" }).ToList(),
    };

    private const string ExpectedHead =
        """
        <!-- SESSION_SUMMARY -->
        ## Claude Code PR Summary

        **TL;DR:** 3 sessions | $34.21 total | 8 commits | merged

        **Sessions:** 3 | **Total Cost:** $34.21 | **Commits:** 8

        ### Aggregate Token Usage

        | Model | Input | Output | Cache Create | Cache Read | Est. Cost |
        |-------|-------|--------|-------------|------------|-----------|
        | claude-opus-4-6 | 723K | 2.5M | 170M | 1.4B | $34.21 |

        ### Session History

        | # | Session | Duration | Cost | Skills | Commits | Status |
        |---|---------|----------|------|--------|---------|--------|
        | 1 | `00b11888` | 1h 18m | $12.45 | tdd:ci, rca:ci | 2 | done |
        | 2 | `a3f92bc1` | 45m | $8.32 | tdd:ci | 3 | done |
        | 3 | `f7e01d4a` | 2h 05m | $13.44 | tdd:hypershift | 3 | done |

        ### Totals Verification

        - Sum of session costs: $12.45 + $8.32 + $13.44 = **$34.21**
        - Sum of session commits: 2 + 3 + 3 = **8**

        <details><summary>Summary Data (JSON)</summary>

        """;

    [Fact]
    public void DesignExampleRendersTheDesignTemplate()
    {
        var sessions = DesignSessions();
        var body = SessionSummaryRenderer.Render(sessions, new SummaryOptions { Status = "merged" });
        var data = SessionSummaryData.Aggregate(sessions, new SummaryOptions { Status = "merged" });
        var expected = ExpectedHead.ReplaceLineEndings("\n") + "\n```json\n" + SessionSummaryJson.Write(data) + "\n```\n\n</details>\n";
        Assert.Equal(expected, body);
    }

    [Fact]
    public void SummaryJsonHasTheDocumentedShape()
    {
        var data = SessionSummaryData.Aggregate(DesignSessions(), new SummaryOptions { Status = "merged" });
        using var doc = System.Text.Json.JsonDocument.Parse(SessionSummaryJson.Write(data));
        var r = doc.RootElement;
        Assert.Equal(
            ["schema_version", "target", "status", "session_count", "session_ids", "total_cost_usd", "total_commits", "total_duration_minutes", "total_tokens",
             "output_tokens_lower_bound", "output_tokens_lower_bound_sessions", "output_tokens_correction", "claude_code", "models", "sessions"],
            r.EnumerateObject().Select(p => p.Name));
        Assert.Equal("pr", r.GetProperty("target").GetProperty("type").GetString());
        Assert.Equal(652, r.GetProperty("target").GetProperty("number").GetInt32());
        Assert.Equal(34.21m, r.GetProperty("total_cost_usd").GetDecimal());
        Assert.Equal(8, r.GetProperty("total_commits").GetInt32());
        Assert.Equal(248, r.GetProperty("total_duration_minutes").GetInt32());
        Assert.Equal(1_400_000_000, r.GetProperty("total_tokens").GetProperty("cache_read").GetInt64());
        Assert.Equal(["00b11888-7e0c-4fb4-bb39-32ea32e09b64", "a3f92bc1-0000-4000-8000-000000000002", "f7e01d4a-0000-4000-8000-000000000003"],
            r.GetProperty("session_ids").EnumerateArray().Select(e => e.GetString()));
        var first = r.GetProperty("sessions")[0];
        Assert.Equal(
            ["session_id", "session_id_short", "branch", "started_at", "ended_at", "duration_minutes", "cost_usd", "commits", "skills", "models", "status",
             "output_tokens", "output_tokens_lower_bound", "claude_code_cost_usd", "claude_code_output_tokens"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(12.45m, first.GetProperty("cost_usd").GetDecimal());
    }

    [Fact]
    public void CostsAreRoundedPerSessionSoTheAddendsSumToTheTotal()
    {
        var sessions = new[]
        {
            Session("aaaaaaaa-1", "2026-01-01T00:00:00Z", 1, 0.005m, 0, [], 1, 1, 1, 1),
            Session("bbbbbbbb-2", "2026-01-01T01:00:00Z", 1, 0.015m, 0, [], 1, 1, 1, 1),
            Session("cccccccc-3", "2026-01-01T02:00:00Z", 1, 1.234m, 1, [], 1, 1, 1, 1),
        };
        var body = SessionSummaryRenderer.Render(sessions);
        Assert.Contains("- Sum of session costs: $0.01 + $0.02 + $1.23 = **$1.26**\n", body);
        Assert.Contains("- Sum of session commits: 0 + 0 + 1 = **1**\n", body);
        Assert.Contains("**TL;DR:** 3 sessions | $1.26 total | 1 commit\n", body);
    }

    [Fact]
    public void DisplayedSumsAlwaysAddUp()
    {
        var random = new Random(4711);
        for (int round = 0; round < 25; round++)
        {
            var sessions = Enumerable.Range(0, random.Next(1, 40)).Select(i => Session(
                $"{random.Next():x8}-{i}", $"2026-01-{random.Next(1, 28):00}T{random.Next(0, 24):00}:00:00Z", random.Next(0, 600),
                Math.Round((decimal)random.NextDouble() * 80m, 4), random.Next(0, 12), ["tdd:ci"], 1, 1, 1, 1)).ToList();
            var body = SessionSummaryRenderer.Render(sessions);

            var costs = Regex.Match(body, @"- Sum of session costs: (?<addends>.*) = \*\*\$(?<total>[0-9,.]+)\*\*");
            var addends = costs.Groups["addends"].Value.Split(" + ").Select(a => decimal.Parse(a.TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture)).ToList();
            var total = decimal.Parse(costs.Groups["total"].Value, NumberStyles.Number, CultureInfo.InvariantCulture);
            Assert.Equal(sessions.Count, addends.Count);
            Assert.Equal(total, addends.Sum());
            Assert.Equal(sessions.Sum(s => CommentFormatting.Cents(s.EstimatedCostUsd)), total);

            var commits = Regex.Match(body, @"- Sum of session commits: (?<addends>.*) = \*\*(?<total>[0-9,]+)\*\*");
            Assert.Equal(int.Parse(commits.Groups["total"].Value, NumberStyles.Number, CultureInfo.InvariantCulture),
                commits.Groups["addends"].Value.Split(" + ").Sum(a => int.Parse(a, NumberStyles.Number, CultureInfo.InvariantCulture)));

            Assert.True(SummaryParser.TryParse(body, out var parsed, out var error), error);
            Assert.Equal(total, parsed.TotalCostUsd);
            Assert.Equal(parsed.TotalCostUsd, parsed.Sessions.Sum(s => s.CostUsd));
            Assert.Equal(parsed.TotalCommits, parsed.Sessions.Sum(s => s.Commits));
        }
    }

    [Fact]
    public void SessionsAreOrderedByStartThenIdWhateverTheInputOrder()
    {
        var a = Session("bbbbbbbb-same-start", "2026-01-02T00:00:00Z", 1, 1m, 0, [], 1, 1, 1, 1);
        var b = Session("aaaaaaaa-same-start", "2026-01-02T00:00:00Z", 1, 1m, 0, [], 1, 1, 1, 1);
        var c = Session("cccccccc-earliest", "2026-01-01T00:00:00Z", 1, 1m, 0, [], 1, 1, 1, 1);
        var d = new SessionStats { SessionId = "00000000-no-start", EstimatedCostUsd = 1m };
        var one = SessionSummaryRenderer.Render([a, b, c, d]);
        var two = SessionSummaryRenderer.Render([d, c, b, a]);
        Assert.Equal(one, two);
        Assert.True(SummaryParser.TryParse(one, out var parsed, out var error), error);
        Assert.Equal(["cccccccc-earliest", "aaaaaaaa-same-start", "bbbbbbbb-same-start", "00000000-no-start"], parsed.SessionIds);
    }

    [Fact]
    public void DuplicateSessionsCountOnceTheFullestCopyWinsNotTheOneThatEndedLater()
    {
        var fuller = Session("00b11888-dup", "2026-01-01T00:00:00Z", 10, 1.00m, 1, [], 1_000, 1, 1, 1);
        var later = Session("00b11888-dup", "2026-01-01T00:00:00Z", 20, 2.00m, 2, [], 1, 1, 1, 1);
        var data = SessionSummaryData.Aggregate([later, fuller]);
        Assert.Equal(1, data.SessionCount);
        Assert.Equal(1.00m, data.TotalCostUsd);
        Assert.Equal(1, data.TotalCommits);
        // Equally full copies: the first one given counts.
        var twin = Session("00b11888-dup", "2026-01-01T00:00:00Z", 10, 7.00m, 1, [], 1_000, 1, 1, 1);
        Assert.Equal(7.00m, SessionSummaryData.Aggregate([twin, fuller]).TotalCostUsd);
        Assert.Equal(1.00m, SessionSummaryData.Aggregate([fuller, twin]).TotalCostUsd);
    }

    [Fact]
    public void IssueTargetsTitleTheSummaryAsIssue()
    {
        var issue = Session("11111111-a", "2026-01-01T00:00:00Z", 5, 1m, 0, ["rca:ci"], 1, 1, 1, 1, target: "issue");
        Assert.StartsWith("<!-- SESSION_SUMMARY -->\n## Claude Code Issue Summary\n", SessionSummaryRenderer.Render([issue]));
        var local = Session("22222222-b", "2026-01-01T00:00:00Z", 5, 1m, 0, [], 1, 1, 1, 1, target: null);
        Assert.StartsWith("<!-- SESSION_SUMMARY -->\n## Claude Code PR Summary\n", SessionSummaryRenderer.Render([issue, local]));
        var forced = SessionSummaryRenderer.Render([local], new SummaryOptions { TargetType = "Issue", TargetNumber = 9 });
        Assert.Contains("## Claude Code Issue Summary", forced);
        Assert.True(SummaryParser.TryParse(forced, out var parsed, out var error), error);
        Assert.Equal("issue", parsed.TargetType);
        Assert.Equal(9, parsed.TargetNumber);
        Assert.Null(parsed.Status);
        Assert.Contains("**TL;DR:** 1 session | $1.00 total | 0 commits\n", forced);
    }

    [Fact]
    public void SeveralModelsGetATotalRowAndUnpricedModelsSayso()
    {
        var opus = Session("aaaaaaaa-1", "2026-01-01T00:00:00Z", 5, 3m, 0, [], 1_000, 2_000, 0, 0);
        var haiku = Session("bbbbbbbb-2", "2026-01-01T01:00:00Z", 5, 0m, 0, [], 500, 10, 0, 0, model: "mystery");
        var body = SessionSummaryRenderer.Render([opus, haiku]);
        Assert.Contains("| claude-opus-4-6 | 1K | 2K | 0 | 0 | $3.00 |\n", body);
        // Session() prices every model; make one unpriced explicitly.
        var unpriced = new SessionStats { SessionId = "cccccccc-3", Models = [new ModelUsage { Model = "mystery-2", InputTokens = 5 }], InputTokens = 5 };
        body = SessionSummaryRenderer.Render([opus, unpriced]);
        Assert.Contains("| mystery-2 | 5 | 0 | 0 | 0 | unpriced |\n", body);
        Assert.Contains("| **Total** | **1K** | **2K** | **0** | **0** | **$3.00** |\n", body);
    }

    [Fact]
    public void ParsedSummaryGivesBackTheAggregate()
    {
        var options = new SummaryOptions { Status = "merged" };
        var expected = SessionSummaryData.Aggregate(DesignSessions(), options);
        var body = SessionSummaryRenderer.Render(DesignSessions(), options);
        Assert.True(SummaryParser.IsSummaryComment(body));
        Assert.False(SummaryParser.IsSummaryComment(SessionCommentRenderer.Render(CommentFixtures.DesignExample(), [])));
        Assert.True(SummaryParser.TryParse(body, out var actual, out var error), error);
        Assert.Equal(expected.TargetType, actual.TargetType);
        Assert.Equal(expected.TargetNumber, actual.TargetNumber);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.SessionIds, actual.SessionIds);
        Assert.Equal(expected.TotalCostUsd, actual.TotalCostUsd);
        Assert.Equal(expected.TotalCommits, actual.TotalCommits);
        Assert.Equal(expected.TotalDurationMinutes, actual.TotalDurationMinutes);
        Assert.Equal((expected.InputTokens, expected.OutputTokens, expected.CacheCreationTokens, expected.CacheReadTokens),
            (actual.InputTokens, actual.OutputTokens, actual.CacheCreationTokens, actual.CacheReadTokens));
        Assert.Equal(expected.Models.Select(m => (m.Model, m.Messages, m.InputTokens, m.OutputTokens, m.CacheCreationTokens, m.CacheCreation1hTokens, m.CacheReadTokens, m.CostUsd)),
            actual.Models.Select(m => (m.Model, m.Messages, m.InputTokens, m.OutputTokens, m.CacheCreationTokens, m.CacheCreation1hTokens, m.CacheReadTokens, m.CostUsd)));
        Assert.Equal(expected.Sessions.Count, actual.Sessions.Count);
        for (int i = 0; i < expected.Sessions.Count; i++)
        {
            var (e, a) = (expected.Sessions[i], actual.Sessions[i]);
            Assert.Equal((e.SessionId, e.Branch, e.StartedAt, e.EndedAt, e.DurationMinutes, e.CostUsd, e.Commits, e.Status),
                (a.SessionId, a.Branch, a.StartedAt, a.EndedAt, a.DurationMinutes, a.CostUsd, a.Commits, a.Status));
            Assert.Equal(e.Skills, a.Skills);
            Assert.Equal(e.Models, a.Models);
        }
        Assert.False(SummaryParser.TryParse("<!-- SESSION_SUMMARY -->\nno json", out _, out var missing));
        Assert.Contains("Summary Data (JSON)", missing);
        Assert.False(SummaryParser.TryParse("hello", out _, out var noMarker));
        Assert.Contains("SESSION_SUMMARY", noMarker);
    }

    [Fact]
    public void HostileSessionTextCannotBreakTheSummary()
    {
        var token = "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8";
        var evil = new SessionStats
        {
            SessionId = "e-->il<!--id",
            Branch = "x|y</details>",
            SkillsInvoked = [new SkillUsage { Skill = "tdd|x\n<!-- SESSION_SUMMARY -->", Count = 1 }, new SkillUsage { Skill = token, Count = 1 }],
            ProblemsFaced = [new ProblemRecord { Description = "open" }],
            EstimatedCostUsd = 1m,
        };
        var body = SessionSummaryRenderer.Render([evil], new SummaryOptions { Status = "merged | <b>x</b>" });
        Assert.DoesNotContain(token, body);
        var doc = Markdown.Parse(body, new MarkdownPipelineBuilder().UsePipeTables().Build());
        foreach (var table in doc.Descendants<Table>())
            Assert.All(table.OfType<TableRow>(), r => Assert.Equal(((TableRow)table[0]).Count, r.Count));
        Assert.Single(Regex.Matches(body, "<!-- SESSION_SUMMARY -->"));
        Assert.Contains(" | 1 unresolved |\n", body);
        Assert.True(SummaryParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal("e-->il<!--id", parsed.Sessions[0].SessionId);
        Assert.Equal(["tdd|x\n<!-- SESSION_SUMMARY -->", "[REDACTED]"], parsed.Sessions[0].Skills);
        Assert.Equal("1 unresolved", parsed.Sessions[0].Status);
    }

    [Fact]
    public void ZeroSessionsStillRenderAParseableSummary()
    {
        var body = SessionSummaryRenderer.Render([]);
        Assert.Contains("**TL;DR:** 0 sessions | $0.00 total | 0 commits\n", body);
        Assert.DoesNotContain("### Session History", body);
        Assert.True(SummaryParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal(0, parsed.SessionCount);
    }

    private static List<SessionStats> ManySessions(int count) => Enumerable.Range(0, count)
        .Select(i => Session($"{i:x8}-0000-4000-8000-{i:x12}", "2026-01-01T00:00:00Z", i, 1.11m, 1, ["tdd:ci", "rca:ci"], 1, 1, 1, 1))
        .ToList();

    [Fact]
    public void LargeSummariesShortenTheHistoryThenCompactTheJsonButKeepAllSums()
    {
        var sessions = ManySessions(120);
        var full = SessionSummaryRenderer.RenderDetailed(sessions, new SummaryOptions { MaxLength = int.MaxValue });
        Assert.Equal(CommentDegradation.None, full.Degradation);

        int max = full.Length - 1;
        foreach (var (degradation, limit) in new[]
        {
            (CommentDegradation.ListsShortened, (int?)50),
            (CommentDegradation.ListsShortened, 10),
            (CommentDegradation.ListsShortened, 0),
            (CommentDegradation.ListsShortened | CommentDegradation.CompactJson, 0),
        })
        {
            var r = SessionSummaryRenderer.RenderDetailed(sessions, new SummaryOptions { MaxLength = max });
            Assert.Equal(degradation, r.Degradation);
            Assert.Equal(limit, r.ListLimit);
            Assert.Contains("| ... and ", r.Body);
            Assert.Contains("= **$133.20**", r.Body);
            Assert.True(SummaryParser.TryParse(r.Body, out var parsed, out var error), error);
            Assert.Equal(120, parsed.SessionCount);
            max = r.Length - 1;
        }
        // Then the per-session rows collapse: the JSON keeps the ids, then not even those, then the sum keeps only its total.
        foreach (var (idsKept, addends) in new[] { (true, true), (false, true), (false, false) })
        {
            var r = SessionSummaryRenderer.RenderDetailed(sessions, new SummaryOptions { MaxLength = max });
            Assert.Equal(CommentDegradation.ListsShortened | CommentDegradation.CompactJson | CommentDegradation.RowsCollapsed, r.Degradation);
            Assert.DoesNotContain("| ... and ", r.Body);
            Assert.Contains("120 sessions: the rows are collapsed", r.Body);
            Assert.Contains(addends ? "+ $1.11 = **$133.20**" : "- Sum of 120 session costs = **$133.20**", r.Body);
            Assert.True(SummaryParser.TryParse(r.Body, out var parsed, out var error), error);
            Assert.Equal((120, 133.20m, 120, idsKept ? 120 : 0), (parsed.SessionCount, parsed.TotalCostUsd, parsed.TotalCommits, parsed.SessionIds.Count));
            Assert.Empty(parsed.Sessions);
            max = r.Length - 1;
        }
        var e = Assert.Throws<EngineException>(() => SessionSummaryRenderer.Render(sessions, new SummaryOptions { MaxLength = max }));
        Assert.Equal("SummaryTooLarge", e.Error.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, e.Error.Kind);
    }

    [Fact]
    public void ThousandsOfSessionsCollapseTheirRowsAndStillFit()
    {
        var r = SessionSummaryRenderer.RenderDetailed(ManySessions(1_500));
        Assert.True(r.Length <= SessionCommentOptions.GitHubMaxLength);
        Assert.True(r.Degradation.HasFlag(CommentDegradation.RowsCollapsed));
        Assert.Contains("**TL;DR:** 1,500 sessions | $1,665.00 total | 1,500 commits", r.Body);
        Assert.Contains("the per-session rows are collapsed", r.Body);
        Assert.True(SummaryParser.TryParse(r.Body, out var parsed, out var error), error);
        Assert.Equal((1_500, 1_665m), (parsed.SessionCount, parsed.TotalCostUsd));
    }

    [Fact]
    public void Sums_that_cannot_be_held_are_a_clear_error_not_an_overflow()
    {
        var huge = Enumerable.Range(0, 2).Select(i => Session($"{i:x8}-huge", "2026-01-01T00:00:00Z", 1, 1m, 0, [], long.MaxValue - 10, 0, 0, 0)).ToList();
        var e = Assert.Throws<EngineException>(() => SessionSummaryRenderer.Render(huge));
        Assert.Equal((SessionSummaryData.FiguresOverflowErrorId, ErrorKind.LimitsExceeded), (e.Error.ErrorId, e.Error.Kind));
    }

    [Fact]
    public void Notes_say_what_was_not_counted()
    {
        var body = SessionSummaryRenderer.Render(DesignSessions(), new SummaryOptions { Notes = ["2 session comments by other authors were not counted."] });
        Assert.Contains("_2 session comments by other authors were not counted._\n", body);
    }
}
