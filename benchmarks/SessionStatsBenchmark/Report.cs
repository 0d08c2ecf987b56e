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

public sealed class ToolRuns(string name, string command, IReadOnlyList<TimedRun> runs)
{
    public string Name { get; } = name;
    public string Command { get; } = command;
    public IReadOnlyList<TimedRun> Runs { get; } = runs;
    public TimedRun Best => Runs.MinBy(r => r.WallSeconds)!;
    public double MedianWall => Runs.Select(r => r.WallSeconds).Order().ElementAt(Runs.Count / 2);
    public long MaxRssKb => Runs.Max(r => r.MaxRssKb);
}

/// <summary>Writes benchmarks/results.md from the measurements and the comparisons.</summary>
public static class Report
{
    public static string Markdown(JsonElement corpus, string corpusLabel, long corpusBytes, int corpusFiles, IReadOnlyList<ToolRuns> tools,
        CoreMeasurement? core, IReadOnlyList<(ToolRuns? Tool, Comparison Comparison)> comparisons, string? notes)
    {
        var mb = corpusBytes / 1048576.0;
        var sb = new StringBuilder();
        sb.AppendLine("# Benchmark: ConvertTo-SessionStats and ccusage on one generated corpus").AppendLine();
        sb.AppendLine($"Written by `benchmarks/run-benchmark.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. MB = 2^20 bytes; MB/s = corpus transcript bytes / wall time of the whole process (start-up included).").AppendLine();
        sb.AppendLine($"- **Machine:** {CpuModel()}, {Environment.ProcessorCount} logical cores, {TotalMemoryGb():0} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}. " +
                           "The cores were shared with other jobs while measuring, so wall times are noisy (the best of the runs is shown, with the median beside it); " +
                           "CPU time (user + system, the least of the runs) is the steadier comparison.");
        var sessions = corpus.GetProperty("sessions");
        var v20 = sessions.EnumerateArray().Count(s => s.GetProperty("layout").GetString() == "2.0.x");
        sb.AppendLine($"- **Corpus:** `{corpusLabel}` (CorpusGenerator, seed {corpus.GetProperty("seed").GetInt32()}): {mb:0.0} MB in {corpusFiles} transcript files, " +
                           $"{sessions.GetArrayLength()} sessions ({v20} in the 2.0.x flat layout, {corpus.GetProperty("flatAgentFiles").EnumerateObject().Count()} flat agent files), " +
                           $"{corpus.GetProperty("lines").GetInt64():N0} lines; largest file {corpus.GetProperty("largestFileBytes").GetInt64() / 1048576.0:0.0} MB, " +
                           $"largest line {corpus.GetProperty("largestLineBytes").GetInt64() / 1048576.0:0.00} MB. Read once before timing (warm page cache for every tool).");
        sb.AppendLine();
        sb.AppendLine("| Tool | Runs | Wall time, best (median) s | MB/s (best) | CPU user+sys s | MB per CPU-s | Peak RSS MB | Token totals vs generator |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var t in tools)
        {
            var cmp = comparisons.FirstOrDefault(c => c.Tool == t).Comparison;
            var verdict = cmp is null ? "not compared" : cmp.TokensMatch
                ? $"exact: {cmp.PairsCompared} session×model pairs"
                : $"**{cmp.TokenMismatches.Count} differences**";
            var cpu = t.Runs.Min(r => r.CpuSeconds);
            sb.AppendLine($"| {t.Name} | {t.Runs.Count} | {t.Best.WallSeconds:0.00} ({t.MedianWall:0.00}) | {mb / t.Best.WallSeconds:0} | {cpu:0.00} | {mb / cpu:0} | {t.MaxRssKb / 1024.0:0} | {verdict} |");
        }
        sb.AppendLine();
        sb.AppendLine("Commands (corpus path shortened to `$CORPUS`):").AppendLine();
        foreach (var t in tools) sb.AppendLine($"- {t.Name}: `{t.Command}`");
        sb.AppendLine();
        if (core is not null)
            sb.AppendLine($"Inside the Core API process (last run): discovery {core.DiscoverySeconds:0.00} s, statistics {core.StatsSeconds:0.00} s, " +
                               $"so {mb / core.TotalSeconds:0} MB/s without process start-up; {core.TotalAllocatedBytes / 1048576.0:N0} MB allocated in all, " +
                               $"GC collections gen0/1/2 = {core.Gen0Collections}/{core.Gen1Collections}/{core.Gen2Collections}; {core.Warnings} warnings, {core.Errors} errors.").AppendLine();

        sb.AppendLine("## What each tool computes").AppendLine();
        sb.AppendLine("- **ccusage** (`session --json`): per session (named after its file) and model: input, output, cache-creation and cache-read tokens, and cost.");
        sb.AppendLine("- **SessionAnalytics** (`ConvertTo-SessionStats`): the same per model, plus the 1-hour cache-write split and response counts; " +
                      "subagent files of both layouts attributed to their parent session; tool calls per tool; skills with status, tokens and the invocation sequence; " +
                      "subagents with type, model and the parent's toolUseResult totals; commits that happened; problems (failed tools, rejected commits, API errors) with iterations and resolution; " +
                      "duration and active time; branches; cost per response with 1-hour writes at 2× input.").AppendLine();

        sb.AppendLine("## Correctness").AppendLine();
        sb.AppendLine("The generator records, while writing, the token sums of every distinct response (the largest line of each message.id/requestId group) " +
                      "per session and model, over the main transcript, its subagents and compaction calls (`expected-totals.json`).").AppendLine();
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
        if (!string.IsNullOrWhiteSpace(notes)) sb.AppendLine("## Notes").AppendLine().AppendLine(notes.Trim()).AppendLine();
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
