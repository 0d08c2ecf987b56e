using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Workflows;

/// <summary>
/// The proof that GitHub can draw what we produce: every diagram goes through the real mermaid package
/// (tests/browser, the version pinned there) in headless Chromium via tests/browser/render-mermaid.mjs, which calls
/// mermaid.parse, reads Mermaid's own edge list and mermaid.render. Any parse or render error fails the test.
/// </summary>
public partial class MermaidRenderingTests
{
    private sealed record RenderResult(string File, bool Ok, string? Error, List<RenderedEdge> Edges, List<RenderedPath> Paths, List<RenderedNode> Nodes, List<string> Markup);
    private sealed record RenderedEdge(string Start, string End, string Text, string Style);
    private sealed record RenderedPath(string Id, string Style);
    private sealed record RenderedNode(string Id, string Classes, string Text, string Fill);

    /// <summary>The design's colours as the browser reports a computed fill.</summary>
    private const string Green = "rgb(76, 175, 80)", Red = "rgb(244, 67, 54)", Grey = "rgb(158, 158, 158)";

    private static readonly string[] Colours = [MermaidAnnotator.TraversedColour, MermaidAnnotator.FailureColour, MermaidAnnotator.UntraversedColour];

    [BrowserFact]
    public void EveryAnnotatedDiagramParsesAndRendersWithColoursOnTheLinksMermaidNumbersThatWay()
    {
        using var dir = new TempDirectory();
        var diagrams = AnnotatedDiagrams();
        for (var i = 0; i < diagrams.Count; i++)
            File.WriteAllText(Path.Combine(dir.Path, $"{i:000}-{diagrams[i].Name}.mmd"), diagrams[i].Text);
        // The sentinels: the harness must report these, or a broken diagram could pass unnoticed.
        File.WriteAllText(Path.Combine(dir.Path, "900-broken-label.mmd"), "flowchart TD\n    A -->|unquoted (parens)| B\n");
        File.WriteAllText(Path.Combine(dir.Path, "901-broken-linkstyle.mmd"), "flowchart TD\n    A --> B\n    linkStyle 1 stroke:#F44336\n");

        var results = Render(dir.Path);
        Assert.Equal(diagrams.Count + 2, results.Count);
        Assert.False(results.Single(r => r.File == "900-broken-label.mmd").Ok);
        Assert.False(results.Single(r => r.File == "901-broken-linkstyle.mmd").Ok);

        var problems = new List<string>();
        for (var i = 0; i < diagrams.Count; i++)
        {
            var (name, text) = diagrams[i];
            var r = results.Single(x => x.File == $"{i:000}-{name}.mmd");
            if (!r.Ok) { problems.Add($"{r.File}: Mermaid error: {r.Error}\n{text}"); continue; }
            var ours = MermaidFlowchart.Parse(text);
            var expectedEdges = ours.Links.Select(l => $"{l.From}->{l.To}").ToList();
            var mermaidEdges = r.Edges.Select(e => $"{e.Start}->{e.End}").ToList();
            if (!expectedEdges.SequenceEqual(mermaidEdges))
            {
                problems.Add($"{r.File}: link order differs\n ours:    {string.Join(", ", expectedEdges)}\n mermaid: {string.Join(", ", mermaidEdges)}");
                continue;
            }
            var colours = LinkStyleColours(ours);
            for (var k = 0; k < r.Edges.Count; k++)
            {
                var style = r.Edges[k].Style;
                var expected = colours.GetValueOrDefault(k);
                if (expected is null)
                {
                    if (Colours.Any(c => style.Contains(c, StringComparison.OrdinalIgnoreCase))) problems.Add($"{r.File}: link {k} coloured though not styled: {style}");
                }
                else if (!style.Contains("stroke:" + expected, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{r.File}: link {k} ({mermaidEdges[k]}) should be {expected}, Mermaid has '{style}'");
                }
                var label = ours.Links[k].Label ?? "";
                if (!string.Equals(r.Edges[k].Text, label, StringComparison.Ordinal))
                    problems.Add($"{r.File}: link {k} label: ours '{label}', Mermaid '{r.Edges[k].Text}'");
            }
            // The drawn SVG carries the colours: as many paths of each colour as links styled with it.
            foreach (var colour in Colours)
            {
                var expected = colours.Values.Count(c => c == colour);
                var drawn = r.Paths.Count(p => p.Style.Contains("stroke:" + colour, StringComparison.OrdinalIgnoreCase));
                if (expected != drawn) problems.Add($"{r.File}: {expected} links styled {colour}, {drawn} drawn");
            }
            // Node fills: every node of an annotated diagram carries the used, failed or unused class, and is drawn in its colour.
            if (name.StartsWith("template-", StringComparison.Ordinal)) continue;
            foreach (var node in ours.Nodes.Where(n => !n.IsSubgraph && SimpleId().IsMatch(n.Id)))
            {
                var expectedClass = node.Classes.LastOrDefault(c => c.StartsWith("saU", StringComparison.Ordinal) || c.StartsWith("saF", StringComparison.Ordinal));
                var drawn = r.Nodes.FirstOrDefault(g => g.Id.StartsWith($"flowchart-{node.Id}-", StringComparison.Ordinal));
                if (expectedClass is null || drawn is null || !drawn.Classes.Split(' ').Contains(expectedClass))
                {
                    problems.Add($"{r.File}: node {node.Id} should be drawn with class {expectedClass}, has '{drawn?.Classes}'");
                    continue;
                }
                var fill = expectedClass.StartsWith("saUsed", StringComparison.Ordinal) ? Green : expectedClass.StartsWith("saFailed", StringComparison.Ordinal) ? Red : Grey;
                if (drawn.Fill != fill) problems.Add($"{r.File}: node {node.Id} ({expectedClass}) is filled {drawn.Fill}, not {fill}");
            }
        }

        // What the diagrams mean, checked on what Mermaid drew: the tdd session went tdd:ci → rca:ci twice.
        var tdd = results.Single(r => r.File.EndsWith("-generated-tdd-loop-tdd.mmd", StringComparison.Ordinal));
        Assert.True(tdd.Ok, tdd.Error);
        var failed = tdd.Edges.Single(e => e.Start == "CI" && e.End == "RCACI");
        Assert.Equal("CI failed (2x)", failed.Text);
        Assert.Contains("stroke:" + MermaidAnnotator.FailureColour, failed.Style, StringComparison.OrdinalIgnoreCase);
        var fix = tdd.Edges.Single(e => e.Start == "RCACI" && e.End == "TDDCI");
        Assert.Equal("fix found (2x)", fix.Text);
        Assert.Contains("stroke:" + MermaidAnnotator.TraversedColour, fix.Style, StringComparison.OrdinalIgnoreCase);
        var unused = tdd.Edges.Single(e => e.Start == "CI" && e.End == "REVIEWS");
        Assert.Contains("stroke:" + MermaidAnnotator.UntraversedColour, unused.Style, StringComparison.OrdinalIgnoreCase);

        // A session whose tdd:ci invocations all failed: its node is red, rca:ci (completed) green, tdd:kind (not invoked) grey.
        var allFailed = results.Single(r => r.File.EndsWith("-generated-tdd-failed-tdd.mmd", StringComparison.Ordinal));
        Assert.True(allFailed.Ok, allFailed.Error);
        Assert.Equal(Red, allFailed.Nodes.Single(n => n.Id.StartsWith("flowchart-TDDCI-", StringComparison.Ordinal)).Fill);
        Assert.Equal(Green, allFailed.Nodes.Single(n => n.Id.StartsWith("flowchart-RCACI-", StringComparison.Ordinal)).Fill);
        Assert.Equal(Grey, allFailed.Nodes.Single(n => n.Id.StartsWith("flowchart-TDDKIND-", StringComparison.Ordinal)).Fill);

        SaveArtifact(dir.Path, tdd.File);
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [BrowserFact]
    public void Session_text_in_labels_renders_as_text_and_no_markup_reaches_the_svg()
    {
        // Edges recorded in a session's data (a comment anyone could have written) name the nodes of a diagram drawn
        // without a template: their names become labels.
        string[] names = ["<img src=x onerror=alert(1)>", "B & <b>bold</b> #quot; \"q\" `t`", "<script>alert(2)</script>", "#lt;i#gt;entity#lt;/i#gt;"];
        var stats = new SessionStats
        {
            SessionId = "00b11888-escaping",
            WorkflowEdges = new Dictionary<string, IReadOnlyDictionary<string, int>>
            {
                ["deploy"] = new Dictionary<string, int> { [names[0] + "->" + names[1]] = 2, [names[2] + "->" + names[3]] = 1 },
            },
        };
        var diagram = Assert.Single(WorkflowDiagramGenerator.Generate(stats, null, null, NullDiagnostics.Instance));
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "escaping.mmd"), diagram.Mermaid);
        // The sentinel: the same labels quoted only for Mermaid's syntax, as before, do reach the SVG as markup.
        File.WriteAllText(Path.Combine(dir.Path, "unescaped.mmd"), "flowchart LR\n    n0[" + MermaidAnnotator.Quote(names[0]) + "] --> n1[" + MermaidAnnotator.Quote(names[2]) + "]\n");

        var results = Render(dir.Path);
        var sentinel = results.Single(r => r.File == "unescaped.mmd");
        Assert.True(sentinel.Ok, sentinel.Error);
        Assert.Contains("<img>", sentinel.Markup);

        var r = results.Single(r => r.File == "escaping.mmd");
        Assert.True(r.Ok, r.Error + "\n" + diagram.Mermaid);
        Assert.Empty(r.Markup);
        Assert.Equal(names.Order(StringComparer.Ordinal), r.Nodes.Select(n => n.Text).Order(StringComparer.Ordinal));
    }

    [BrowserFact]
    public void TheParserAgreesWithMermaidOnWhatIsValidAndOnEveryLink()
    {
        var corpus = ConformanceCorpus();
        using var dir = new TempDirectory();
        for (var i = 0; i < corpus.Count; i++) File.WriteAllText(Path.Combine(dir.Path, $"{i:000}.mmd"), corpus[i]);
        var results = Render(dir.Path);
        var problems = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            var r = results.Single(x => x.File == $"{i:000}.mmd");
            MermaidFlowchart? ours = null;
            string? ourError = null;
            try { ours = MermaidFlowchart.Parse(corpus[i]); }
            catch (MermaidParseException e) { ourError = e.Message; }
            if (r.Ok != (ours is not null))
            {
                problems.Add($"{i:000}: Mermaid {(r.Ok ? "accepts" : "rejects: " + r.Error)}, we {(ours is null ? "reject: " + ourError : "accept")}\n{corpus[i]}");
                continue;
            }
            if (ours is null) continue;
            var mine = ours.Links.Select(l => $"{l.From}->{l.To}|{l.Label ?? ""}").ToList();
            var theirs = r.Edges.Select(e => $"{e.Start}->{e.End}|{e.Text}").ToList();
            if (!mine.SequenceEqual(theirs))
                problems.Add($"{i:000}: links differ\n ours:    {string.Join(", ", mine)}\n mermaid: {string.Join(", ", theirs)}\n{corpus[i]}");
        }
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    /// <summary>Templates annotated every way the module produces them: derived, explicit, recorded, random, empty, and without a template.</summary>
    private static List<(string Name, string Text)> AnnotatedDiagrams()
    {
        var list = new List<(string, string)>();
        var fixtures = new (string Name, string Markdown)[]
        {
            ("tdd", SkillFixtures.TddSkill), ("rca", SkillFixtures.RcaSkill), ("ci", SkillFixtures.CiSkill), ("test", SkillFixtures.TestSkill),
        };
        foreach (var (name, markdown) in fixtures)
        {
            var template = MermaidFlowchart.Parse(SkillFixtures.Block(markdown));
            list.Add(($"template-{name}", template.Source));
            list.Add(($"untraversed-{name}", MermaidAnnotator.Annotate(template, new Dictionary<string, int>()).Mermaid));
            var all = template.Links.Where(l => l.Stroke != MermaidStroke.Invisible).GroupBy(l => l.From + "->" + l.To).ToDictionary(g => g.Key, _ => 2);
            list.Add(($"all-{name}", MermaidAnnotator.Annotate(template, all, template.Nodes.Select(n => n.Id)).Mermaid));
            var random = new Random(name.Length * 7919);
            for (var round = 0; round < 4; round++)
            {
                var edges = template.Links.Where(l => l.Stroke != MermaidStroke.Invisible && random.Next(2) == 0)
                    .GroupBy(l => l.From + "->" + l.To).ToDictionary(g => g.Key, _ => random.Next(1, 120));
                list.Add(($"random{round}-{name}", MermaidAnnotator.Annotate(template, edges).Mermaid));
            }
        }

        // The quick start's sample skills (samples/skills), as users first see them.
        foreach (var skillFile in Directory.GetFiles(Path.Combine(ModuleHost.RepoRoot, "samples", "skills"), "SKILL.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(Path.GetDirectoryName(skillFile))!;
            var template = MermaidFlowchart.Parse(SkillFixtures.Block(File.ReadAllText(skillFile)));
            var all = template.Links.Where(l => l.Stroke != MermaidStroke.Invisible).GroupBy(l => l.From + "->" + l.To).ToDictionary(g => g.Key, _ => 3);
            list.Add(($"sample-{name}", MermaidAnnotator.Annotate(template, all).Mermaid));
            var derived = WorkflowEdgeDeriver.Derive(["tdd:ci", "rca:ci", "tdd:ci", "rca:ci", "tdd:ci"], template);
            list.Add(($"sample-derived-{name}", MermaidAnnotator.Annotate(template, derived).Mermaid));
        }

        var crlf = MermaidFlowchart.Parse(SkillFixtures.Block(SkillFixtures.CiSkill).Replace("\n", "\r\n"));
        list.Add(("crlf-ci", MermaidAnnotator.Annotate(crlf, new Dictionary<string, int> { ["STATUS->RESULT"] = 2, ["RESULT->RCACI"] = 1 }).Mermaid));

        using var skills = new TempDirectory(SkillFixtures.WriteSkillsDirectory());
        var sessions = new (string Name, string[] Sequence, Dictionary<string, IReadOnlyDictionary<string, int>>? Explicit)[]
        {
            ("tdd-loop", ["tdd:ci", "rca:ci", "tdd:ci", "rca:ci", "tdd:ci", "tdd:kind", "tdd:ci", "tdd:hypershift"], null),
            ("rca", ["rca:ci", "tdd:ci", "rca:kind", "tdd:ci"], null),
            ("test", ["test:write", "test:run", "test:write", "test:run", "test:coverage", "test:review"], null),
            ("ci", ["ci:status", "ci:rerun", "ci:status", "rca:ci", "tdd:ci", "ci:status"], null),
            ("tdd-failed", ["tdd:ci", "rca:ci", "tdd:ci"], null),
            ("explicit", ["tdd:ci", "deploy:prod"], new()
            {
                ["tdd"] = new Dictionary<string, int> { ["START->ROUTER"] = 1, ["ROUTER->HS"] = 1, ["HS->LOCAL"] = 3, ["LOCAL->TDDKIND"] = 2 },
                ["deploy"] = new Dictionary<string, int> { ["build->test \"quoted\" `ticks` [brackets] (parens) {braces} | pipe; semi"] = 2, ["build->ship"] = 1 },
            }),
        };
        foreach (var (name, sequence, explicitEdges) in sessions)
        {
            var stats = new SessionStats
            {
                SessionId = "00b11888-" + name,
                SkillSequence = sequence,
                // tdd-failed: every tdd:ci invocation failed, and a test run failed after the first.
                SkillInvocations = name == "tdd-failed"
                    ? sequence.Select((skill, i) => new SkillInvocation { Skill = skill, Succeeded = skill != "tdd:ci", FailedTestOrCi = i == 0 ? "dotnet test" : null }).ToList()
                    : [],
            };
            foreach (var diagram in WorkflowDiagramGenerator.Generate(stats, skills.Path, explicitEdges, NullDiagnostics.Instance))
                list.Add(($"generated-{name}-{diagram.Family}", diagram.Mermaid));
        }
        return list;
    }

    /// <summary>Snippets where a hand-written reader could easily disagree with Mermaid about validity or links.</summary>
    private static List<string> ConformanceCorpus()
    {
        var corpus = new List<string>
        {
            "flowchart TD\n  A --> B --> C\n  D & E --> F & G\n  H --> I & J --> K\n  L -->|x| M\n",
            "flowchart TD\n  A --> B %% comment\n",
            "flowchart TD\n  styleCheck --> classify\n  graphX --> B\n  interpolateX --> default\n",
            "flowchart TD\n  A --> end\n",
            "flowchart TD\n  end-x --> B\n",
            "flowchart TD\n  endpoint --> End\n  vertex --> v\n",
            "flowchart TD\n  A -->|mail a@b| B\n",
            "flowchart TD\n  A -- go--> B\n",
            "flowchart TD\n  A\n  --> B\n  C -->\n  D\n",
            "flowchart TD\n  linkStyle 0 stroke:red\n  A --> B\n",
            "flowchart TD\n  A --> B\n  linkStyle 0 stroke:red\n",
            "flowchart TD\n  A -->|CI green (2x)| B\n",
            "flowchart TD\n  A -->|\"CI green (2x)\"| B\n  C -- \"x (1x)\" --> D\n",
            "flowchart TD\n  A&B --> C\n",
            "flowchart TD\n  A -->|| B\n",
            "flowchart TD\n  A e1@--> B & C\n",
            "flowchart TD\n  subgraph one [Title]\n  A --> B\n  end\n  one --> C\n",
            "flowchart TD\n  A --> xB\n  C --o oD\n",
            "flowchart TD\n  A-->B;C-->D\n",
            "flowchart TD\n  A -- text --> B -->|x| C\n",
            "flowchart TD\n  A & B -->|x| C\n",
            "flowchart TD\n  A@{ shape: rect, label: \"hi\" } --> B\n",
            "flowchart TD\n  A(-ell-) --> B\n",
            "flowchart TD\n  A[|borders:lt|Text] --> B\n",
            "flowchart TD\n  A --> B\n  subgraph \"Quoted title\"\n  C\n  end\n",
            "flowchart TD\n  A ---> B\n  A ==x C\n  A -.-o D\n  A <-.-> E\n  A x==x F\n  A ~~~ G\n  A ----> H\n  A -...-> I\n",
            "flowchart TD\n  A -->|\"`**md** x`\"| B\n  C[\"`md node`\"] --> D\n",
            "flowchart TD\n  A -- x -- y --> B\n",
            "flowchart TD\n  A-.->B\n  A-.text.->C\n  A== thick ==>D\n  A -- open ---E\n",
            "flowchart TD\n  A --> B\n    direction LR\n",
            "graph\n  A --> B\n",
            "flowchart TD\n  A[\"a\"]:::c --> B:::d\n  classDef c fill:#f00;\n  class A,B c\n",
            "flowchart TD\n  A((circle)) --> B(((double))) --> C[(db)] --> D[[sub]] --> E>flag] --> F{{hex}} --> G[/lean/] --> H[\\lean\\] --> I[/trap\\] --> J[\\inv/]\n",
            "flowchart TD\n  A[a > b < c] --> B{ok?}\n  B -->|yes| C\n  B -- no --> A\n",
            "flowchart TD\n  A --> B\n  click A \"https://example.com\" \"tip; with semi\"\n  click B call cb()\n",
            "flowchart TD\n  A --> B\n  subgraph S\n    C\n",
            "flowchart TD\n  A[unclosed --> B\n",
            "flowchart TD\n  tdd:ci --> rca:ci\n",
            "flowchart TD\n  A:::x:::y --> B\n",
        };
        corpus.AddRange(new[] { SkillFixtures.TddSkill, SkillFixtures.RcaSkill, SkillFixtures.CiSkill, SkillFixtures.TestSkill }.Select(SkillFixtures.Block));
        return corpus;
    }

    private static Dictionary<int, string> LinkStyleColours(MermaidFlowchart chart)
    {
        var colours = new Dictionary<int, string>();
        foreach (var s in chart.Statements.Where(s => s.Kind == MermaidStatementKind.LinkStyle))
        {
            var colour = Regex.Match(s.Text, "stroke:(#[0-9A-Fa-f]{6})").Groups[1].Value;
            foreach (var i in s.LinkIndices) colours[i] = colour;
        }
        return colours;
    }

    private static List<RenderResult> Render(string directory)
    {
        var script = Path.Combine(BrowserEnvironment.BrowserTestsDirectory, "render-mermaid.mjs");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = BrowserEnvironment.BrowserTestsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(directory);
        start.Environment["SESSIONANALYTICS_CHROMIUM"] = BrowserEnvironment.ChromiumPath;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("render-mermaid.mjs did not finish within 5 minutes");
        }
        if (process.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"render-mermaid.mjs failed (exit {process.ExitCode}): {stderr.Result}");
        var json = JsonDocument.Parse(stdout.Result);
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return json.RootElement.GetProperty("results").Deserialize<List<RenderResult>>(options)!;
    }

    /// <summary>Keeps one rendered diagram (SVG) under TestResults/ for people to look at.</summary>
    private static void SaveArtifact(string directory, string file)
    {
        var svg = Path.Combine(directory, Path.ChangeExtension(file, ".svg"));
        if (!File.Exists(svg)) return;
        var target = Path.Combine(ModuleHost.RepoRoot, "TestResults", "workflows");
        Directory.CreateDirectory(target);
        File.Copy(svg, Path.Combine(target, "tdd-workflow-annotated.svg"), overwrite: true);
        File.Copy(Path.Combine(directory, file), Path.Combine(target, "tdd-workflow-annotated.mmd"), overwrite: true);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex SimpleId();
}
