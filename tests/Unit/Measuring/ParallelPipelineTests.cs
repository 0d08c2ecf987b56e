using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Measuring;

/// <summary>
/// ConvertTo-SessionStats with several workers, in the hosted engine against the built module: the objects, and the
/// errors each session raises, come out in the same order and with the same ErrorIds as with -ThrottleLimit 1.
/// </summary>
public sealed class ParallelPipelineTests : IDisposable
{
    private const string Opus = "claude-opus-4-6";
    private readonly TempClaudeHome _home = new();
    private readonly ModuleHost _host = new();

    public ParallelPipelineTests()
    {
        for (var i = 0; i < 12; i++)
        {
            var b = new TranscriptBuilder($"{i:D8}-1111-0000-0000-000000000000", branch: $"fix/b{i}", start: new DateTimeOffset(2026, 1, 1 + i, 9, 0, 0, TimeSpan.Zero));
            b.User("go");
            // Larger sessions early, so later ones finish first with several workers.
            for (var r = 0; r < (12 - i) * 40; r++) b.Assistant(Opus, new Usage(i + 1, 10));
            if (i % 3 == 0) b.Raw("{ not json");
            _home.Write(b);
        }
    }

    public void Dispose()
    {
        _host.Dispose();
        _home.Dispose();
    }

    private List<string> Run(int throttle) =>
        _host.Run("""
            Get-ClaudeSession -Path $args[0] | ConvertTo-SessionStats -ThrottleLimit $args[1] 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error ' + $_.FullyQualifiedErrorId.Split(',')[0] + ' ' + [System.IO.Path]::GetFileName(($_.TargetObject -replace ':\d+$', '')) }
                else { 'stats ' + $_.SessionId + ' ' + $_.Branch + ' ' + $_.InputTokens }
            }
            """, _home.ConfigDirectory, throttle).Output.Select(o => o.ToString()!).ToList();

    [Fact]
    public void Output_and_errors_keep_the_serial_order_with_several_workers()
    {
        var serial = Run(1);
        Assert.Equal(12, serial.Count(l => l.StartsWith("stats ", StringComparison.Ordinal)));
        Assert.Equal(4, serial.Count(l => l.StartsWith("error TranscriptLineMalformed ", StringComparison.Ordinal)));
        // Each session's error comes just before its statistics.
        Assert.Equal("error TranscriptLineMalformed 00000000-1111-0000-0000-000000000000.jsonl", serial[0]);
        Assert.StartsWith("stats 00000000-1111-0000-0000-000000000000 fix/b0 ", serial[1]);

        foreach (var throttle in new[] { 2, 4, 8 })
            Assert.Equal(serial, Run(throttle));
    }

    [Fact]
    public void The_serial_path_and_the_default_give_the_same_statistics()
    {
        var one = _host.Run("Get-ClaudeSession -Path $args[0] | ConvertTo-SessionStats -ThrottleLimit 1 -AsJson 2>$null", _home.ConfigDirectory).Of<string>();
        var many = _host.Run("Get-ClaudeSession -Path $args[0] | ConvertTo-SessionStats -AsJson 2>$null", _home.ConfigDirectory).Of<string>();
        Assert.Equal(12, one.Count);
        Assert.Equal(one, many);
        Assert.Equal("fix/b3", SessionStatsJson.Read(one[3]).Branch);
    }
}
