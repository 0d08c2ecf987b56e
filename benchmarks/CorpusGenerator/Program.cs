using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Benchmarks.CorpusGenerator;

// Writes a synthetic Claude Code config directory (<out>/projects/<encoded cwd>/...) of about --size bytes, the same
// bytes for the same --seed, plus <out>/expected-totals.json with the exact per-session, per-model token totals.
//   dotnet run --project benchmarks/CorpusGenerator -c Release -- --size 200MB --out benchmarks/corpus/200MB --seed 42

const string Usage = "usage: CorpusGenerator [--size 1GB] [--shape giant|many] [--out <dir>] [--seed 42] [--force]\n" +
                     "  --size   total bytes of transcripts: 1GB, 200MB, 512KB or a byte count (binary units)\n" +
                     "  --shape  giant: one session holds 70% of the bytes; many: sessions of 10 KB-20 MB with subagents over 24 projects\n" +
                     "  --out    the config directory to write (default ./corpus); must be empty or absent unless --force\n" +
                     "  --seed   the same seed writes the same corpus byte for byte\n" +
                     "  --force  replace <out>/projects and <out>/expected-totals.json if they exist\n" +
                     "  --format-version  print the version of the corpus format (it changes when a seed would write other bytes)";

long size = 1L << 30;
var outDir = "corpus";
var seed = 42;
var force = false;
var shape = CorpusShape.Giant;
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
        case "--shape" when i + 1 < args.Length:
            if (!Enum.TryParse(args[++i], ignoreCase: true, out shape)) return Fail($"--shape: '{args[i]}' is not giant or many.");
            break;
        case "--format-version": Console.WriteLine(ExpectedCorpus.CurrentFormatVersion); return 0;
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
var expected = CorpusWriter.Write(outDir, size, seed, shape,
    (written, sessions) => Console.Error.Write($"\r{written / 1048576.0,8:0.0} of {size / 1048576.0:0.0} MB, {sessions} sessions"));
Console.Error.WriteLine();
var written = expected.BytesWritten;

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
