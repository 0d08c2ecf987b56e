using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Benchmarks.CorpusGenerator;

// Writes a synthetic Claude Code config directory (<out>/projects/<encoded cwd>/...) of about --size bytes, the same
// bytes for the same --seed, plus <out>/expected-totals.json with the exact per-session, per-model token totals.
//   dotnet run --project benchmarks/CorpusGenerator -c Release -- --size 200MB --out benchmarks/corpus/200MB --seed 42

const string Usage = "usage: CorpusGenerator [--size 1GB] [--out <dir>] [--seed 42] [--force]\n" +
                     "  --size   total bytes of transcripts: 1GB, 200MB, 512KB or a byte count (binary units)\n" +
                     "  --out    the config directory to write (default ./corpus); must be empty or absent unless --force\n" +
                     "  --seed   the same seed writes the same corpus byte for byte\n" +
                     "  --force  replace <out>/projects and <out>/expected-totals.json if they exist";

long size = 1L << 30;
var outDir = "corpus";
var seed = 42;
var force = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size" when i + 1 < args.Length:
            if (!TryParseSize(args[++i], out size)) return Fail($"--size: cannot read '{args[i]}' (e.g. 1GB, 200MB).");
            break;
        case "--out" when i + 1 < args.Length: outDir = args[++i]; break;
        case "--seed" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out seed)) return Fail($"--seed: '{args[i]}' is not an integer.");
            break;
        case "--force": force = true; break;
        case "-h" or "--help": Console.WriteLine(Usage); return 0;
        default: return Fail($"unknown argument '{args[i]}'\n{Usage}");
    }
}
if (size < 256 * 1024) return Fail("--size must be at least 256KB.");

outDir = Path.GetFullPath(outDir);
var projectsDir = Path.Combine(outDir, "projects");
var expectedPath = Path.Combine(outDir, "expected-totals.json");
if (Directory.Exists(projectsDir) || File.Exists(expectedPath))
{
    if (!force) return Fail($"'{outDir}' already holds a corpus; pass --force to replace it.");
    if (Directory.Exists(projectsDir)) Directory.Delete(projectsDir, recursive: true);
    File.Delete(expectedPath);
}
Directory.CreateDirectory(projectsDir);

var watch = Stopwatch.StartNew();
var rng = new Entropy(seed);
var text = new TextPool(seed);
var expected = new ExpectedCorpus { Seed = seed, RequestedBytes = size };

string[] projectNames = ["spotter", "ledger-api", "orbit-web", "harbor", "quill-docs", "atlas-infra"];
var projects = projectNames.Select(n => (Cwd: "/home/dev/" + n, Dir: Path.Combine(projectsDir, "-home-dev-" + n))).ToList();
var clock = new DateTime(2026, 1, 5, 8, 30, 0, DateTimeKind.Utc);
long written = 0;
var index = 0;
while (written < size)
{
    // The first session is the giant one (70% of the corpus: ~700 MB at 1 GB); the rest spread over many sessions.
    var remaining = size - written;
    var first = index == 0;
    var target = first ? size * 7 / 10 : Math.Min(remaining, rng.LogUniform(150_000, Math.Max(400_000, size / 80)));
    var project = first ? projects[0] : projects[1 + rng.Next(0, projects.Count - 1)];
    var layout = !first && rng.Chance(0.15) ? Layout.V20 : Layout.V21;
    var branchCount = rng.Chance(0.2) ? 2 : 1;
    var branches = Enumerable.Range(0, branchCount)
        .Select(b => b == 0 && rng.Chance(0.3) ? "main" : $"{rng.Pick(new[] { "feature", "fix", "chore" })}/{text.Word()}-{rng.Next(10, 999)}").ToList();
    var plan = new SessionPlan
    {
        SessionId = rng.Uuid(),
        ProjectDirectory = project.Dir,
        Cwd = project.Cwd,
        Layout = layout,
        MainModel = first || rng.Chance(0.7) ? SessionSimulator.Opus : SessionSimulator.Sonnet,
        OneHourCache = !first && rng.Chance(0.3),
        TargetBytes = Math.Max(20_000, target),
        MaxLargeLineBytes = Math.Min(5_000_000, Math.Max(100_000, target / 4)),
        Branches = branches,
        Start = clock,
    };
    var simulator = new SessionSimulator(plan, rng, text, outDir);
    var session = simulator.Run();
    expected.Sessions.Add(session);
    foreach (var (file, sid) in simulator.FlatAgentFiles) expected.FlatAgentFiles[file] = sid;
    foreach (var f in simulator.FileStats)
    {
        expected.Files++;
        expected.Lines += f.Lines;
        if (f.Bytes > expected.LargestFileBytes)
        {
            expected.LargestFileBytes = f.Bytes;
            expected.LargestFile = Path.GetRelativePath(outDir, f.Path).Replace('\\', '/');
        }
        expected.LargestLineBytes = Math.Max(expected.LargestLineBytes, f.LargestLine);
    }
    written += session.Bytes;
    clock = clock.AddHours(rng.Next(1, 30));
    index++;
    Console.Error.Write($"\r{written / 1048576.0,8:0.0} of {size / 1048576.0:0.0} MB, {index} sessions");
}
Console.Error.WriteLine();
expected.BytesWritten = written;
File.WriteAllText(expectedPath, JsonSerializer.Serialize(expected, ExpectedCorpus.JsonOptions));

var seconds = watch.Elapsed.TotalSeconds;
Console.WriteLine($"Wrote {written / 1048576.0:0.0} MB in {expected.Files} files ({expected.Sessions.Count} sessions, {expected.Lines:N0} lines) to {outDir} in {seconds:0.0} s ({written / 1048576.0 / seconds:0} MB/s).");
Console.WriteLine($"Largest file: {expected.LargestFile} ({expected.LargestFileBytes / 1048576.0:0.0} MB); largest line: {expected.LargestLineBytes / 1048576.0:0.00} MB.");
Console.WriteLine($"Expected totals: {expectedPath}");
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine("CorpusGenerator: " + message);
    return 2;
}

static bool TryParseSize(string text, out long bytes)
{
    bytes = 0;
    var t = text.Trim().ToUpperInvariant().Replace("IB", "B");
    long unit = 1;
    foreach (var (suffix, factor) in new[] { ("GB", 1L << 30), ("G", 1L << 30), ("MB", 1L << 20), ("M", 1L << 20), ("KB", 1L << 10), ("K", 1L << 10), ("B", 1L) })
        if (t.EndsWith(suffix, StringComparison.Ordinal)) { unit = factor; t = t[..^suffix.Length]; break; }
    if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
    bytes = (long)(n * unit);
    return true;
}
