using System.Diagnostics;
using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Benchmarks;

/// <summary>What one in-process run measured (written as JSON for the report).</summary>
public sealed class CoreMeasurement
{
    public long Bytes { get; init; }
    public int Files { get; init; }
    public int Sessions { get; init; }
    public double DiscoverySeconds { get; init; }
    public double StatsSeconds { get; init; }
    public double TotalSeconds => DiscoverySeconds + StatsSeconds;
    public long PeakWorkingSetBytes { get; init; }
    public long TotalAllocatedBytes { get; init; }
    public int Gen0Collections { get; init; }
    public int Gen1Collections { get; init; }
    public int Gen2Collections { get; init; }
    public int Warnings { get; init; }
    public int Errors { get; init; }
    public List<string> FirstProblems { get; init; } = [];
}

/// <summary>
/// The Core API end to end, as ConvertTo-SessionStats drives it: discovery over the corpus, then one
/// <see cref="SessionStatsCalculator.Calculate"/> per session, each result written as a JSON line (the runner's
/// --json shape) so the verifier reads both the same way.
/// </summary>
public static class Measure
{
    public static int Run(string corpus, string statsOut, string summaryOut)
    {
        var diagnostics = new CountingDiagnostics();
        var (bytes, files) = CorpusSize(corpus);
        var watch = Stopwatch.StartNew();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [Path.GetFullPath(corpus)] }, rootsAreDefaults: false);
        var discovery = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var calculator = new SessionStatsCalculator(PricingTable.Default, diagnostics);
        using (var output = new StreamWriter(statsOut))
        {
            foreach (var session in sessions)
            {
                var stats = calculator.Calculate(session);
                output.WriteLine(JsonSerializer.Serialize(stats));
            }
        }
        var statsSeconds = watch.Elapsed.TotalSeconds;

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var m = new CoreMeasurement
        {
            Bytes = bytes,
            Files = files,
            Sessions = sessions.Count,
            DiscoverySeconds = discovery,
            StatsSeconds = statsSeconds,
            PeakWorkingSetBytes = self.PeakWorkingSet64,
            TotalAllocatedBytes = GC.GetTotalAllocatedBytes(),
            Gen0Collections = GC.CollectionCount(0),
            Gen1Collections = GC.CollectionCount(1),
            Gen2Collections = GC.CollectionCount(2),
            Warnings = diagnostics.Warnings,
            Errors = diagnostics.Errors,
            FirstProblems = diagnostics.First,
        };
        File.WriteAllText(summaryOut, JsonSerializer.Serialize(m, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Core API: {sessions.Count} sessions, {bytes / 1048576.0:0.0} MB in {m.TotalSeconds:0.00} s " +
                          $"(discovery {discovery:0.00} s, stats {statsSeconds:0.00} s) = {bytes / 1048576.0 / m.TotalSeconds:0} MB/s; " +
                          $"peak working set {m.PeakWorkingSetBytes / 1048576.0:0} MB; allocated {m.TotalAllocatedBytes / 1048576.0:0} MB; " +
                          $"GCs {m.Gen0Collections}/{m.Gen1Collections}/{m.Gen2Collections}; {m.Warnings} warnings, {m.Errors} errors.");
        foreach (var p in m.FirstProblems) Console.Error.WriteLine("  " + p);
        return m.Errors == 0 ? 0 : 1;
    }

    /// <summary>Bytes and count of every transcript (*.jsonl) under the corpus's projects directory.</summary>
    public static (long Bytes, int Files) CorpusSize(string corpus)
    {
        var projects = Path.Combine(corpus, "projects");
        var root = Directory.Exists(projects) ? projects : corpus;
        long bytes = 0;
        var files = 0;
        foreach (var f in Directory.EnumerateFiles(root, "*.jsonl", SearchOption.AllDirectories))
        {
            bytes += new FileInfo(f).Length;
            files++;
        }
        return (bytes, files);
    }

    private sealed class CountingDiagnostics : IDiagnostics
    {
        public int Warnings, Errors;
        public List<string> First { get; } = [];
        public void Warning(string message) { Warnings++; Keep("WARNING: " + message); }
        public void Verbose(string message) { }
        public void Error(EngineError error) { Errors++; Keep($"ERROR {error.ErrorId}: {error.Message}"); }
        public void Progress(string activity, string status, int percentComplete) { }
        private void Keep(string s) { if (First.Count < 10) First.Add(s); }
    }
}
