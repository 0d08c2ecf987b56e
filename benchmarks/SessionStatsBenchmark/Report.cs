using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace SessionAnalytics.Benchmarks;

/// <summary>One process run as GNU time -v saw it.</summary>
public sealed record TimedRun(double WallSeconds, double CpuSeconds, long MaxRssKb, int ExitStatus)
{
    public static TimedRun Parse(string path)
    {
        double wall = 0, user = 0, sys = 0;
        long rss = 0;
        var exit = -1;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
            if (colon < 0) continue;
            var value = line[(colon + 2)..].Trim();
            if (line.StartsWith("Elapsed (wall clock) time", StringComparison.Ordinal)) wall = Clock(value);
            else if (line.StartsWith("User time (seconds)", StringComparison.Ordinal)) user = double.Parse(value, CultureInfo.InvariantCulture);
            else if (line.StartsWith("System time (seconds)", StringComparison.Ordinal)) sys = double.Parse(value, CultureInfo.InvariantCulture);
            else if (line.StartsWith("Maximum resident set size", StringComparison.Ordinal)) rss = long.Parse(value, CultureInfo.InvariantCulture);
            else if (line.StartsWith("Exit status", StringComparison.Ordinal)) exit = int.Parse(value, CultureInfo.InvariantCulture);
        }
        return new TimedRun(wall, user + sys, rss, exit);
    }

    // h:mm:ss or m:ss.ss
    private static double Clock(string s)
    {
        var parts = s.Split(':');
        double seconds = 0;
        foreach (var p in parts) seconds = seconds * 60 + double.Parse(p, CultureInfo.InvariantCulture);
        return seconds;
    }
}

/// <summary>What the runner and pwsh wrote about themselves at the end of a run (allocations, JIT).</summary>
public sealed record ProcessStats(long AllocatedBytes, long JitMethods, double JitSeconds, int Gen2)
{
    public static ProcessStats? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            long L(string n) => r.TryGetProperty(n, out var v) && v.TryGetInt64(out var x) ? x : 0;
            return new ProcessStats(L("allocatedBytes"), L("jitMethods"), r.TryGetProperty("jitSeconds", out var j) ? j.GetDouble() : 0, (int)L("gen2"));
        }
        catch (JsonException) { return null; }
    }
}

/// <summary>One of our tools over the runs of a shape, each run paired with the ccusage run next to it.</summary>
public sealed class ToolRuns(string key, string name, string command, IReadOnlyList<TimedRun> runs, IReadOnlyList<TimedRun> ccusage, IReadOnlyList<ProcessStats> stats)
{
    public string Key { get; } = key;
    public string Name { get; } = name;
    public string Command { get; } = command;
    public IReadOnlyList<TimedRun> Runs { get; } = runs;
    /// <summary>The ccusage run paired with each of <see cref="Runs"/> (same index), run just before or just after it.</summary>
    public IReadOnlyList<TimedRun> Ccusage { get; } = ccusage;
    public IReadOnlyList<ProcessStats> Stats { get; } = stats;
    public double MedianWall => Median(Runs.Select(r => r.WallSeconds));
    public double MedianCpu => Median(Runs.Select(r => r.CpuSeconds));
    public double MedianRssMb => Median(Runs.Select(r => r.MaxRssKb / 1024.0));
    public double WallRatio => Median(Runs.Zip(Ccusage, (a, b) => a.WallSeconds / b.WallSeconds));
    public double CpuRatio => Median(Runs.Zip(Ccusage, (a, b) => a.CpuSeconds / b.CpuSeconds));
    public double RssRatio => Median(Runs.Zip(Ccusage, (a, b) => (double)a.MaxRssKb / b.MaxRssKb));
    public bool AllSucceeded => Runs.All(r => r.ExitStatus == 0);

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        if (v.Count == 0) return double.NaN;
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}

/// <summary>Writes one shape's section of benchmarks/results.md, and the whole file from every shape's last section.</summary>
public static class Report
{
    /// <summary>The shapes in the order results.md shows them; a shape not yet run is listed as such.</summary>
    public static readonly (string Key, string Title)[] Shapes =
    [
        ("many", "Many ordinary sessions, 1 GB"),
        ("giant", "One giant session, 1 GB"),
        ("many100", "Many ordinary sessions, 100 MB"),
        ("one", "One session of a 1 GB history (the SessionEnd hook: -Id)"),
    ];

    public static string Section(string shape, JsonElement corpus, string corpusLabel, long corpusBytes, int corpusFiles, string? onlySession,
        IReadOnlyList<ToolRuns> tools, IReadOnlyList<TimedRun> ccusageRuns, CoreMeasurement? core,
        IReadOnlyList<(ToolRuns? Tool, Comparison Comparison)> comparisons, string? notes)
    {
        var title = Shapes.FirstOrDefault(s => s.Key == shape).Title ?? shape;
        var mb = corpusBytes / 1048576.0;
        var measuredMb = core?.MeasuredBytes / 1048576.0 ?? mb;
        var sb = new StringBuilder();
        sb.AppendLine($"## {title}").AppendLine();
        var sessions = corpus.GetProperty("sessions");
        var v20 = sessions.EnumerateArray().Count(s => s.GetProperty("layout").GetString() == "2.0.x");
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Corpus `{corpusLabel}` (CorpusGenerator, shape {(corpus.TryGetProperty("shape", out var sh) ? sh.GetString() : "giant")}, " +
                      $"seed {corpus.GetProperty("seed").GetInt32()}): {mb:0.0} MB in {corpusFiles:N0} transcript files, {sessions.GetArrayLength()} sessions " +
                      $"({v20} in the 2.0.x flat layout), {corpus.GetProperty("lines").GetInt64():N0} lines; largest file {corpus.GetProperty("largestFileBytes").GetInt64() / 1048576.0:0.0} MB, " +
                      $"largest line {corpus.GetProperty("largestLineBytes").GetInt64() / 1048576.0:0.00} MB." +
                      (onlySession is null ? "" : $" Only session `{onlySession}` is measured ({measuredMb:0.0} MB with its subagents), found by id among all of them."));
        sb.AppendLine();
        var runs = tools.Count > 0 ? tools[0].Runs.Count : 0;
        sb.AppendLine($"Rounds: {runs}. In each, every tool ran right after or right before its own ccusage run (the order alternating by round), " +
                      "so each ratio is the median of paired runs taken seconds apart.").AppendLine();
        sb.AppendLine("| Tool | Wall s (median) | CPU s (median) | Wall vs ccusage | CPU vs ccusage | Peak RSS MB (median) | RSS vs ccusage | Allocated MB | Totals vs generator |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var t in tools)
        {
            var cmp = comparisons.FirstOrDefault(c => c.Tool == t).Comparison;
            var verdict = cmp is null ? "not compared" : cmp.TokensMatch ? $"exact: {cmp.PairsCompared} session×model pairs" : $"**{cmp.TokenMismatches.Count} differences**";
            if (!t.AllSucceeded) verdict += " (a run exited non-zero)";
            var allocated = t.Key == "core" && core is not null ? core.TotalAllocatedBytes / 1048576.0
                : t.Stats.Count > 0 ? ToolRuns.Median(t.Stats.Select(s => s.AllocatedBytes / 1048576.0)) : double.NaN;
            sb.AppendLine($"| {t.Name} | {t.MedianWall:0.00} | {t.MedianCpu:0.00} | {t.WallRatio:0.00}× | {t.CpuRatio:0.00}× | {t.MedianRssMb:0} | {t.RssRatio:0.00}× | {(double.IsNaN(allocated) ? "–" : allocated.ToString("N0"))} | {verdict} |");
        }
        if (ccusageRuns.Count > 0)
        {
            var ccCmp = comparisons.FirstOrDefault(c => c.Tool is null).Comparison;
            sb.AppendLine($"| ccusage 20.0.24 (all its runs) | {ToolRuns.Median(ccusageRuns.Select(r => r.WallSeconds)):0.00} | {ToolRuns.Median(ccusageRuns.Select(r => r.CpuSeconds)):0.00} | 1 | 1 | " +
                          $"{ToolRuns.Median(ccusageRuns.Select(r => r.MaxRssKb / 1024.0)):0} | 1 | – | {(ccCmp is null ? "not compared" : ccCmp.TokensMatch ? $"exact: {ccCmp.PairsCompared} session×model pairs" : $"**{ccCmp.TokenMismatches.Count} differences**")} |");
        }
        sb.AppendLine();
        if (core is not null)
        {
            sb.AppendLine($"Inside the Core API process (last run, {core.Workers} worker(s)): discovery {core.DiscoverySeconds:0.00} s and {core.DiscoveryAllocatedBytes / 1048576.0:0.0} MB allocated; " +
                          $"statistics {core.StatsSeconds:0.00} s, {measuredMb / Math.Max(core.StatsSeconds, 1e-9):0} MB/s, **{core.StatsAllocatedBytes / 1024.0 / Math.Max(measuredMb, 1e-9):0} KB allocated per MB read** (the hot path); " +
                          $"GC collections gen0/1/2 = {core.Gen0Collections}/{core.Gen1Collections}/{core.Gen2Collections}; {core.JitCompiledMethods:N0} methods JIT-compiled in {core.JitSeconds:0.00} s; " +
                          $"{core.Warnings} warnings, {core.Errors} errors.");
        }
        foreach (var t in tools.Where(t => t.Key != "core" && t.Stats.Count > 0))
            sb.AppendLine($"{t.Name}: {ToolRuns.Median(t.Stats.Select(s => (double)s.JitMethods)):N0} methods JIT-compiled in {ToolRuns.Median(t.Stats.Select(s => s.JitSeconds)):0.00} s (median), gen2 collections {ToolRuns.Median(t.Stats.Select(s => (double)s.Gen2)):0}.");
        sb.AppendLine();
        sb.AppendLine("Commands (corpus path shortened to `$CORPUS`):").AppendLine();
        foreach (var t in tools) sb.AppendLine($"- {t.Name}: `{t.Command}`");
        sb.AppendLine();
        sb.AppendLine("Correctness: the generator's per-session, per-model token sums (`expected-totals.json`) against each tool's output of the last round.").AppendLine();
        foreach (var (_, c) in comparisons)
        {
            sb.AppendLine($"- **{c.Source}:** {c.SessionsFound} of {c.SessionsExpected} sessions, {c.PairsCompared} session×model pairs compared: " +
                          (c.TokensMatch ? "all token totals equal." : $"{c.TokenMismatches.Count} differ."));
            foreach (var m in c.TokenMismatches.Take(10)) sb.AppendLine($"  - {m}");
            if (c.FactMismatches.Count > 0)
            {
                sb.AppendLine($"  - Other facts (tools, commits, subagents, skill sequence): {c.FactMismatches.Count} differences, e.g.:");
                foreach (var m in c.FactMismatches.Take(5)) sb.AppendLine($"    - {m}");
            }
            else if (c.Source.StartsWith("SessionAnalytics", StringComparison.Ordinal))
                sb.AppendLine("  - Tool counts, commits, subagent counts and skill sequences also equal the generator's.");
        }
        sb.AppendLine();
        if (!string.IsNullOrWhiteSpace(notes)) sb.AppendLine(notes.Trim()).AppendLine();
        return sb.ToString();
    }

    /// <summary>results.md: the method, the machine, then each shape's last section (or a note that it has not been run).</summary>
    public static string Combine(string runsDirectory)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Benchmark: ConvertTo-SessionStats and ccusage, side by side on four shapes of history").AppendLine();
        sb.AppendLine("Written by `benchmarks/run-benchmark.sh` (method: benchmarks/README.md). MB = 2^20 bytes. Wall and CPU (user + system) " +
                      "times and peak RSS are GNU time's, for the whole process (start-up included). Each ratio is the median, over the rounds, " +
                      "of our run divided by the ccusage run paired with it (below 1: we are faster or smaller).").AppendLine();
        sb.AppendLine($"- **Machine:** {CpuModel()}, {Environment.ProcessorCount} logical cores, {TotalMemoryGb():0} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}.");
        sb.AppendLine("- **Tools:** SessionAnalytics through the runner (`Get-ClaudeSession | ConvertTo-SessionStats` in the hosted engine), through real pwsh " +
                      "(`tools/pwsh.sh`: PowerShell 7.6.9 from NuGet, importing the built module), and the Core API without PowerShell (discovery + `SessionMeasurer`); " +
                      "ccusage 20.0.24 (`claude session --offline --json`, its native binary).");
        sb.AppendLine();
        sb.AppendLine("## What each tool computes").AppendLine();
        sb.AppendLine("- **ccusage** (`session --json`): per session (named after its file) and model: input, output, cache-creation and cache-read tokens, and cost.");
        sb.AppendLine("- **SessionAnalytics** (`ConvertTo-SessionStats`): the same per model, plus the 1-hour cache-write split and response counts; " +
                      "subagent files of both layouts attributed to their parent session; tool calls per tool; skills with status, tokens and the invocation sequence; " +
                      "subagents with type, model and the parent's toolUseResult totals; commits that happened; problems (failed tools, rejected commits, API errors) with iterations and resolution; " +
                      "duration and active time; branches; cost per response with 1-hour writes at 2× input.").AppendLine();
        // The analysis against the targets (benchmarks/analysis.md, written by hand from the sections below).
        var analysis = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(runsDirectory))!)!, "analysis.md");
        if (File.Exists(analysis)) sb.AppendLine(File.ReadAllText(analysis).TrimEnd()).AppendLine();
        foreach (var (key, title) in Shapes)
        {
            var section = Path.Combine(runsDirectory, key, "section.md");
            if (File.Exists(section)) sb.AppendLine(File.ReadAllText(section).TrimEnd()).AppendLine();
            else sb.AppendLine($"## {title}").AppendLine().AppendLine($"Not measured yet: `benchmarks/run-benchmark.sh --shape {key}`.").AppendLine();
        }
        return sb.ToString();
    }

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static double TotalMemoryGb() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0;
}
