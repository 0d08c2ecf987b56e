using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Conformance;

/// <summary>
/// Runs when ../shared/fixtures exists (CI always has it; SESSIONANALYTICS_REQUIRE_CONFORMANCE=1 makes its absence a
/// failure): the real transcripts must give, per session and model, exactly the input and cache figures an independent
/// tool (ccusage) published in ../shared/fixtures/README.md, output higher by exactly the final-usage corrections this
/// test derives from the raw JSON itself, and costs within 0.5%.
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
    public void Every_session_and_model_matches_the_independent_figures_plus_the_documented_corrections()
    {
        var expected = ReadExpected();
        Assert.True(expected.Count >= 8, "the fixtures README table was not found or changed shape");
        var diagnostics = new CollectingDiagnostics();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [Path.Combine(FixturesDirectory, "claude")] }, false);
        var calculator = new SessionStatsCalculator(PricingTable.Default, diagnostics);
        var stats = sessions.Select(s => calculator.Calculate(s)).ToList();
        Assert.Empty(diagnostics.Errors);
        Assert.Equal(expected.Select(e => e.Session).Distinct().Count(), stats.Count);

        var corrected = 0L;
        foreach (var e in expected)
        {
            var session = Assert.Single(stats, s => s.SessionId.StartsWith(e.Session, StringComparison.Ordinal));
            var m = Assert.Single(session.Models, m => m.Model == e.Model);
            var correction = RawTranscripts.Of(sessions.Single(s => s.Id == session.SessionId)).Corrections
                .Where(c => c.Model == e.Model).Sum(c => c.Tokens);
            corrected += correction;
            // Input and cache figures exactly ccusage's; output higher by exactly the final-usage corrections.
            Assert.Equal((e.Session, e.Model, e.Input, e.Output + correction, e.CacheCreate, e.CacheRead),
                (e.Session, m.Model, m.InputTokens, m.OutputTokens, m.CacheCreationTokens, m.CacheReadTokens));
            var expectedCost = e.Cost + correction * OutputPricePerToken(e.Model);
            Assert.True(Math.Abs(m.CostUsd!.Value - expectedCost) <= expectedCost * 0.005m, $"{e.Session} {e.Model}: cost {m.CostUsd} vs {expectedCost}");
        }
        // No model beyond the table's, and the corrections are what the sessions say they are.
        Assert.Equal(expected.Count, stats.Sum(s => s.Models.Count));
        Assert.Equal(corrected, stats.Sum(s => s.OutputTokensCorrection));
        Assert.True(corrected > 0, "the corpus has subagents whose final usage corrects their last call");
    }

    [ConformanceFact]
    public void Every_subagent_row_is_the_deduplicated_sum_of_its_transcript_plus_its_correction()
    {
        var diagnostics = new CollectingDiagnostics();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [Path.Combine(FixturesDirectory, "claude")] }, false);
        var calculator = new SessionStatsCalculator(PricingTable.Default, diagnostics);
        var checkedRows = 0;
        foreach (var session in sessions)
        {
            var stats = calculator.Calculate(session);
            var raw = RawTranscripts.Of(session);
            foreach (var (agent, responses) in raw.Subagents)
                foreach (var model in responses.GroupBy(r => r.Model))
                {
                    var row = Assert.Single(stats.Subagents, a => a.Id == agent && a.Model == model.Key);
                    var correction = raw.Corrections.Where(c => c.Agent == agent && c.Model == model.Key).Sum(c => c.Tokens);
                    Assert.Equal((agent, model.Sum(r => r.Input), model.Sum(r => r.Output) + correction, model.Sum(r => r.CacheWrite), model.Sum(r => r.CacheRead), "transcript"),
                        (row.Id, row.InputTokens, row.OutputTokens, row.CacheCreationTokens, row.CacheReadTokens, row.Source));
                    Assert.Equal(correction, row.OutputTokensCorrection);
                    checkedRows++;
                }
            // 1.0.x inline sidechains: together, the rows are the sidechain lines' sums.
            foreach (var model in raw.InlineSidechain.GroupBy(r => r.Model))
            {
                var rows = stats.Subagents.Where(a => a.Model == model.Key).ToList();
                var correction = raw.Corrections.Where(c => c.Agent is null && c.Model == model.Key).Sum(c => c.Tokens);
                Assert.Equal((model.Sum(r => r.Input), model.Sum(r => r.Output) + correction, model.Sum(r => r.CacheWrite), model.Sum(r => r.CacheRead)),
                    (rows.Sum(a => a.InputTokens), rows.Sum(a => a.OutputTokens), rows.Sum(a => a.CacheCreationTokens), rows.Sum(a => a.CacheReadTokens)));
                checkedRows += rows.Count;
            }
        }
        Assert.True(checkedRows >= 7, $"only {checkedRows} subagent rows were checked");
    }

    [ConformanceFact]
    public void Real_sessions_yield_the_structure_the_fixtures_describe()
    {
        var diagnostics = new CollectingDiagnostics();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [Path.Combine(FixturesDirectory, "claude")] }, false);
        var calculator = new SessionStatsCalculator(PricingTable.Default, diagnostics);
        var ae = calculator.Calculate(sessions.Single(s => s.Id.StartsWith("ae4a77f8", StringComparison.Ordinal)));

        // Task subagent in the >=2.1.2 layout: its transcript's 7 logged output tokens, the last call's 1 replaced by the
        // final 938 its parent's toolUseResult reports.
        var sub = Assert.Single(ae.Subagents);
        Assert.Equal(("aac57f5", 944L, 937L, "transcript", 938L + 79 + 3378 + 15436), (sub.Id, sub.OutputTokens, sub.OutputTokensCorrection, sub.Source, sub.TotalTokens!.Value));
        Assert.True(ae.OutputTokensLowerBound);
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
        // Five parallel Task launches whose inline sidechains each found their own launch by its prompt.
        Assert.Equal(5, legacy.Subagents.Count);
        Assert.All(legacy.Subagents, a => Assert.Equal(("transcript", "claude-sonnet-4-20250514"), (a.Source, a.Model)));
        Assert.Equal(5, legacy.SubagentCount);
        Assert.All(legacy.Subagents, a => Assert.True(a.OutputTokens > 0 && a.TotalTokens > 0, a.ToString()));
    }

    private static decimal OutputPricePerToken(string model) =>
        PricingTable.Default.TryGetPrice(model, out var price) ? price.Output / 1_000_000m : 0m;

    /// <summary>
    /// The transcripts read here, independently of the engine: responses de-duplicated by (message.id, requestId)
    /// keeping the largest total (ccusage's rule), and the corrections the documented final-usage rule implies.
    /// </summary>
    private sealed class RawTranscripts
    {
        public sealed record Response(string Model, long Input, long Output, long CacheWrite, long CacheRead, DateTimeOffset Time);

        /// <summary>A correction of <paramref name="Tokens"/> output tokens to a response of <paramref name="Model"/> (Agent null: a 1.0.x inline sidechain).</summary>
        public sealed record Correction(string? Agent, string Model, long Tokens);

        public Dictionary<string, List<Response>> Subagents { get; } = [];
        public List<Response> InlineSidechain { get; } = [];
        public List<Correction> Corrections { get; } = [];

        public static RawTranscripts Of(ClaudeSession session)
        {
            var raw = new RawTranscripts();
            foreach (var file in session.TranscriptPaths.Where(p => Path.GetFileName(p).StartsWith("agent-", StringComparison.Ordinal)))
            {
                var agent = Path.GetFileNameWithoutExtension(file)["agent-".Length..];
                if (!agent.StartsWith("acompact", StringComparison.Ordinal)) raw.Subagents[agent] = Deduplicated(File.ReadLines(file));
            }
            var main = File.ReadAllLines(session.TranscriptPath);
            raw.InlineSidechain.AddRange(Deduplicated(main.Where(l => l.Contains("\"isSidechain\":true", StringComparison.Ordinal))));

            // The final usage of a subagent's last call: the latest of its responses with the same input and cache
            // figures takes the larger output.
            foreach (var line in main)
            {
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty("toolUseResult", out var result) || result.ValueKind != JsonValueKind.Object
                    || !result.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object) continue;
                var agent = result.TryGetProperty("agentId", out var a) ? a.GetString() : null;
                var own = agent is null ? raw.InlineSidechain : raw.Subagents.GetValueOrDefault(agent, []);
                var last = own.Where(r => r.Input == u.GetProperty("input_tokens").GetInt64()
                        && r.CacheWrite == u.GetProperty("cache_creation_input_tokens").GetInt64()
                        && r.CacheRead == u.GetProperty("cache_read_input_tokens").GetInt64())
                    .OrderBy(r => r.Time).LastOrDefault();
                var final = u.GetProperty("output_tokens").GetInt64();
                if (last is not null && final > last.Output) raw.Corrections.Add(new Correction(agent, last.Model, final - last.Output));
            }
            return raw;
        }

        private static List<Response> Deduplicated(IEnumerable<string> lines)
        {
            var byKey = new Dictionary<string, Response>();
            foreach (var line in lines)
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                if (r.GetProperty("type").GetString() != "assistant" || !r.TryGetProperty("message", out var m) || !m.TryGetProperty("usage", out var u)) continue;
                var model = m.GetProperty("model").GetString()!;
                if (model == "<synthetic>") continue;
                long F(string name) => u.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
                var response = new Response(model, F("input_tokens"), F("output_tokens"), F("cache_creation_input_tokens"), F("cache_read_input_tokens"),
                    r.GetProperty("timestamp").GetDateTimeOffset());
                var key = m.GetProperty("id").GetString() + "|" + r.GetProperty("requestId").GetString();
                if (!byKey.TryGetValue(key, out var existing) || Total(response) > Total(existing)) byKey[key] = response;
            }
            return [.. byKey.Values];
        }

        private static long Total(Response r) => r.Input + r.Output + r.CacheWrite + r.CacheRead;
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
