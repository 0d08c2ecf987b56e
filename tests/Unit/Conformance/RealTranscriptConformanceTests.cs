using System.Globalization;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Conformance;

/// <summary>
/// Runs when ../shared/fixtures exists (CI always has it; SESSIONANALYTICS_REQUIRE_CONFORMANCE=1 makes its absence a
/// failure): the real transcripts must give, per session and model, exactly the token figures an independent tool
/// (ccusage) published in ../shared/fixtures/README.md, and costs within 0.5%.
/// </summary>
public sealed class RealTranscriptConformanceTests
{
    public static string FixturesDirectory => Path.GetFullPath(Path.Combine(ModuleHost.RepoRoot, "..", "shared", "fixtures"));

    public sealed record Expected(string Session, string Model, long Input, long Output, long CacheCreate, long CacheRead, decimal Cost);

    /// <summary>The per-session table of the fixtures' README, read as it stands.</summary>
    public static IReadOnlyList<Expected> ReadExpected()
    {
        var rows = new List<Expected>();
        foreach (var line in File.ReadLines(Path.Combine(FixturesDirectory, "README.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 9 || !cells[2].StartsWith("claude-", StringComparison.Ordinal)) continue;
            long N(string s) => long.Parse(s.Replace(",", ""), CultureInfo.InvariantCulture);
            rows.Add(new Expected(cells[1].TrimEnd('…'), cells[2], N(cells[3]), N(cells[4]), N(cells[5]), N(cells[6]), decimal.Parse(cells[7], CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    [ConformanceFact]
    public void Every_session_and_model_matches_the_independent_figures()
    {
        var expected = ReadExpected();
        Assert.True(expected.Count >= 8, "the fixtures README table was not found or changed shape");
        var diagnostics = new CollectingDiagnostics();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [Path.Combine(FixturesDirectory, "claude")] }, false);
        var calculator = new SessionStatsCalculator(PricingTable.Default, diagnostics);
        var stats = sessions.Select(s => calculator.Calculate(s)).ToList();
        Assert.Empty(diagnostics.Errors);
        Assert.Equal(expected.Select(e => e.Session).Distinct().Count(), stats.Count);

        foreach (var e in expected)
        {
            var session = Assert.Single(stats, s => s.SessionId.StartsWith(e.Session, StringComparison.Ordinal));
            var m = Assert.Single(session.Models, m => m.Model == e.Model);
            Assert.Equal((e.Session, e.Model, e.Input, e.Output, e.CacheCreate, e.CacheRead),
                (e.Session, m.Model, m.InputTokens, m.OutputTokens, m.CacheCreationTokens, m.CacheReadTokens));
            Assert.True(Math.Abs(m.CostUsd!.Value - e.Cost) <= e.Cost * 0.005m, $"{e.Session} {e.Model}: cost {m.CostUsd} vs {e.Cost}");
        }
        // No model beyond the table's.
        Assert.Equal(expected.Count, stats.Sum(s => s.Models.Count));
    }

    [ConformanceFact]
    public void Real_sessions_yield_the_structure_the_fixtures_describe()
    {
        var diagnostics = new CollectingDiagnostics();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [Path.Combine(FixturesDirectory, "claude")] }, false);
        var calculator = new SessionStatsCalculator(PricingTable.Default, diagnostics);
        var ae = calculator.Calculate(sessions.Single(s => s.Id.StartsWith("ae4a77f8", StringComparison.Ordinal)));

        // Task subagent in the >=2.1.2 layout, totals from the parent's toolUseResult (938 output, not the file's 7).
        var sub = Assert.Single(ae.Subagents);
        Assert.Equal(("aac57f5", 938L, "tool_result"), (sub.Id, sub.OutputTokens, sub.Source));
        // The Skill whose result switched the main model to haiku.
        Assert.Contains(ae.SkillsInvoked, k => k.Skill == "elixir:hex-docs-search" && k.Status == "pass");
        Assert.Contains(ae.Models, m => m.Model.StartsWith("claude-haiku-4-5", StringComparison.Ordinal));
        // Commits are those whose tool result shows "[branch sha] subject"; the rejected attempts are a problem.
        Assert.All(ae.Commits, c => Assert.Matches("^[0-9a-f]{7}$", c.Sha));
        Assert.Contains(ae.Commits, c => c.Sha == "12e2d10");
        Assert.Contains(ae.ProblemsFaced, p => p.Kind == "commit_failed" && p.Iterations >= 2);
        Assert.Equal("spotter-4te", ae.Branch);
        Assert.Equal(2, ae.TranscriptPaths.Count - 1);

        var legacy = calculator.Calculate(sessions.Single(s => s.Id.StartsWith("fe5e1c67", StringComparison.Ordinal)));
        Assert.Equal(5, legacy.Subagents.Count); // five parallel Task launches, inline sidechains
    }
}

public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (!Directory.Exists(RealTranscriptConformanceTests.FixturesDirectory) &&
            Environment.GetEnvironmentVariable("SESSIONANALYTICS_REQUIRE_CONFORMANCE") != "1")
            Skip = $"{RealTranscriptConformanceTests.FixturesDirectory} not present (CI has it)";
    }
}
