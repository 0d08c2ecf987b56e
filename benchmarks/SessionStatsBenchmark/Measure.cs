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
    public int Workers { get; init; }
    public double DiscoverySeconds { get; init; }
    public double StatsSeconds { get; init; }
    public double TotalSeconds => DiscoverySeconds + StatsSeconds;
    /// <summary>Transcript bytes of the sessions measured (all of the corpus, or the one session of --id).</summary>
    public long MeasuredBytes { get; init; }
    public long PeakWorkingSetBytes { get; init; }
    public long TotalAllocatedBytes { get; init; }
    public long DiscoveryAllocatedBytes { get; init; }
    public long StatsAllocatedBytes { get; init; }
    public int Gen0Collections { get; init; }
    public int Gen1Collections { get; init; }
    public int Gen2Collections { get; init; }
    public long JitCompiledMethods { get; init; }
    public double JitSeconds { get; init; }
    public int Warnings { get; init; }
    public int Errors { get; init; }
    public List<string> FirstProblems { get; init; } = [];
}

/// <summary>
/// The Core API end to end, as ConvertTo-SessionStats drives it: discovery over the corpus, then the sessions measured
/// by <see cref="SessionMeasurer"/> (in parallel and in order, as the cmdlet does; --workers 1 is the serial path),
/// each result written as a JSON line (the runner's --json shape) so the verifier reads both the same way.
/// </summary>
public static class Measure
{
    public static int Run(string corpus, string statsOut, string summaryOut, int workers, string? id, long? readAheadFromBytes = null)
    {
        var diagnostics = new CountingDiagnostics();
        var (bytes, files) = CorpusSize(corpus);
        var allocatedAtStart = GC.GetTotalAllocatedBytes(true);
        var watch = Stopwatch.StartNew();
        var sessions = new SessionDiscovery(diagnostics).Find(new SessionQuery { Roots = [Path.GetFullPath(corpus)], Ids = id is null ? [] : [id] }, rootsAreDefaults: false);
        var discovery = watch.Elapsed.TotalSeconds;
        var allocatedAfterDiscovery = GC.GetTotalAllocatedBytes(true);

        watch.Restart();
        using (var output = new StreamWriter(statsOut))
        using (var measurer = new SessionMeasurer(d => new SessionStatsCalculator(PricingTable.Default, d, readAheadFromBytes is long r ? new StatsOptions { ReadAheadFromBytes = r } : null), workers, diagnostics))
        {
            void Write(IReadOnlyList<SessionMeasurement> done)
            {
                foreach (var m in done)
                {
                    m.ReplayTo(diagnostics);
                    output.WriteLine(JsonSerializer.Serialize(m.GetStats()));
                }
            }
            foreach (var session in sessions) Write(measurer.Add(session));
            Write(measurer.Complete());
        }
        var statsSeconds = watch.Elapsed.TotalSeconds;
        var allocatedAfterStats = GC.GetTotalAllocatedBytes(true);

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var m = new CoreMeasurement
        {
            Bytes = bytes,
            Files = files,
            Sessions = sessions.Count,
            Workers = workers,
            DiscoverySeconds = discovery,
            StatsSeconds = statsSeconds,
            MeasuredBytes = sessions.Sum(s => s.SizeBytes),
            PeakWorkingSetBytes = self.PeakWorkingSet64,
            TotalAllocatedBytes = allocatedAfterStats,
            DiscoveryAllocatedBytes = allocatedAfterDiscovery - allocatedAtStart,
            StatsAllocatedBytes = allocatedAfterStats - allocatedAfterDiscovery,
            Gen0Collections = GC.CollectionCount(0),
            Gen1Collections = GC.CollectionCount(1),
            Gen2Collections = GC.CollectionCount(2),
            JitCompiledMethods = System.Runtime.JitInfo.GetCompiledMethodCount(),
            JitSeconds = System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,
            Warnings = diagnostics.Warnings,
            Errors = diagnostics.Errors,
            FirstProblems = diagnostics.First,
        };
        File.WriteAllText(summaryOut, JsonSerializer.Serialize(m, new JsonSerializerOptions { WriteIndented = true }));
        var mb = m.MeasuredBytes / 1048576.0;
        Console.WriteLine($"Core API: {sessions.Count} sessions, {mb:0.0} MB in {m.TotalSeconds:0.00} s " +
                          $"(discovery {discovery:0.00} s, stats {statsSeconds:0.00} s on {workers} worker(s)) = {mb / m.TotalSeconds:0} MB/s; " +
                          $"peak working set {m.PeakWorkingSetBytes / 1048576.0:0} MB; allocated {m.TotalAllocatedBytes / 1048576.0:0} MB " +
                          $"(discovery {m.DiscoveryAllocatedBytes / 1048576.0:0.0} MB, statistics {m.StatsAllocatedBytes / 1024.0 / Math.Max(mb, 1e-9):0} KB per MB read); " +
                          $"GCs {m.Gen0Collections}/{m.Gen1Collections}/{m.Gen2Collections}; JIT {m.JitCompiledMethods} methods in {m.JitSeconds:0.00} s; {m.Warnings} warnings, {m.Errors} errors.");
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
        private readonly object _gate = new();
        public void Warning(string message) { lock (_gate) { Warnings++; Keep("WARNING: " + message); } }
        public void Verbose(string message) { }
        public void Error(EngineError error) { lock (_gate) { Errors++; Keep($"ERROR {error.ErrorId}: {error.Message}"); } }
        public void Progress(string activity, string status, int percentComplete) { }
        private void Keep(string s) { if (First.Count < 10) First.Add(s); }
    }
}
