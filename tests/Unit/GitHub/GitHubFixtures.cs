using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>Sessions built in code, rendered with the real comment renderer for a target.</summary>
internal static class GitHubFixtures
{
    public static SessionStats Session(string id, int messages = 10, decimal cost = 1.25m, int commits = 1, int startMinute = 0, long input = 1_000, string branch = "fix/login")
    {
        var start = new DateTimeOffset(2026, 2, 8, 10, 0, 0, TimeSpan.Zero).AddMinutes(startMinute);
        return new SessionStats
        {
            SessionId = id,
            Branch = branch,
            Cwd = "/nonexistent/widget",
            StartedAt = start,
            EndedAt = start.AddMinutes(30),
            DurationMinutes = 30,
            ActiveMinutes = 25,
            MessageCount = messages,
            InputTokens = input,
            OutputTokens = input * 2,
            CacheCreationTokens = input * 10,
            CacheReadTokens = input * 100,
            EstimatedCostUsd = cost,
            Models = [new ModelUsage { Model = "claude-opus-4-6", Messages = messages, InputTokens = input, OutputTokens = input * 2, CacheCreationTokens = input * 10, CacheReadTokens = input * 100, CostUsd = cost }],
            Tools = new Dictionary<string, int> { ["Bash"] = messages, ["Read"] = 3 },
            Commits = Enumerable.Range(0, commits).Select(i => new CommitRecord { Sha = $"{id[..4]}{i:000}", Message = $"Commit {i} of {id[..8]}" }).ToList(),
        };
    }

    /// <summary>A UUID-shaped session id whose first 8 characters differ per <paramref name="n"/>.</summary>
    public static string Id(int n) => $"{n:x8}-0000-4000-8000-{n:x12}";

    /// <summary>A token as -Token takes it.</summary>
    public static System.Security.SecureString Secure(string text) => new System.Net.NetworkCredential("", text).SecurePassword;

    /// <summary>The runner built with this test assembly's configuration: the engine with the module, as a separate process.</summary>
    public static string RunnerDll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var runner = Path.Combine(Infrastructure.ModuleHost.RepoRoot, "src", "SessionAnalytics.Runner", "bin", configuration, "net10.0", "SessionAnalytics.Runner.dll");
            Assert.True(File.Exists(runner), "runner not built at " + runner);
            return runner;
        }
    }

    public static string Render(SessionStats stats, GitHubTarget target) =>
        SessionCommentRenderer.Render(stats, [], new SessionCommentOptions { TargetType = target.TypeName, TargetNumber = target.Number });
}
