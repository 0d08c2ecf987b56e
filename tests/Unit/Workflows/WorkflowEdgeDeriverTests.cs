using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.Tests.Workflows;

public class WorkflowEdgeDeriverTests
{
    private static string Edges(IReadOnlyDictionary<string, int> edges) => string.Join(" ", edges.Select(e => $"{e.Key}={e.Value}"));

    private static IReadOnlyDictionary<string, int> Derive(string chart, params string[] sequence) =>
        WorkflowEdgeDeriver.Derive(sequence, MermaidFlowchart.Parse(chart));

    [Fact]
    public void CountsDirectTransitionsBetweenSkillNodes()
    {
        const string chart = """
            flowchart LR
                A[tdd:ci] --> B[rca:ci]
                B --> A
            """;
        Assert.Equal("A->B=2 B->A=1", Edges(Derive(chart, "tdd:ci", "rca:ci", "tdd:ci", "rca:ci")));
    }

    [Fact]
    public void CountsEveryLinkOnTheShortestPathThroughDecisionNodes()
    {
        const string chart = """
            flowchart TD
                TDDCI[tdd:ci] --> PUSH>git push] --> CI{CI green?}
                CI -->|CI failed| RCACI[rca:ci]
                CI -->|CI green| DONE([Done])
                TDDCI --> LONG1[step] --> LONG2[step] --> LONG3[step] --> RCACI
                RCACI -.->|fix found| TDDCI
            """;
        Assert.Equal("TDDCI->PUSH=2 PUSH->CI=2 CI->RCACI=2 RCACI->TDDCI=1",
            Edges(Derive(chart, "tdd:ci", "rca:ci", "tdd:ci", "rca:ci")));
    }

    [Fact]
    public void NeverWalksThroughAnotherSkillsNode()
    {
        // tdd:ci → rca:ci only exists through the github:pr-review node, which names a skill: not a connection.
        const string chart = """
            flowchart LR
                A[tdd:ci] --> R(github:pr-review) --> B[rca:ci]
            """;
        var derivation = WorkflowEdgeDeriver.DeriveDetailed(["tdd:ci", "rca:ci"], MermaidFlowchart.Parse(chart));
        Assert.Empty(derivation.Edges);
        Assert.Equal(["tdd:ci -> rca:ci"], derivation.UnconnectedTransitions);
    }

    [Fact]
    public void MapsWildcardLabelsAndPrefersExactOnes()
    {
        const string chart = """
            flowchart LR
                ANY["rca:* (any RCA)"] --> T[tdd:ci]
                T --> KIND["rca:kind"]
                KIND --> T
            """;
        var f = MermaidFlowchart.Parse(chart);
        Assert.Equal("ANY", WorkflowEdgeDeriver.MapSkill("rca:ci", f));
        Assert.Equal("KIND", WorkflowEdgeDeriver.MapSkill("rca:kind", f));
        Assert.Equal("KIND", WorkflowEdgeDeriver.MapSkill("RCA:KIND", f));
        Assert.Null(WorkflowEdgeDeriver.MapSkill("tdd:kind", f));
        Assert.Equal("ANY->T=1 T->KIND=1", Edges(Derive(chart, "rca:ci", "tdd:ci", "rca:kind")));
    }

    [Theory]
    [InlineData("tdd:ci", "X[\"/tdd:ci — iterate\"]", true)]
    [InlineData("tdd:ci", "X[Run TDD:CI now]", true)]
    [InlineData("tdd:ci", "X[\"`**tdd:ci**`\"]", true)]
    [InlineData("tdd:ci", "X[tdd:ci-fast]", false)]
    [InlineData("tdd:ci", "X[xtdd:ci]", false)]
    [InlineData("tdd:ci", "X[tdd:cix]", false)]
    [InlineData("tdd:ci", "X[tdd:*]", true)]
    [InlineData("tdd:ci", "X[rca:*]", false)]
    [InlineData("tdd", "X[\"/tdd router\"]", true)]
    [InlineData("tdd:ci", "tdd:ci", true)]
    public void ANodeNamesASkillByAWholeWordOfItsText(string skill, string node, bool names)
    {
        var f = MermaidFlowchart.Parse($"flowchart LR\n    {node} --> Y\n");
        Assert.Equal(names ? f.Nodes[0].Id : null, WorkflowEdgeDeriver.MapSkill(skill, f));
    }

    [Fact]
    public void SkipsSkillsTheTemplateDoesNotNameAndReportsUnconnectedPairs()
    {
        const string chart = """
            flowchart LR
                A[test:write] --> B[test:run]
                B -->|errors| A
            """;
        var derivation = WorkflowEdgeDeriver.DeriveDetailed(
            ["test:write", "session:post", "test:run", "github:pr", "test:write", "test:write"], MermaidFlowchart.Parse(chart));
        Assert.Equal("A->B=1 B->A=1", Edges(derivation.Edges));
        Assert.Equal(["test:write -> test:write"], derivation.UnconnectedTransitions);
        Assert.Equal(["test:write", "test:run"], derivation.SkillNodes.Keys);
    }

    [Fact]
    public void ARepeatedSkillCountsOnlyThroughALoopBackToItsNode()
    {
        const string chart = """
            flowchart TD
                T[tdd:ci] --> C{CI green?}
                C -->|no| T
                C -->|yes| D[Done]
            """;
        Assert.Equal("T->C=2 C->T=2", Edges(Derive(chart, "tdd:ci", "tdd:ci", "tdd:ci")));
    }

    [Fact]
    public void FollowsArrowsUndirectedAndTwoHeadedLinksButNotInvisibleOnes()
    {
        const string chart = """
            flowchart LR
                A[test:write] --> B[test:run]
                B <--> W((watch))
                W --- C[test:coverage]
                A ~~~ D[test:review]
            """;
        Assert.Equal("B->W=1 W->C=1 C->W=1 W->B=1", Edges(Derive(chart, "test:run", "test:coverage", "test:run")));
        Assert.Empty(Derive(chart, "test:run", "test:write"));
        Assert.Empty(Derive(chart, "test:write", "test:review"));
    }

    [Fact]
    public void SlashCommandSpellingAndCaseDoNotMatter()
    {
        const string chart = "flowchart LR\n  A[tdd:ci] --> B[rca:ci]";
        Assert.Equal("A->B=1", Edges(Derive(chart, "/TDD:CI", "Rca:Ci")));
    }

    [Fact]
    public void TheSkillFixturesDeriveTheExpectedEdges()
    {
        var tdd = MermaidFlowchart.Parse(SkillFixtures.Block(SkillFixtures.TddSkill));
        var derivation = WorkflowEdgeDeriver.DeriveDetailed(["tdd:ci", "rca:ci", "tdd:ci", "tdd:kind", "tdd:ci"], tdd);
        // tdd:ci → rca:ci goes TDDCI → PUSH → CI → RCACI; rca:ci → tdd:ci is the dotted fix link;
        // tdd:ci → tdd:kind has no path; tdd:kind → tdd:ci goes through the LOCAL hexagon.
        Assert.Equal("TDDCI->PUSH=1 PUSH->CI=1 CI->RCACI=1 RCACI->TDDCI=1 TDDKIND->LOCAL=1 LOCAL->TDDCI=1", Edges(derivation.Edges));
        Assert.Equal(["tdd:ci -> tdd:kind"], derivation.UnconnectedTransitions);
    }

    [Fact]
    public void TheExampleInTheDocumentationHolds()
    {
        // docs/about_SessionAnalytics.md, "Workflow edges": keep the two in step.
        const string chart = """
            flowchart TD
                TDDCI["/tdd:ci"] --> PUSH>git push] --> CI{CI green?}
                CI -->|CI failed| RCACI[rca:ci]
                RCACI -.->|fix found| TDDCI
            """;
        var doc = File.ReadAllText(Path.Combine(Infrastructure.ModuleHost.RepoRoot, "docs", "about_SessionAnalytics.md"));
        Assert.Contains(chart.Replace("\r", ""), doc);
        Assert.Contains("`TDDCI->PUSH = 1`, `PUSH->CI = 1`, `CI->RCACI = 1`,\n`RCACI->TDDCI = 1`", doc);
        Assert.Equal("TDDCI->PUSH=1 PUSH->CI=1 CI->RCACI=1 RCACI->TDDCI=1", Edges(Derive(chart, "tdd:ci", "session:post", "rca:ci", "tdd:ci")));
    }
}
