using System.Text.Json;

namespace SessionAnalytics.Benchmarks.CorpusGenerator;

/// <summary>How the bytes of a corpus are spread over sessions.</summary>
public enum CorpusShape
{
    /// <summary>One giant session holding 70% of the bytes (a ~700 MB file at 1 GB), the rest in sessions of 150 KB to size/80.</summary>
    Giant,
    /// <summary>Many ordinary sessions of 10 KB to 20 MB (log-uniform, a third below 1 MB), most with subagents, over 24 projects: a
    /// long-used ~/.claude, where start-up and per-file costs count and no single file dominates.</summary>
    Many,
}

/// <summary>
/// Plans and writes a whole corpus of one <see cref="CorpusShape"/>, sessions spread over several projects, every
/// seventh of them in the 2.0.x flat-agent layout. The same seed and shape give the same bytes. Writes
/// &lt;out&gt;/projects/... and &lt;out&gt;/expected-totals.json.
/// </summary>
public static class CorpusWriter
{
    public static ExpectedCorpus Write(string outDir, long size, int seed, Action<long, int>? progress = null) =>
        Write(outDir, size, seed, CorpusShape.Giant, progress);

    public static ExpectedCorpus Write(string outDir, long size, int seed, CorpusShape shape, Action<long, int>? progress = null)
    {
        var projectsDir = Path.Combine(outDir, "projects");
        var expectedPath = Path.Combine(outDir, "expected-totals.json");
        Directory.CreateDirectory(projectsDir);
        var rng = new Entropy(seed);
        var text = new TextPool(seed);
        var expected = new ExpectedCorpus { Seed = seed, RequestedBytes = size, Shape = shape.ToString().ToLowerInvariant() };
        var usedAgentIds = new HashSet<string>(StringComparer.Ordinal);

        string[] projectNames = shape == CorpusShape.Giant
            ? ["spotter", "ledger-api", "orbit-web", "harbor", "quill-docs", "atlas-infra"]
            : ["spotter", "ledger-api", "orbit-web", "harbor", "quill-docs", "atlas-infra", "beacon", "cinder", "delta-cli", "ember",
               "fjord", "gale-ui", "helix", "iris-sdk", "juniper", "kestrel", "lumen", "mosaic", "nimbus", "onyx-api", "prism",
               "quarry", "ridge", "summit-app"];
        var projects = projectNames.Select(n => (Cwd: "/home/dev/" + n, Dir: Path.Combine(projectsDir, "-home-dev-" + n))).ToList();
        var clock = new DateTime(2026, 1, 5, 8, 30, 0, DateTimeKind.Utc);
        long written = 0;
        var index = 0;
        while (written < size)
        {
            // The first session is the giant one (70% of the corpus: ~700 MB at 1 GB); the rest spread over many sessions.
            var remaining = size - written;
            var first = index == 0 && shape == CorpusShape.Giant;
            var target = first ? size * 7 / 10
                : shape == CorpusShape.Giant ? Math.Min(remaining, rng.LogUniform(150_000, Math.Max(400_000, size / 80)))
                // Most histories are many short sessions and some long ones: a third drawn below 1 MB, the rest up to 20 MB.
                : Math.Min(remaining, rng.Chance(0.3) ? rng.LogUniform(10_000, 1L << 20) : rng.LogUniform(10_000, 20L << 20));
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
                TargetBytes = Math.Max(shape == CorpusShape.Giant ? 20_000 : 10_000, target),
                MaxLargeLineBytes = Math.Min(5_000_000, Math.Max(100_000, target / 4)),
                Branches = branches,
                Start = clock,
                EarlyTask = first || layout == Layout.V20 || (shape == CorpusShape.Many && rng.Chance(0.5)),
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
