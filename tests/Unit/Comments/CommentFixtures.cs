using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.Tests.Comments;

/// <summary>SessionStats built in code: the design's example session and hostile or huge variants.</summary>
internal static class CommentFixtures
{
    /// <summary>The design document's per-session JSON example as an object.</summary>
    public static SessionStats DesignExample() => new()
    {
        SessionId = "00b11888-7e0c-4fb4-bb39-32ea32e09b64",
        Project = "kagenti/kagenti",
        Branch = "fix/keycloak-652",
        TargetType = "pr",
        TargetNumber = 652,
        StartedAt = DateTimeOffset.Parse("2026-02-08T22:26:37Z"),
        EndedAt = DateTimeOffset.Parse("2026-02-08T23:45:12Z"),
        DurationMinutes = 78,
        ActiveMinutes = 61,
        MessageCount = 48,
        Models =
        [
            new ModelUsage
            {
                Model = "claude-opus-4-6", Messages = 48, InputTokens = 241_558, OutputTokens = 835_336,
                CacheCreationTokens = 56_722_690, CacheReadTokens = 458_575_867, CostUsd = 12.45m,
            },
        ],
        InputTokens = 241_558,
        OutputTokens = 835_336,
        CacheCreationTokens = 56_722_690,
        CacheReadTokens = 458_575_867,
        EstimatedCostUsd = 12.45m,
        Tools = new Dictionary<string, int>
        {
            ["Bash"] = 958, ["Read"] = 328, ["Edit"] = 343, ["Grep"] = 110, ["Glob"] = 31, ["Write"] = 26, ["Task"] = 9, ["Skill"] = 3,
        },
        SkillsInvoked =
        [
            new SkillUsage { Skill = "tdd:ci", Count = 2, Status = "pass", InputTokens = 50_000, OutputTokens = 120_000 },
            new SkillUsage { Skill = "rca:ci", Count = 1, Status = "pass", InputTokens = 20_000, OutputTokens = 45_000 },
        ],
        SkillSequence = ["rca:ci", "tdd:ci", "tdd:ci"],
        Subagents =
        [
            new SubagentUsage { Id = "a3d04c8", Type = "Explore", Model = "haiku", InputTokens = 5_000, OutputTokens = 12_000, Description = "Explore session metadata context" },
            new SubagentUsage { Id = "b7ef123", Type = "general-purpose", Model = "sonnet", InputTokens = 8_000, OutputTokens = 25_000, Description = "Analyze CI failure logs" },
        ],
        Commits =
        [
            new CommitRecord { Sha = "abc1234", Message = "Fix keycloak token refresh" },
            new CommitRecord { Sha = "def5678", Message = "Add retry logic" },
        ],
        ProblemsFaced = [new ProblemRecord { Description = "CI lint failure on line 42", Resolved = true, Iterations = 2 }],
        WorkflowEdges = new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            ["tdd"] = new Dictionary<string, int> { ["RCACI->TDDCI"] = 1, ["TDDCI->HS"] = 2, ["HS->REVIEWS"] = 1 },
            ["ci"] = new Dictionary<string, int> { ["STATUS->RESULT"] = 3, ["RESULT->RCACI"] = 2 },
        },
        Cwd = "/home/dev/kagenti",
        Version = "2.1.37",
        Branches = ["main", "fix/keycloak-652"],
    };

    public static WorkflowDiagram Diagram(string sessionId, string family, string mermaid) => new()
    {
        SessionId = sessionId,
        Family = family,
        Mermaid = mermaid,
        TraversedEdges = 1,
        TotalEdges = 2,
    };

    public static SessionStats Minimal(string id = "11111111-2222-3333-4444-555555555555") => new() { SessionId = id };

    /// <summary>A summary session: cost, commits, skills, start time.</summary>
    public static SessionStats SummarySession(string id, string started, int minutes, decimal cost, int commits, params string[] skills) => new()
    {
        SessionId = id,
        Branch = "fix/keycloak-652",
        TargetType = "pr",
        TargetNumber = 652,
        StartedAt = DateTimeOffset.Parse(started),
        EndedAt = DateTimeOffset.Parse(started).AddMinutes(minutes),
        DurationMinutes = minutes,
        EstimatedCostUsd = cost,
        Models = [new ModelUsage { Model = "claude-opus-4-6", InputTokens = 241_000, OutputTokens = 833_000, CacheCreationTokens = 56_700_000, CacheReadTokens = 466_700_000, CostUsd = cost, Messages = 10 }],
        InputTokens = 241_000,
        OutputTokens = 833_000,
        CacheCreationTokens = 56_700_000,
        CacheReadTokens = 466_700_000,
        SkillsInvoked = skills.Select(s => new SkillUsage { Skill = s, Count = 1 }).ToList(),
        Commits = Enumerable.Range(0, commits).Select(i => new CommitRecord { Sha = $"{id[..4]}{i:000}", Message = $"Commit {i}" }).ToList(),
    };
}
