using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;

namespace SessionAnalytics.Tests.Stats;

/// <summary>Writes a built transcript into a throw-away Claude config directory and measures it.</summary>
public abstract class MeasurementTest : IDisposable
{
    protected const string Opus = "claude-opus-4-6";
    protected const string Haiku = "claude-haiku-4-5-20251001";
    protected const string Sonnet = "claude-sonnet-4-5-20250929";

    protected TempClaudeHome Home { get; } = new();
    protected CollectingDiagnostics Diagnostics { get; } = new();

    public void Dispose() => Home.Dispose();

    protected SessionStats Measure(TranscriptBuilder b, bool flat = false) => Measure(Home.Write(b, flat));

    protected SessionStats Measure(string mainTranscript)
    {
        var session = new SessionDiscovery(Diagnostics).DescribeFile(mainTranscript)!;
        return new SessionStatsCalculator(PricingTable.Default, Diagnostics).Calculate(session);
    }

    protected static TranscriptBuilder New(string id = "00b11888-7e0c-4fb4-bb39-32ea32e09b64") => new(id);
}
