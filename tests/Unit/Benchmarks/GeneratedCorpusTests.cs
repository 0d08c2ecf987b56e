using SessionAnalytics.Benchmarks.CorpusGenerator;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Tests.Benchmarks;

/// <summary>
/// The benchmark's corpus generator, small: every layout it writes (2.1.x subagent folders with agent_progress
/// replays and compaction calls, 2.0.x flat agent files, multi-line responses with placeholder output counts,
/// API errors, 1-hour cache writes) must be measured exactly as the generator recorded it while writing.
/// </summary>
public sealed class GeneratedCorpusTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sa-corpus-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Same_seed_writes_the_same_corpus_and_another_seed_a_different_one()
    {
        var a = CorpusWriter.Write(Path.Combine(_dir, "a"), 600_000, seed: 3);
        var b = CorpusWriter.Write(Path.Combine(_dir, "b"), 600_000, seed: 3);
        var c = CorpusWriter.Write(Path.Combine(_dir, "c"), 600_000, seed: 4);
        Assert.Equal(a.Sessions.Select(s => (s.SessionId, s.Bytes)), b.Sessions.Select(s => (s.SessionId, s.Bytes)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", a.Sessions[0].Files[0])), File.ReadAllBytes(Path.Combine(_dir, "b", b.Sessions[0].Files[0])));
        Assert.NotEqual(a.Sessions[0].SessionId, c.Sessions[0].SessionId);
    }

    [Theory]
    [InlineData(1, CorpusShape.Giant)]
    [InlineData(42, CorpusShape.Giant)]
    [InlineData(42, CorpusShape.Many)]
    public void Every_session_and_model_of_a_generated_corpus_is_measured_exactly(int seed, CorpusShape shape)
    {
        var expected = CorpusWriter.Write(_dir, 8_000_000, seed, shape);
        Assert.True(expected.BytesWritten >= 8_000_000);
        Assert.Contains(expected.Sessions, s => s.Layout == "2.0.x" && s.Subagents > 0);
        if (shape == CorpusShape.Giant) Assert.Contains(expected.Sessions, s => s.CompactionCalls > 0);
        else Assert.True(expected.Sessions.Count >= 4, $"{expected.Sessions.Count} sessions");

        var diagnostics = new CollectingDiagnostics();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [_dir] }, rootsAreDefaults: false);
        var calculator = new SessionStatsCalculator(PricingTable.Default, diagnostics);
        Assert.Equal(expected.Sessions.Select(s => s.SessionId).Order(), sessions.Select(s => s.Id).Order());
        foreach (var session in sessions)
        {
            var want = expected.Sessions.Single(s => s.SessionId == session.Id);
            var got = calculator.Calculate(session);
            Assert.Equal(
                want.Models.Select(m => (m.Key, m.Value.Messages, m.Value.InputTokens, m.Value.OutputTokens, m.Value.CacheCreationTokens, m.Value.CacheCreation1hTokens, m.Value.CacheReadTokens)),
                got.Models.OrderBy(m => m.Model, StringComparer.Ordinal).Select(m => (m.Model, m.Messages, m.InputTokens, m.OutputTokens, m.CacheCreationTokens, m.CacheCreation1hTokens, m.CacheReadTokens)));
            Assert.Equal(want.Tools, got.Tools.OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value));
            Assert.Equal(want.Commits, got.CommitCount);
            Assert.Equal(want.Subagents, got.SubagentCount);
            Assert.Equal(want.SkillSequence, got.SkillSequence);
            Assert.Equal(want.Files.Count, got.TranscriptPaths.Count);
        }
        Assert.Empty(diagnostics.Errors);
        Assert.Empty(diagnostics.Warnings);
    }
}
