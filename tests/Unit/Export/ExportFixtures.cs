using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.Export;

/// <summary>Sessions, PRs and records built in code for the export tests, hostile text included.</summary>
internal static class ExportFixtures
{
    public const string Opus = "claude-opus-4-6";
    public const string Sonnet = "claude-sonnet-4-5";
    public const string Haiku = "claude-haiku-4-5";
    public const string HostileTitle = "<script>alert(1)</script>";

    private static readonly DateTimeOffset Base = new(2026, 2, 2, 9, 30, 0, TimeSpan.Zero);

    public static SessionStats Measured(string id, int dayOffset, decimal cost, int commits = 1, string? branch = "fix/thing",
        string[]? skills = null, (string Model, long In, long Out, decimal? Cost)[]? models = null, int subagents = 0)
    {
        models ??= [(Opus, 1000, 2000, cost)];
        var started = Base.AddDays(dayOffset).AddMilliseconds(123);
        return new SessionStats
        {
            SessionId = id,
            Project = "acme/widget",
            Branch = branch,
            StartedAt = started,
            EndedAt = started.AddMinutes(42),
            DurationMinutes = 42,
            ActiveMinutes = 30,
            InputTokens = models.Sum(m => m.In),
            OutputTokens = models.Sum(m => m.Out),
            CacheCreationTokens = 50_000,
            CacheReadTokens = 4_000_000,
            EstimatedCostUsd = cost,
            Models = models.Select((m, i) => new ModelUsage
            {
                Model = m.Model, Messages = 10, InputTokens = m.In, OutputTokens = m.Out,
                CacheCreationTokens = i == 0 ? 50_000 : 0, CacheReadTokens = i == 0 ? 4_000_000 : 0, CostUsd = m.Cost,
            }).ToList(),
            SkillsInvoked = (skills ?? []).Select((s, i) => new SkillUsage { Skill = s, Count = i + 1, Status = i == 0 ? "pass" : "fail", InputTokens = 100 * (i + 1), OutputTokens = 200 * (i + 1) }).ToList(),
            Subagents = Enumerable.Range(0, subagents).Select(i => new SubagentUsage { Id = $"a{i}", Type = i % 2 == 0 ? "Explore" : null, Model = "haiku", InputTokens = 10, OutputTokens = 20 }).ToList(),
            Commits = Enumerable.Range(0, commits).Select(i => new CommitRecord { Sha = $"{id[..4]}{i:000}", Message = $"Commit {i}" }).ToList(),
            ProblemsFaced = [new ProblemRecord { Description = "lint", Resolved = true, Iterations = 2 }, new ProblemRecord { Description = "flaky", Resolved = false, Iterations = 1 }],
        };
    }

    public static PullRequestInfo Pr(int number, string state, string? title = null, string author = "octocat", double? hoursToMerge = null) => new()
    {
        Repository = "acme/widget",
        Number = number,
        TargetType = PullRequestTargetType.PullRequest,
        Title = title ?? $"Change {number}",
        Author = author,
        State = state,
        CreatedAt = Base.AddDays(-1),
        MergedAt = state == "merged" ? Base.AddDays(-1).AddHours(hoursToMerge ?? 5) : null,
        ClosedAt = state is "merged" or "closed" ? Base.AddDays(-1).AddHours(hoursToMerge ?? 5) : null,
        CiRuns = 4,
        CiPassRate = 75m,
        ReviewComments = 3,
        LinesAdded = 120,
        LinesRemoved = 30,
    };

    public static PullRequestInfo Issue(int number, string state, string? reason = null) => new()
    {
        Repository = "acme/widget",
        Number = number,
        TargetType = PullRequestTargetType.Issue,
        Title = $"Investigate {number}",
        Author = "hubot",
        State = state,
        StateReason = reason,
        CreatedAt = Base.AddDays(-3),
    };

    /// <summary>
    /// Three PRs (merged, closed, open; one with a hostile title), an issue and a local session, over two weeks:
    /// 7 records, several models, skills and subagents.
    /// </summary>
    public static List<SessionAnalyticsRecord> Mixed()
    {
        var merged = Pr(12, "merged", HostileTitle, hoursToMerge: 4.25);
        var closed = Pr(15, "closed", "=HYPERLINK(\"http://evil\",\"x\")", author: "-mallory");
        var open = Pr(20, "open", "Add | pipes * and _under_ [link](javascript:alert(1))");
        return
        [
            SessionAnalyticsRecord.FromStats(Measured("aaaa0001-0000-0000-0000-000000000001", 0, 12.45m, 2, skills: ["tdd:ci", "rca:ci"],
                models: [(Opus, 241_558, 835_336, 12.2m), (Haiku, 5_000, 12_000, 0.25m)], subagents: 3), merged),
            SessionAnalyticsRecord.FromStats(Measured("aaaa0002-0000-0000-0000-000000000002", 1, 8.32m, 3, skills: ["tdd:ci"]), merged),
            SessionAnalyticsRecord.FromStats(Measured("aaaa0003-0000-0000-0000-000000000003", 2, 3.10m, 0, skills: ["rca:ci"],
                models: [(Sonnet, 50_000, 9_000, 3.10m)]), closed),
            SessionAnalyticsRecord.FromStats(Measured("aaaa0004-0000-0000-0000-000000000004", 8, 5.00m, 1, models: [(Opus, 100, 200, 5.00m), ("claude-future-9", 10, 10, null)]), open),
            SessionAnalyticsRecord.FromStats(Measured("aaaa0005-0000-0000-0000-000000000005", 9, 1.75m, 1, skills: ["tdd:ci"]), open),
            SessionAnalyticsRecord.FromStats(Measured("aaaa0006-0000-0000-0000-000000000006", 9, 0.60m, 0), Issue(7, "closed", "completed")),
            SessionAnalyticsRecord.FromStats(Measured("aaaa0007-0000-0000-0000-000000000007", 10, 2.00m, 2, branch: "feature/local-only")),
        ];
    }
}
