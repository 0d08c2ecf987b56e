using System.Text.Json;

namespace SessionAnalytics.Benchmarks.CorpusGenerator;

/// <summary>
/// Plans and writes a whole corpus: one giant session (70% of the bytes, so ~700 MB in one file at 1 GB) and many
/// smaller ones spread over several projects, every seventh of them in the 2.0.x flat-agent layout. The same seed gives
/// the same bytes. Writes &lt;out&gt;/projects/... and &lt;out&gt;/expected-totals.json.
/// </summary>
public static class CorpusWriter
{
    public static ExpectedCorpus Write(string outDir, long size, int seed, Action<long, int>? progress = null)
    {
        var projectsDir = Path.Combine(outDir, "projects");
        var expectedPath = Path.Combine(outDir, "expected-totals.json");
        Directory.CreateDirectory(projectsDir);
        var rng = new Entropy(seed);
        var text = new TextPool(seed);
        var expected = new ExpectedCorpus { Seed = seed, RequestedBytes = size };
        var usedAgentIds = new HashSet<string>(StringComparer.Ordinal);

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
            // Every seventh session (the second one included) uses the 2.0.x layout, so even a small corpus has one.
            var layout = index % 7 == 1 ? Layout.V20 : Layout.V21;
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
                EarlyTask = first || layout == Layout.V20,
            };
            var simulator = new SessionSimulator(plan, rng, text, outDir, usedAgentIds);
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
            progress?.Invoke(written, index);
        }
        expected.BytesWritten = written;
        File.WriteAllText(expectedPath, JsonSerializer.Serialize(expected, ExpectedCorpus.JsonOptions));
        return expected;
    }
}
