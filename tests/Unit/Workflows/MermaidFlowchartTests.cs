using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.Tests.Workflows;

public class MermaidFlowchartTests
{
    private static string Links(MermaidFlowchart f) => string.Join(" ", f.Links.Select(l => $"{l.From}>{l.To}"));

    [Theory]
    [InlineData("flowchart TD", "flowchart", "TD")]
    [InlineData("graph LR", "graph", "LR")]
    [InlineData("flowchart", "flowchart", "TB")]
    [InlineData("graph BT;", "graph", "BT")]
    [InlineData("flowchart-elk RL", "flowchart-elk", "RL")]
    [InlineData("  %% leading comment\n%%{init: {'theme':'dark'}}%%\nflowchart TB", "flowchart", "TB")]
    [InlineData("---\ntitle: TDD\n---\nflowchart LR", "flowchart", "LR")]
    public void ReadsTheHeader(string header, string keyword, string direction)
    {
        var f = MermaidFlowchart.Parse(header + "\n    A --> B\n");
        Assert.Equal(keyword, f.Keyword);
        Assert.Equal(direction, f.Direction);
        Assert.Equal("A>B", Links(f));
    }

    [Theory]
    [InlineData("sequenceDiagram\n  A->>B: hi")]
    [InlineData("stateDiagram-v2\n  [*] --> A")]
    [InlineData("")]
    public void RejectsWhatIsNotAFlowchart(string text)
    {
        var e = Assert.Throws<MermaidParseException>(() => MermaidFlowchart.Parse(text));
        Assert.Contains(text.Length == 0 ? "empty" : "not a flowchart", e.Message);
    }

    [Theory]
    [InlineData("A[text]", MermaidNodeShape.Square, "text")]
    [InlineData("A(text)", MermaidNodeShape.Round, "text")]
    [InlineData("A{text?}", MermaidNodeShape.Diamond, "text?")]
    [InlineData("A([text])", MermaidNodeShape.Stadium, "text")]
    [InlineData("A[[text]]", MermaidNodeShape.Subroutine, "text")]
    [InlineData("A((text))", MermaidNodeShape.Circle, "text")]
    [InlineData("A(((text)))", MermaidNodeShape.DoubleCircle, "text")]
    [InlineData("A[(text)]", MermaidNodeShape.Cylinder, "text")]
    [InlineData("A>text]", MermaidNodeShape.Asymmetric, "text")]
    [InlineData("A{{text}}", MermaidNodeShape.Hexagon, "text")]
    [InlineData("A[/text/]", MermaidNodeShape.LeanRight, "text")]
    [InlineData("A[\\text\\]", MermaidNodeShape.LeanLeft, "text")]
    [InlineData("A[/text\\]", MermaidNodeShape.Trapezoid, "text")]
    [InlineData("A[\\text/]", MermaidNodeShape.InvertedTrapezoid, "text")]
    [InlineData("A[\"text (with) [brackets] | pipes\"]", MermaidNodeShape.Square, "text (with) [brackets] | pipes")]
    [InlineData("A{\"Tests pass?\"}", MermaidNodeShape.Diamond, "Tests pass?")]
    [InlineData("A[\"`**bold** tdd:ci`\"]", MermaidNodeShape.Square, "**bold** tdd:ci")]
    [InlineData("A[a > b < c]", MermaidNodeShape.Square, "a > b < c")]
    public void ReadsNodeShapesAndTexts(string node, MermaidNodeShape shape, string label)
    {
        var f = MermaidFlowchart.Parse($"flowchart TD\n    {node} --> B\n");
        var a = f.FindNode("A")!;
        Assert.Equal(shape, a.Shape);
        Assert.Equal(label, a.Label);
        Assert.Equal("A>B", Links(f));
        Assert.Equal(MermaidNodeShape.Default, f.FindNode("B")!.Shape);
        Assert.Null(f.FindNode("B")!.Label);
    }

    [Theory]
    [InlineData("tddCi")]
    [InlineData("TDD_CI")]
    [InlineData("rca-ci")]
    [InlineData("tdd:ci")]
    [InlineData("x1")]
    [InlineData("End")]
    [InlineData("endpoint")]
    [InlineData("Ünïcødé")]
    public void NodeIdsOfAnyCase(string id)
    {
        var f = MermaidFlowchart.Parse($"flowchart TD\n    {id}[Label] --> other\n    other --> {id}\n");
        Assert.Equal($"{id}>other other>{id}", Links(f));
        Assert.Equal("Label", f.FindNode(id)!.Label);
    }

    [Theory]
    [InlineData("A --> B", MermaidStroke.Normal, MermaidArrowHead.Arrow, false, 1)]
    [InlineData("A---B", MermaidStroke.Normal, MermaidArrowHead.None, false, 1)]
    [InlineData("A ---> B", MermaidStroke.Normal, MermaidArrowHead.Arrow, false, 2)]
    [InlineData("A -.-> B", MermaidStroke.Dotted, MermaidArrowHead.Arrow, false, 1)]
    [InlineData("A -..-> B", MermaidStroke.Dotted, MermaidArrowHead.Arrow, false, 2)]
    [InlineData("A -.- B", MermaidStroke.Dotted, MermaidArrowHead.None, false, 1)]
    [InlineData("A ==> B", MermaidStroke.Thick, MermaidArrowHead.Arrow, false, 1)]
    [InlineData("A === B", MermaidStroke.Thick, MermaidArrowHead.None, false, 1)]
    [InlineData("A --x B", MermaidStroke.Normal, MermaidArrowHead.Cross, false, 1)]
    [InlineData("A --o B", MermaidStroke.Normal, MermaidArrowHead.Circle, false, 1)]
    [InlineData("A <--> B", MermaidStroke.Normal, MermaidArrowHead.Arrow, true, 1)]
    [InlineData("A x--x B", MermaidStroke.Normal, MermaidArrowHead.Cross, true, 1)]
    [InlineData("A o--o B", MermaidStroke.Normal, MermaidArrowHead.Circle, true, 1)]
    [InlineData("A <==> B", MermaidStroke.Thick, MermaidArrowHead.Arrow, true, 1)]
    [InlineData("A ~~~ B", MermaidStroke.Invisible, MermaidArrowHead.None, false, 1)]
    [InlineData("A-->B", MermaidStroke.Normal, MermaidArrowHead.Arrow, false, 1)]
    public void ReadsLinkKinds(string statement, MermaidStroke stroke, MermaidArrowHead head, bool bothEnds, int length)
    {
        var link = Assert.Single(MermaidFlowchart.Parse("flowchart LR\n" + statement).Links);
        Assert.Equal(("A", "B"), (link.From, link.To));
        Assert.Equal(stroke, link.Stroke);
        Assert.Equal(head, link.Head);
        Assert.Equal(bothEnds, link.BothEnds);
        Assert.Equal(length, link.Length);
        Assert.Null(link.Label);
    }

    [Theory]
    [InlineData("A -->|CI green| B", "CI green", MermaidLabelKind.Text)]
    [InlineData("A -->|\"CI green (2x)\"| B", "CI green (2x)", MermaidLabelKind.String)]
    [InlineData("A --> |spaced| B", "spaced", MermaidLabelKind.Text)]
    [InlineData("A -- CI green --> B", "CI green", MermaidLabelKind.Text)]
    [InlineData("A -- label with (parens), [brackets] & punctuation! --> B", "label with (parens), [brackets] & punctuation!", MermaidLabelKind.Text)]
    [InlineData("A -- \"quoted\" --> B", "quoted", MermaidLabelKind.String)]
    [InlineData("A -. retry .-> B", "retry", MermaidLabelKind.Text)]
    [InlineData("A == ship it ==> B", "ship it", MermaidLabelKind.Text)]
    [InlineData("A -.->|maybe| B", "maybe", MermaidLabelKind.Text)]
    [InlineData("A ==>|yes| B", "yes", MermaidLabelKind.Text)]
    [InlineData("A -- open label --- B", "open label", MermaidLabelKind.Text)]
    [InlineData("A -->|\"`**md** label`\"| B", "**md** label", MermaidLabelKind.Markdown)]
    public void ReadsLinkLabels(string statement, string label, MermaidLabelKind kind)
    {
        var link = Assert.Single(MermaidFlowchart.Parse("flowchart LR\n    " + statement + "\n").Links);
        Assert.Equal(("A", "B"), (link.From, link.To));
        Assert.Equal(label, link.Label);
        Assert.Equal(kind, link.LabelKind);
    }

    [Fact]
    public void ChainsAndAmpersandsExpandInMermaidsOrder()
    {
        var f = MermaidFlowchart.Parse("""
            flowchart TD
                A --> B --> C
                D & E --> F & G
                H --> I & J --> K
                L -->|x| M
            """);
        Assert.Equal("A>B B>C D>F D>G E>F E>G H>I H>J I>K J>K L>M", Links(f));
        Assert.Equal(Enumerable.Range(0, 11), f.Links.Select(l => l.Index));
    }

    [Fact]
    public void LinkStyleIndicesCountEveryExpandedLink()
    {
        const string chart = """
            flowchart TD
                A --> B --> C
                D & E --> F & G
                linkStyle 5 stroke:red
                H --> I & J --> K
                linkStyle 0,9 stroke:blue
            """;
        var f = MermaidFlowchart.Parse(chart);
        var styles = f.Statements.Where(s => s.Kind == MermaidStatementKind.LinkStyle).ToList();
        Assert.Equal([5], styles[0].LinkIndices);
        Assert.Equal([0, 9], styles[1].LinkIndices);
        Assert.Equal(("E", "G"), (f.Links[5].From, f.Links[5].To));
        Assert.Equal(("J", "K"), (f.Links[9].From, f.Links[9].To));
    }

    [Theory]
    [InlineData("A --> B\n    linkStyle 1 stroke:red", 3)]   // only one link exists when linkStyle is read
    [InlineData("linkStyle 0 stroke:red\n    A --> B", 2)]   // Mermaid applies linkStyle while parsing
    [InlineData("A --> B & C\n    linkStyle 2 stroke:red", 3)]
    public void LinkStyleBeyondTheLinksDeclaredAboveIsAnError(string body, int line)
    {
        var e = Assert.Throws<MermaidParseException>(() => MermaidFlowchart.Parse("flowchart TD\n    " + body.Replace("\\n", "\n")));
        Assert.Equal(line, e.Line);
        Assert.Contains("linkStyle", e.Reason);
    }

    [Fact]
    public void ReadsCommentsClassesStylesSubgraphsClicksAndDirections()
    {
        const string chart = """
            %% a comment before the header
            flowchart LR
                %% nodes
                A[Start]:::entry --> B{Check}
                classDef entry,exit fill:#eef,stroke:#333
                classDef other fill:#fff;
                class B other
                style A fill:#f9f,stroke:#333,stroke-width:4px
                subgraph outer [Outer box]
                    direction TB
                    C --> D
                    subgraph inner
                        E
                    end
                end
                B --> outer
                click A "https://example.com" "Tooltip; with semicolon"
                click B call callback()
                accTitle: Workflow
                accDescr: A workflow
                F@{ shape: rect } --> G
                H e1@--> I
            """;
        var f = MermaidFlowchart.Parse(chart);
        Assert.Equal("A>B C>D B>outer F>G H>I", Links(f));
        Assert.Equal(["entry", "exit", "other"], f.ClassNames);
        Assert.Equal(["entry"], f.FindNode("A")!.Classes);
        Assert.Equal(["other"], f.FindNode("B")!.Classes);
        Assert.Equal(["outer", "inner"], f.Subgraphs.Select(s => s.Id));
        Assert.Equal("Outer box", f.Subgraphs[0].Title);
        Assert.Equal("outer", f.Subgraphs[1].Parent);
        Assert.True(f.FindNode("outer")!.IsSubgraph);
        Assert.Equal("e1", f.Links[4].EdgeId);
        var kinds = f.Statements.Select(s => s.Kind).ToList();
        Assert.Equal(3, kinds.Count(k => k == MermaidStatementKind.Comment) + 1);
        Assert.Contains(MermaidStatementKind.Style, kinds);
        Assert.Contains(MermaidStatementKind.Direction, kinds);
        Assert.Equal(2, kinds.Count(k => k == MermaidStatementKind.Click));
        Assert.Equal(2, kinds.Count(k => k == MermaidStatementKind.SubgraphEnd));
        Assert.Equal(2, kinds.Count(k => k == MermaidStatementKind.Accessibility));
        Assert.Equal(chart.Split('\n').Length, f.Lines.Count);
        Assert.Equal("    style A fill:#f9f,stroke:#333,stroke-width:4px", f.Lines[7]);
    }

    [Fact]
    public void SemicolonsSeparateStatementsAndALinkMaySpanALineBreak()
    {
        var f = MermaidFlowchart.Parse("graph TD;A-->B;C-->D\n  E\n  --> F\n  G -->\n  H");
        Assert.Equal("A>B C>D E>F G>H", Links(f));
    }

    [Fact]
    public void AnInlineLabelEndsWhereMermaidsLexerEndsIt()
    {
        // Mermaid's end-of-link token may start with 'o' or 'x', so "go-->" ends the label after "g".
        var link = Assert.Single(MermaidFlowchart.Parse("flowchart TD\n  A -- go--> B").Links);
        Assert.Equal("g", link.Label);
    }

    [Theory]
    [InlineData("A --> B %% trailing comment", "unexpected '%'")]
    [InlineData("A --> end", "'end' is a Mermaid keyword")]
    [InlineData("A -->|CI green (2x)| B", "quote it")]
    [InlineData("A -->|| B", "empty link label")]
    [InlineData("A[unclosed --> B", "never closed")]
    [InlineData("A[] --> B", "empty node text")]
    [InlineData("A -- x -- y --> B", "does not close the link")]
    [InlineData("A(-ellipse-) --> B", "ellipse")]
    [InlineData("A --> B C", "unexpected 'C'")]
    [InlineData("A -->", "no target node")]
    [InlineData("subgraph S\n    A --> B", "never closed with 'end'")]
    [InlineData("end", "without an open subgraph")]
    [InlineData("A -- \"x\" --> B -->|y| C -- \"never", "never closed")]
    public void RejectsWhatMermaidRejectsWithLineAndColumn(string body, string reason)
    {
        var e = Assert.Throws<MermaidParseException>(() => MermaidFlowchart.Parse("flowchart TD\n    " + body.Replace("\\n", "\n")));
        Assert.Contains(reason, e.Reason);
        Assert.True(e.Line >= 2, e.Message);
        Assert.True(e.Column >= 1, e.Message);
        Assert.StartsWith($"line {e.Line}, column {e.Column}: ", e.Message);
    }

    [Fact]
    public void KeywordLikeIdsAreNodesAsInMermaid11()
    {
        var f = MermaidFlowchart.Parse("flowchart TD\n  styleCheck --> classify\n  graphX --> default\n  v --> endpoint\n  A&B --> C");
        Assert.Equal("styleCheck>classify graphX>default v>endpoint A&B>C", Links(f));
    }

    [Fact]
    public void ALaterMentionWithTextUpdatesTheNode()
    {
        var f = MermaidFlowchart.Parse("flowchart TD\n  A --> B\n  B{Decide} --> C\n  B --> D");
        Assert.Equal("Decide", f.FindNode("B")!.Label);
        Assert.Equal(MermaidNodeShape.Diamond, f.FindNode("B")!.Shape);
        Assert.Equal(["A", "B", "C", "D"], f.Nodes.Select(n => n.Id));
        Assert.Equal(2, f.FindNode("B")!.Line);
    }

    [Fact]
    public void ConnectsFollowsArrowsAndNeverInvisibleLinks()
    {
        var f = MermaidFlowchart.Parse("flowchart LR\n  A --> B\n  C --- D\n  E <--> F\n  G ~~~ H\n  I -.-> J");
        Assert.True(f.Links[0].Connects("A", "B"));
        Assert.False(f.Links[0].Connects("B", "A"));
        Assert.True(f.Links[1].Connects("D", "C"));
        Assert.True(f.Links[2].Connects("F", "E"));
        Assert.False(f.Links[3].Connects("G", "H"));
        Assert.True(f.Links[4].Connects("I", "J"));
    }
}
