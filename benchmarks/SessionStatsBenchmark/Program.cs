using System.Text.Json;
using SessionAnalytics.Benchmarks;

// measure: the Core API over a corpus (discovery + SessionStatsCalculator), timed in-process.
// report:  compares every source with the generator's expected totals and writes results.md.
// benchmarks/run-benchmark.sh drives both; see benchmarks/README.md.

const string Usage =
    "usage:\n" +
    "  SessionStatsBenchmark measure --corpus <dir> --stats <out.jsonl> --summary <out.json>\n" +
    "  SessionStatsBenchmark report --corpus <dir> --expected <expected-totals.json> --out <results.md> [--label <text>]\n" +
    "      [--runner-stats <jsonl> --runner-time <t1,t2,..> --runner-command <text>]\n" +
    "      [--core-stats <jsonl> --core-summary <json> --core-time <t1,..> --core-command <text>]\n" +
    "      [--ccusage <json> --ccusage-time <t1,..> --ccusage-command <text>] [--notes <file>]";

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
            return Measure.Run(Required("corpus"), Required("stats"), Required("summary"));
        case "report":
            return WriteReport();
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
    var corpus = Required("corpus");
    var (expected, flat, corpusInfo) = TotalsReader.Expected(Required("expected"));
    var (bytes, files) = Measure.CorpusSize(corpus);
    var tools = new List<ToolRuns>();
    var comparisons = new List<(ToolRuns?, Comparison)>();
    CoreMeasurement? core = null;
    var ourTotalsMatch = true;

    ToolRuns? Runs(string name, string key, string defaultCommand)
    {
        if (Opt(key + "-time") is not string times) return null;
        var runs = times.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(TimedRun.Parse).ToList();
        var t = new ToolRuns(name, Opt(key + "-command") ?? defaultCommand, runs);
        tools.Add(t);
        return t;
    }

    var runner = Runs("SessionAnalytics via the runner", "runner", "SessionAnalytics.Runner --json \"Get-ClaudeSession -Path $CORPUS | ConvertTo-SessionStats\"");
    if (Opt("runner-stats") is string rs)
    {
        var c = Comparison.Run("SessionAnalytics via the runner", expected, TotalsReader.SessionStatsLines(rs), compareDetail: true, compareFacts: true);
        comparisons.Add((runner, c));
        ourTotalsMatch &= c.TokensMatch;
    }
    var coreRuns = Runs("SessionAnalytics Core API", "core", "SessionStatsBenchmark measure --corpus $CORPUS");
    if (Opt("core-stats") is string cs)
    {
        var c = Comparison.Run("SessionAnalytics Core API", expected, TotalsReader.SessionStatsLines(cs), compareDetail: true, compareFacts: true);
        comparisons.Add((coreRuns, c));
        ourTotalsMatch &= c.TokensMatch;
    }
    if (Opt("core-summary") is string summary)
        core = JsonSerializer.Deserialize<CoreMeasurement>(File.ReadAllText(summary));
    var ccRuns = Runs("ccusage 20.0.24", "ccusage", "ccusage claude session --offline --json");
    if (Opt("ccusage") is string cc)
    {
        var totals = TotalsReader.Ccusage(cc, flat);
        var c = Comparison.Run($"ccusage 20.0.24 ({totals.FoldedRows} flat agent-file rows folded into their parent sessions)", expected, totals, compareDetail: false, compareFacts: false);
        comparisons.Add((ccRuns, c));
    }

    var notes = Opt("notes") is string n && File.Exists(n) ? File.ReadAllText(n) : null;
    var markdown = Report.Markdown(corpusInfo, Opt("label") ?? corpus, bytes, files, tools, core, comparisons, notes);
    File.WriteAllText(Required("out"), markdown);
    Console.WriteLine(markdown);
    foreach (var (_, c) in comparisons)
        Console.Error.WriteLine($"{c.Source}: {(c.TokensMatch ? "token totals equal the generator's" : $"{c.TokenMismatches.Count} token differences")}" +
                                (c.FactMismatches.Count > 0 ? $", {c.FactMismatches.Count} other differences" : ""));
    return ourTotalsMatch ? 0 : 1;
}
