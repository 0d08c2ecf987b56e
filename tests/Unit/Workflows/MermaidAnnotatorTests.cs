using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.Tests.Workflows;

public class MermaidAnnotatorTests
{
    private const string Green = MermaidAnnotator.TraversedColour;
    private const string Red = MermaidAnnotator.FailureColour;
    private const string Grey = MermaidAnnotator.UntraversedColour;

    /// <summary>Index → stroke colour, read back from the annotated text's linkStyle lines by the parser.</summary>
    private static Dictionary<int, string> ColoursOf(string annotated)
    {
        var f = MermaidFlowchart.Parse(annotated);
        var colours = new Dictionary<int, string>();
        foreach (var s in f.Statements.Where(s => s.Kind == MermaidStatementKind.LinkStyle))
        {
            var colour = System.Text.RegularExpressions.Regex.Match(s.Text, "stroke:(#[0-9A-Fa-f]{6})").Groups[1].Value;
            foreach (var i in s.LinkIndices)
            {
                Assert.False(colours.ContainsKey(i), $"link {i} styled twice");
                colours[i] = colour;
            }
        }
        return colours;
    }

    private static Dictionary<string, int> E(params (string Key, int Count)[] edges) => edges.ToDictionary(e => e.Key, e => e.Count);

    [Fact]
    public void ColoursTraversedFailureAndUntraversedLinksByIndex()
    {
        const string chart = """
            flowchart TD
                T[tdd:ci] --> P[push] --> C{CI green?}
                C -->|CI failed| R[rca:ci]
                C -->|CI green| D[Done]
                R -.->|fix found| T
                C -->|Broken build| X[Escalate]
            """;
        var a = MermaidAnnotator.Annotate(MermaidFlowchart.Parse(chart), E(("T->P", 2), ("P->C", 2), ("C->R", 1), ("C->D", 1), ("R->T", 1)));
        var colours = ColoursOf(a.Mermaid);
        Assert.Equal(Green, colours[0]);
        Assert.Equal(Green, colours[1]);
        Assert.Equal(Red, colours[2]);
        Assert.Equal(Green, colours[3]);
        Assert.Equal(Green, colours[4]);
        Assert.Equal(Grey, colours[5]); // a failure label, but not traversed
        Assert.Equal(6, colours.Count);
        Assert.Equal(5, a.TraversedEdges);
        Assert.Equal(1, a.FailureEdges);
        Assert.Equal(6, a.TotalEdges);
    }

    [Fact]
    public void AddsCountersToPipedInlineMarkdownAndUnlabelledLinks()
    {
        const string chart = """
            flowchart LR
                A -->|CI green| B
                B -- retry later --> C
                C -.->|"quoted (already)"| D
                D --> E
                E -->|"`**md**`"| F
                F == ship it ==> G
                G --> H
            """;
        var a = MermaidAnnotator.Annotate(MermaidFlowchart.Parse(chart),
            E(("A->B", 2), ("B->C", 1), ("C->D", 3), ("D->E", 12), ("E->F", 1), ("F->G", 1)));
        Assert.Contains("A -->|\"CI green (2x)\"| B", a.Mermaid);
        Assert.Contains("B -- \"retry later (1x)\" --> C", a.Mermaid);
        Assert.Contains("C -.->|\"quoted (already) (3x)\"| D", a.Mermaid);
        Assert.Contains("D -->|\"12x\"| E", a.Mermaid);
        Assert.Contains("E -->|\"`**md** (1x)`\"| F", a.Mermaid);
        Assert.Contains("F == \"ship it (1x)\" ==> G", a.Mermaid);
        Assert.Contains("G --> H", a.Mermaid);
        var reparsed = MermaidFlowchart.Parse(a.Mermaid);
        Assert.Equal(["CI green (2x)", "retry later (1x)", "quoted (already) (3x)", "12x", "**md** (1x)", "ship it (1x)", null],
            reparsed.Links.Select(l => l.Label));
    }

    [Fact]
    public void SplitsAmpersandGroupsWhoseLinksNeedDifferentCountersWithoutMovingIndices()
    {
        const string chart = """
            flowchart TD
                A & B[Bee] -->|go| C & D --> E
                F --> G
            """;
        var template = MermaidFlowchart.Parse(chart);
        var a = MermaidAnnotator.Annotate(template, E(("A->C", 2), ("B->D", 1), ("F->G", 1)));
        var reparsed = MermaidFlowchart.Parse(a.Mermaid);
        Assert.Equal(template.Links.Select(l => (l.From, l.To)), reparsed.Links.Select(l => (l.From, l.To)));
        Assert.Equal(["go (2x)", "go", "go", "go (1x)", null, null, "1x"], reparsed.Links.Select(l => l.Label));
        Assert.Equal("Bee", reparsed.FindNode("B")!.Label);
        var colours = ColoursOf(a.Mermaid);
        Assert.Equal([Green, Grey, Grey, Green, Grey, Grey, Green], Enumerable.Range(0, 7).Select(i => colours[i]));
    }

    [Fact]
    public void AGroupTraversedEvenlyKeepsItsAmpersands()
    {
        const string chart = "flowchart TD\n    A & B --> C\n";
        var a = MermaidAnnotator.Annotate(MermaidFlowchart.Parse(chart), E(("A->C", 1), ("B->C", 1)));
        Assert.Contains("A & B -->|\"1x\"| C", a.Mermaid);
    }

    [Fact]
    public void DropsTheTemplatesLinkStyleAndStyleLinesAndKeepsEverythingElse()
    {
        const string chart = """
            flowchart TD
                %% keep me
                A[Start]:::entry --> B
                classDef entry fill:#eef
                style A fill:#f9f
                linkStyle 0 stroke:#123456
                A --> C; linkStyle 1 stroke:#654321
                click B "https://example.com"
            """;
        var a = MermaidAnnotator.Annotate(MermaidFlowchart.Parse(chart), E(("A->B", 1)));
        Assert.DoesNotContain("#123456", a.Mermaid);
        Assert.DoesNotContain("#654321", a.Mermaid);
        Assert.DoesNotContain("fill:#f9f", a.Mermaid);
        Assert.Contains("    %% keep me\n", a.Mermaid);
        Assert.Contains("classDef entry fill:#eef", a.Mermaid);
        Assert.Contains("click B \"https://example.com\"", a.Mermaid);
        Assert.Contains("    A --> C\n", a.Mermaid.Replace("; \n", "\n").Replace(";\n", "\n"));
        Assert.Equal(new Dictionary<int, string> { [0] = Green, [1] = Grey }, ColoursOf(a.Mermaid));
    }

    [Fact]
    public void FillsUsedNodesGreenAndTheRestGreyWithClassNamesThatDoNotClash()
    {
        const string chart = """
            flowchart TD
                A --> B --> C
                D
                subgraph S
                    E
                end
                classDef saUsed fill:#000
            """;
        var f = MermaidFlowchart.Parse(chart);
        var a = MermaidAnnotator.Annotate(f, E(("A->B", 1)), usedNodes: ["D"]);
        Assert.Contains("classDef saUsed2 fill:#4CAF50", a.Mermaid);
        Assert.Contains("classDef saUnused fill:#9E9E9E", a.Mermaid);
        Assert.Contains("class A,B,D saUsed2", a.Mermaid);
        Assert.Contains("class C,E saUnused", a.Mermaid);
        Assert.Equal(["A", "B", "D"], a.UsedNodes);
        var reparsed = MermaidFlowchart.Parse(a.Mermaid);
        Assert.Contains("saUsed2", reparsed.FindNode("A")!.Classes);
        Assert.Contains("saUnused", reparsed.FindNode("E")!.Classes);
    }

    [Fact]
    public void ReportsEdgesThatAreNotLinksAndMatchesReverseOnlyOnUndirectedLinks()
    {
        const string chart = "flowchart LR\n  A --> B\n  C --- D\n  E ~~~ F\n";
        var a = MermaidAnnotator.Annotate(MermaidFlowchart.Parse(chart),
            E(("B->A", 1), ("D->C", 2), ("E->F", 1), ("nonsense", 1), ("A->Z", 1), ("a->b", 4)));
        Assert.Equal(["B->A", "E->F", "nonsense", "A->Z"], a.UnmatchedEdges);
        Assert.Equal([4, 2, 0], a.Links.Select(l => l.Count));
        Assert.Equal(LinkTraversal.Invisible, a.Links[2].Traversal);
        Assert.Null(a.Links[2].Colour);
        Assert.Equal(2, a.TotalEdges);
        Assert.Equal(new Dictionary<int, string> { [0] = Green, [1] = Green }, ColoursOf(a.Mermaid));
    }

    [Theory]
    [InlineData("CI failed", true)]
    [InlineData("fail", true)]
    [InlineData("Failure", true)]
    [InlineData("tests FAILING", true)]
    [InlineData("lint error", true)]
    [InlineData("errors", true)]
    [InlineData("CI red", true)]
    [InlineData("broken build", true)]
    [InlineData("timed out", true)]
    [InlineData("timeout", true)]
    [InlineData("rejected", true)]
    [InlineData("crashed", true)]
    [InlineData("flaky", true)]
    [InlineData("❌ lint", true)]
    [InlineData("CI green", false)]
    [InlineData("Required checks", false)]
    [InlineData("colored output", false)]
    [InlineData("terror-free", false)]
    [InlineData("pass", false)]
    [InlineData(null, false)]
    public void RecognisesFailureLabels(string? label, bool failure) =>
        Assert.Equal(failure, MermaidAnnotator.IsFailureLabel(label));

    [Fact]
    public void QuotesLabelsSoTheyCannotEndTheStringOrTheFence()
    {
        Assert.Equal("\"say #quot;hi#quot; #96;#96;#96;\"", MermaidAnnotator.Quote("say \"hi\" ```"));
    }

    [Fact]
    public void EveryFixtureAnnotatesIntoAFlowchartWithTheSameLinksInTheSameOrder()
    {
        foreach (var skill in new[] { SkillFixtures.TddSkill, SkillFixtures.RcaSkill, SkillFixtures.CiSkill, SkillFixtures.TestSkill })
        {
            var template = MermaidFlowchart.Parse(SkillFixtures.Block(skill));
            var random = new Random(42);
            for (var round = 0; round < 20; round++)
            {
                var edges = template.Links
                    .Where(l => l.Stroke != MermaidStroke.Invisible && random.Next(3) == 0)
                    .GroupBy(l => l.From + "->" + l.To)
                    .ToDictionary(g => g.Key, _ => random.Next(1, 5));
                var a = MermaidAnnotator.Annotate(template, edges);
                var reparsed = MermaidFlowchart.Parse(a.Mermaid);
                Assert.Equal(template.Links.Select(l => (l.From, l.To, l.Stroke, l.Head)), reparsed.Links.Select(l => (l.From, l.To, l.Stroke, l.Head)));
                var colours = ColoursOf(a.Mermaid);
                foreach (var link in a.Links)
                    Assert.Equal(link.Colour, colours.GetValueOrDefault(link.Index));
                Assert.Empty(a.UnmatchedEdges);
            }
        }
    }

    [Fact]
    public void KeepsFrontMatterAndWindowsLineEndings()
    {
        const string chart = "---\r\ntitle: CI loop\r\n---\r\nflowchart LR\r\n\tA[ci:status] --> B{ok?}\r\n\tB -->|no| A\r\n\tlinkStyle 0 stroke:#000\r\n\tstyle A fill:#fff\r\n";
        var template = MermaidFlowchart.Parse(chart);
        var a = MermaidAnnotator.Annotate(template, E(("A->B", 2), ("B->A", 1)));
        Assert.StartsWith("---\r\ntitle: CI loop\r\n---\r\nflowchart LR\r\n", a.Mermaid);
        Assert.Contains("\tB -->|\"no (1x)\"| A\r\n", a.Mermaid);
        Assert.DoesNotContain("stroke:#000", a.Mermaid);
        Assert.DoesNotContain("fill:#fff", a.Mermaid);
        Assert.Contains("\r\n\tlinkStyle 0,1 stroke:#4CAF50,stroke-width:3px\r\n", a.Mermaid);
        Assert.DoesNotContain("\n", a.Mermaid.Replace("\r\n", ""));
        var reparsed = MermaidFlowchart.Parse(a.Mermaid);
        Assert.Equal(template.Links.Select(l => (l.From, l.To)), reparsed.Links.Select(l => (l.From, l.To)));
    }
}
