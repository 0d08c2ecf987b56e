using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Benchmarks;

// measure: the Core API over a corpus (discovery + SessionMeasurer), timed in-process.
// report:  compares every tool's output with the generator's expected totals, pairs each of our runs with its ccusage
//          run, and writes the shape's section; then rewrites results.md from every shape's last section.
// benchmarks/run-benchmark.sh drives both; see benchmarks/README.md.

const string Usage =
    "usage:\n" +
    "  SessionStatsBenchmark measure --corpus <dir> --stats <out.jsonl> --summary <out.json> [--workers <n>] [--id <session id>] [--read-ahead-mb <n>]\n" +
    "  SessionStatsBenchmark median-session --expected <expected-totals.json>\n" +
    "  SessionStatsBenchmark report --shape <many|giant|many100|one> --corpus <dir> --expected <expected-totals.json> --work <dir>\n" +
    "      --runs <n> --results <results.md> [--label <text>] [--only-session <id>] [--notes <file>]\n" +
    "      (reads <work>/<tool>.<i>.time, <work>/cc-<tool>.<i>.time, <work>/<tool>.<i>.stats.json, <work>/<tool>.jsonl, <work>/ccusage.json\n" +
    "       for tool = runner, pwsh, core; writes <work>/section.md and the results file)";

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}'\n{Usage}");
        return 2;
    }
    options[args[i][2..]] = args[++i];
}
string? Opt(string name) => options.GetValueOrDefault(name);
string Required(string name) => Opt(name) ?? throw new ArgumentException($"--{name} is required.\n{Usage}");

try
{
    switch (args[0])
    {
        case "measure":
            return Measure.Run(Required("corpus"), Required("stats"), Required("summary"),
                int.Parse(Opt("workers") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), Opt("id"),
                Opt("read-ahead-mb") is string r ? long.Parse(r, CultureInfo.InvariantCulture) << 20 : null);
        case "report":
            return WriteReport();
        case "median-session":
            // The hook case measures one ordinary session: the one of median size among those with subagents.
            using (var doc = JsonDocument.Parse(File.ReadAllBytes(Required("expected"))))
            {
                var withSubagents = doc.RootElement.GetProperty("sessions").EnumerateArray()
                    .Where(e => e.GetProperty("subagents").GetInt32() > 0).OrderBy(e => e.GetProperty("bytes").GetInt64()).ToList();
                Console.WriteLine(withSubagents[withSubagents.Count / 2].GetProperty("sessionId").GetString());
            }
            return 0;
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'\n{Usage}");
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

int WriteReport()
{
    var shape = Required("shape");
    var corpus = Required("corpus");
    var work = Required("work");
    var runs = int.Parse(Required("runs"), CultureInfo.InvariantCulture);
    var only = Opt("only-session");
    var (expected, flat, corpusInfo) = TotalsReader.Expected(Required("expected"));
    if (only is not null) expected = expected.Only(only);
    var (bytes, files) = Measure.CorpusSize(corpus);
    string W(string name) => Path.Combine(work, name);

    var names = new Dictionary<string, (string Name, string Command)>
    {
        ["runner"] = ("SessionAnalytics via the runner", "dotnet src/SessionAnalytics.Runner/bin/Release/net10.0/SessionAnalytics.Runner.dll --json \"Get-ClaudeSession -Path $CORPUS" + (only is null ? "" : " -Id <id>") + " | ConvertTo-SessionStats\""),
        ["pwsh"] = ("SessionAnalytics in pwsh 7.6.9", "tools/pwsh.sh -NoProfile -NonInteractive -File <script: Import-Module; Get-ClaudeSession -Path $CORPUS" + (only is null ? "" : " -Id <id>") + " | ConvertTo-SessionStats | JSON lines>"),
        ["core"] = ("SessionAnalytics Core API", "dotnet benchmarks/SessionStatsBenchmark/bin/Release/net10.0/SessionStatsBenchmark.dll measure --corpus $CORPUS" + (only is null ? "" : " --id <id>")),
    };
    var tools = new List<ToolRuns>();
    var comparisons = new List<(ToolRuns?, Comparison)>();
    var ourTotalsMatch = true;
    foreach (var (key, (name, command)) in names)
    {
        var timed = Enumerable.Range(1, runs).Where(i => File.Exists(W($"{key}.{i}.time")) && File.Exists(W($"cc-{key}.{i}.time"))).ToList();
        if (timed.Count == 0) continue;
        var stats = timed.Select(i => ProcessStats.Read(W($"{key}.{i}.stats.json"))).OfType<ProcessStats>().ToList();
        var t = new ToolRuns(key, name, command, timed.Select(i => TimedRun.Parse(W($"{key}.{i}.time"))).ToList(),
            timed.Select(i => TimedRun.Parse(W($"cc-{key}.{i}.time"))).ToList(), stats);
        tools.Add(t);
        if (File.Exists(W($"{key}.jsonl")))
        {
            var c = Comparison.Run(name, expected, TotalsReader.SessionStatsLines(W($"{key}.jsonl")), compareDetail: true, compareFacts: true);
            comparisons.Add((t, c));
            ourTotalsMatch &= c.TokensMatch;
        }
    }
    var ccusageRuns = tools.SelectMany(t => t.Ccusage).ToList();
    if (File.Exists(W("ccusage.json")))
    {
        var totals = TotalsReader.Ccusage(W("ccusage.json"), flat);
        if (only is not null) totals = totals.Only(only);
        // ccusage sums the usage as logged; the generator's totals include the final-usage correction of subagents' last
        // calls, which only our engine applies. ccusage is compared with the logged totals, and the report states the
        // difference (exactly that correction) rather than calling either side inexact.
        var (correction, corrected) = expected.OutputCorrection;
        comparisons.Add((null, Comparison.Run($"ccusage 20.0.24 ({totals.FoldedRows} flat agent-file rows folded into their parent sessions; " +
            $"compared with the logged usage: its output tokens are {correction:N0} below the generator's totals in {corrected} session×model pairs, " +
            "exactly the final-usage correction of subagents' last calls, which ccusage does not apply)", expected.Logged(), totals, compareDetail: false, compareFacts: false)));
    }
    var core = File.Exists(W("core.summary.json")) ? JsonSerializer.Deserialize<CoreMeasurement>(File.ReadAllText(W("core.summary.json"))) : null;
    var notes = Opt("notes") is string n && File.Exists(n) ? File.ReadAllText(n) : null;

    var section = Report.Section(shape, corpusInfo, Opt("label") ?? corpus, bytes, files, only, tools, ccusageRuns, core, comparisons, notes);
    File.WriteAllText(W("section.md"), section);
    var results = Required("results");
    File.WriteAllText(results, Report.Combine(Path.GetDirectoryName(Path.GetFullPath(work))!));
    Console.WriteLine(section);
    foreach (var (_, c) in comparisons)
        Console.Error.WriteLine($"{c.Source}: {(c.TokensMatch ? "token totals equal the generator's" : $"{c.TokenMismatches.Count} token differences")}" +
                                (c.FactMismatches.Count > 0 ? $", {c.FactMismatches.Count} other differences" : ""));
    return ourTotalsMatch ? 0 : 1;
}
