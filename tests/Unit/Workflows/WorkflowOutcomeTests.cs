using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Core.Workflows;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Workflows;

/// <summary>
/// Diagrams that tell success from failure (issue #9): the path between two skills chosen by what ran between them,
/// nodes coloured by the outcome of their invocations, a legend, and -Verbose naming the rule behind each edge
/// (docs/about_SessionAnalytics.md, "The derivation rule", "How edges are drawn").
/// </summary>
public sealed class WorkflowOutcomeTests : IDisposable
{
    private readonly TempDirectory _skills = new(SkillFixtures.WriteSkillsDirectory());

    public void Dispose() => _skills.Dispose();

    /// <summary>Two ways from tdd:ci to session:post: CI green at once, or CI failed, a local fix and another push.</summary>
    private const string TwoWays = """
        flowchart TD
            TDDCI[tdd:ci] --> PUSH>git push] --> CI{CI green?}
            CI -->|CI green| POST[session:post]
            CI -->|CI failed| FIX[Fix locally] --> AGAIN>push again] --> POST
        """;

    private static WorkflowDerivation Derive(string chart, params SkillInvocation[] calls) =>
        WorkflowEdgeDeriver.DeriveDetailed(calls, MermaidFlowchart.Parse(chart));

    private static SkillInvocation Call(string skill, bool succeeded = true, string? failed = null) =>
        new() { Skill = skill, Succeeded = succeeded, FailedTestOrCi = failed };

    [Fact]
    public void A_failing_test_between_two_skills_takes_the_failure_labelled_path()
    {
        var d = Derive(TwoWays, Call("tdd:ci", failed: "dotnet test"), Call("session:post"));
        Assert.Equal(["TDDCI->PUSH", "PUSH->CI", "CI->FIX", "FIX->AGAIN", "AGAIN->POST"], d.Edges.Keys);
        var choice = Assert.Single(d.Choices);
        Assert.Equal((WorkflowPathRule.FailureBetween, 2), (choice.Rule, choice.Paths));
        Assert.Equal(["TDDCI", "PUSH", "CI", "FIX", "AGAIN", "POST"], choice.Nodes);
        Assert.Contains("'dotnet test' failed between them", choice.Reason);
    }

    [Fact]
    public void Without_a_failure_between_them_the_path_without_failure_labels_is_taken()
    {
        var d = Derive(TwoWays, Call("tdd:ci"), Call("session:post"));
        Assert.Equal(["TDDCI->PUSH", "PUSH->CI", "CI->POST"], d.Edges.Keys);
        Assert.Equal(WorkflowPathRule.NoFailureBetween, Assert.Single(d.Choices).Rule);
    }

    [Fact]
    public void A_failure_logged_under_a_skill_of_another_template_still_lies_between_the_two()
    {
        // other:skill has no node here: the test that failed after it still ran between the two tdd:ci invocations.
        const string chart = """
            flowchart LR
                A[tdd:ci] --> T{tests?}
                T -->|pass| A
                T -->|tests failed| R[Retry] --> A
            """;
        var d = Derive(chart, Call("tdd:ci"), Call("other:skill", failed: "pytest"), Call("tdd:ci"));
        Assert.Equal(["A->T", "T->R", "R->A"], d.Edges.Keys);
        Assert.Equal(WorkflowPathRule.FailureBetween, Assert.Single(d.Choices).Rule);
    }

    [Fact]
    public void The_preferred_kind_missing_falls_back_to_the_shortest_and_a_single_path_is_the_only_path()
    {
        // The tdd fixture joins tdd:ci and rca:ci only through "CI failed".
        var tdd = MermaidFlowchart.Parse(SkillFixtures.Block(SkillFixtures.TddSkill));
        var d = WorkflowEdgeDeriver.DeriveDetailed([Call("tdd:ci"), Call("rca:ci")], tdd);
        Assert.Equal(WorkflowPathRule.OnlyPath, Assert.Single(d.Choices).Rule);

        const string allFail = """
            flowchart LR
                A[tdd:ci] -->|fail fast| B[rca:ci]
                A --> S[step] -->|error| B
            """;
        var e = Derive(allFail, Call("tdd:ci"), Call("rca:ci"));
        Assert.Equal(["A->B"], e.Edges.Keys);
        var choice = Assert.Single(e.Choices);
        Assert.Equal(WorkflowPathRule.Shortest, choice.Rule);
        Assert.Contains("every path has a failure-labelled link", choice.Reason);
    }

    [Fact]
    public void A_sequence_alone_keeps_the_shortest_path_rule()
    {
        var d = WorkflowEdgeDeriver.DeriveDetailed(["tdd:ci", "session:post"], MermaidFlowchart.Parse(TwoWays));
        Assert.Equal(["TDDCI->PUSH", "PUSH->CI", "CI->POST"], d.Edges.Keys);
        var choice = Assert.Single(d.Choices);
        Assert.Equal(WorkflowPathRule.Shortest, choice.Rule);
        Assert.Contains("not recorded", choice.Reason);
    }

    [Fact]
    public void A_node_whose_invocations_all_failed_is_red_one_that_completed_once_green_and_verbose_names_each_rule()
    {
        var stats = new SessionStats
        {
            SessionId = "8463c716-0000-4000-8000-000000000001",
            SkillSequence = ["tdd:ci", "rca:ci", "tdd:ci", "tdd:kind", "tdd:kind"],
            SkillInvocations =
            [
                Call("tdd:ci", succeeded: false, failed: "gh pr checks"), Call("rca:ci"), Call("tdd:ci", succeeded: false),
                Call("tdd:kind", succeeded: false), Call("tdd:kind"),
            ],
        };
        var diagnostics = new CollectingDiagnostics();
        var tdd = WorkflowDiagramGenerator.Generate(stats, _skills.Path, null, diagnostics).Single(x => x.Family == "tdd");

        Assert.Equal(1, tdd.FailedNodes);
        Assert.Contains("class TDDCI saFailed", tdd.Mermaid);
        Assert.Contains("classDef saFailed fill:#F44336", tdd.Mermaid);
        var used = tdd.Mermaid.Split('\n').Single(l => l.TrimStart().StartsWith("class ") && l.TrimEnd().EndsWith(" saUsed"));
        Assert.Contains("TDDKIND", used); // one of its two invocations completed
        Assert.DoesNotContain("TDDCI", used);
        Assert.Contains("%% SessionAnalytics: " + MermaidAnnotator.ColourKey, tdd.Mermaid);
        Assert.StartsWith("Edges derived from the order of skill invocations", tdd.Legend);

        Assert.Contains(diagnostics.VerboseMessages, m => m.Contains("tdd:ci -> rca:ci along TDDCI->PUSH->CI->RCACI: the only path (rule OnlyPath)"));
        Assert.Contains(diagnostics.VerboseMessages, m => m.Contains("tdd:kind -> tdd:kind along TDDKIND->LOCAL->TDDKIND"));
        Assert.Contains(diagnostics.VerboseMessages, m => m.Contains("1 node(s) whose every invocation failed (TDDCI)"));

        // The comment shows the legend under the diagram.
        var comment = SessionCommentRenderer.Render(stats, [tdd]);
        Assert.Contains("```\n\n_Edges derived from the order of skill invocations (traversals counted in the labels); links: green = traversed", comment);
    }

    [Fact]
    public void Sessions_measured_before_invocations_were_recorded_colour_by_skill_status()
    {
        var stats = new SessionStats
        {
            SessionId = "8463c716-0000-4000-8000-000000000002",
            SkillSequence = ["tdd:ci", "rca:ci"],
            SkillsInvoked = [new SkillUsage { Skill = "tdd:ci", Count = 1, Status = "fail" }, new SkillUsage { Skill = "rca:ci", Count = 2, Status = "fail" }],
        };
        var (used, failed) = WorkflowDiagramGenerator.NodeOutcomes(stats, MermaidFlowchart.Parse(SkillFixtures.Block(SkillFixtures.TddSkill)));
        Assert.Equal(["TDDCI"], failed);   // its only invocation failed
        Assert.Equal(["RCACI"], used);     // "fail" over two calls: only the last is known to have failed
    }

    [Fact]
    public void A_measured_session_draws_its_failing_test_run_as_the_failure_path()
    {
        // End to end: the transcript's failing test run between tdd:ci and session:post picks the failure path.
        using var home = new TempClaudeHome();
        SkillFixtures.Write(_skills.Path, "flow", "```mermaid\n" + TwoWays.Replace("tdd:ci", "flow:ci").Replace("session:post", "flow:post") + "\n```\n");
        var b = new TranscriptBuilder("8463c716-0000-4000-8000-000000000003").User("go")
            .Skill("claude-opus-4-6", new Usage(1, 10), "flow:ci")
            .Bash("claude-opus-4-6", new Usage(1, 10), "npm test", "1 failing", isError: true)
            .Skill("claude-opus-4-6", new Usage(1, 10), "flow:post");
        var session = new SessionDiscovery(NullDiagnostics.Instance).DescribeFile(home.Write(b))!;
        var stats = new SessionStatsCalculator(PricingTable.Default, NullDiagnostics.Instance).Calculate(session);
        var diagram = Assert.Single(WorkflowDiagramGenerator.Generate(stats, _skills.Path, null, NullDiagnostics.Instance));
        Assert.Equal(1, diagram.Edges["CI->FIX"]);
        Assert.False(diagram.Edges.ContainsKey("CI->POST"));
        Assert.Equal(1, diagram.FailureEdges);
    }
}
