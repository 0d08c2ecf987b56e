using SessionAnalytics.Benchmarks.CorpusGenerator;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// A large transcript is read and parsed ahead on a second thread (Stats/LineReadAhead) while its lines are measured in
/// order: the result and every report must be those of the serial read, line for line.
/// </summary>
public sealed class ReadAheadTests : IDisposable
{
    private const string Opus = "claude-opus-4-6";
    private static readonly StatsOptions Serial = new() { ReadAheadFromBytes = long.MaxValue };
    private static readonly StatsOptions AlwaysAhead = new() { ReadAheadFromBytes = 0, ReadAheadOnOneCore = true };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sa-readahead-" + Guid.NewGuid().ToString("N"));
    private readonly TempClaudeHome _home = new();

    public void Dispose()
    {
        _home.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (string Json, List<string> Reports) Measure(ClaudeSession session, StatsOptions options)
    {
        var diagnostics = new RecordedDiagnostics();
        var stats = new SessionStatsCalculator(PricingTable.Default, diagnostics, options).Calculate(session);
        var reports = new List<string>();
        diagnostics.ReplayTo(new Listing(reports));
        return (SessionStatsJson.Write(stats), reports);
    }

    [Theory]
    [InlineData(CorpusShape.Giant)]
    [InlineData(CorpusShape.Many)]
    public void Every_session_of_a_generated_corpus_measures_the_same_read_ahead_as_read_serially(CorpusShape shape)
    {
        CorpusWriter.Write(_dir, 6_000_000, seed: 7, shape);
        var sessions = new SessionDiscovery(NullDiagnostics.Instance).Find(new SessionQuery { Roots = [_dir] }, rootsAreDefaults: false);
        Assert.NotEmpty(sessions);
        foreach (var session in sessions)
            AssertSame(Measure(session, Serial), Measure(session, AlwaysAhead));
    }

    [Fact]
    public void Bad_lines_are_reported_in_the_same_order_with_the_same_lines_counted()
    {
        var b = new TranscriptBuilder("ahead000-0000-0000-0000-000000000001").User("go");
        for (var i = 0; i < 150; i++)
        {
            b.Assistant(Opus, new Usage(1, 10 + i));
            if (i % 7 == 0) b.Raw("{\"type\":\"assistant\",\"message\":");      // malformed
            if (i % 11 == 0) b.Raw("[1,2,3]");                                    // not an object
            if (i % 13 == 0) b.Raw("{\"type\":\"progress\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{}}");
            if (i % 17 == 0) b.Raw(new string('x', 3000));                         // garbage, longer than most lines
        }
        var path = _home.Write(b);
        File.AppendAllBytes(path, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D, 0x0A]); // not UTF-8
        var session = new SessionDiscovery(NullDiagnostics.Instance).DescribeFile(path)!;

        var serial = Measure(session, Serial);
        var ahead = Measure(session, AlwaysAhead);
        AssertSame(serial, ahead);
        // The first 20 bad lines one by one, then the count.
        Assert.Equal(20, ahead.Reports.Count(r => r.StartsWith("ERROR TranscriptLine", StringComparison.Ordinal)));
        Assert.Contains(ahead.Reports, r => r.StartsWith("ERROR TranscriptLineMalformed", StringComparison.Ordinal));
        Assert.Contains(ahead.Reports, r => r.StartsWith("WARNING ", StringComparison.Ordinal) && r.Contains("bad lines in all", StringComparison.Ordinal));
    }

    [Fact]
    public void A_transcript_that_vanishes_is_reported_once_read_ahead_too()
    {
        var path = _home.Write(new TranscriptBuilder("ahead000-0000-0000-0000-000000000002").User("go").Assistant(Opus, new Usage(1, 5)));
        var session = new SessionDiscovery(NullDiagnostics.Instance).DescribeFile(path)!;
        File.Delete(path);
        var ahead = Measure(session, AlwaysAhead);
        AssertSame(Measure(session, Serial), ahead);
        Assert.Contains(ahead.Reports, r => r.StartsWith("ERROR TranscriptUnreadable", StringComparison.Ordinal) || r.StartsWith("ERROR Transcript", StringComparison.Ordinal));
    }

    private static void AssertSame((string Json, List<string> Reports) serial, (string Json, List<string> Reports) ahead)
    {
        Assert.Equal(serial.Json, ahead.Json);
        Assert.Equal(serial.Reports, ahead.Reports);
    }

    private sealed class Listing(List<string> reports) : IDiagnostics
    {
        public void Warning(string message) => reports.Add("WARNING " + message);
        public void Verbose(string message) => reports.Add("VERBOSE " + message);
        public void Error(EngineError error) => reports.Add($"ERROR {error.ErrorId} {error.Kind} {error.Target} {error.Message}");
        public void Progress(string activity, string status, int percentComplete) { }
    }
}
