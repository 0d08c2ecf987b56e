using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.Tests.Workflows;

public class WorkflowDiagramGeneratorTests : IDisposable
{
    private readonly TempDirectory _skills = new(SkillFixtures.WriteSkillsDirectory());

    public void Dispose() => _skills.Dispose();

    private static SessionStats Stats(params string[] sequence) => new()
    {
        SessionId = "00b11888-7e0c-4fb4-bb39-32ea32e09b64",
        SkillSequence = sequence,
        SkillsInvoked = sequence.Distinct().Select(s => new SkillUsage { Skill = s, Count = sequence.Count(x => x == s) }).ToList(),
    };

    private static Dictionary<string, IReadOnlyDictionary<string, int>> Edges(string family, params (string Key, int Count)[] edges) =>
        new() { [family] = edges.ToDictionary(e => e.Key, e => e.Count) };

    [Fact]
    public void OneDiagramPerInvokedFamilyWithATemplateInFirstUseOrder()
    {
        var stats = Stats("rca:ci", "tdd:ci", "session:post", "rca:ci", "tdd:ci");
        var diagnostics = new CollectingDiagnostics();
        var diagrams = WorkflowDiagramGenerator.Generate(stats, _skills.Path, null, diagnostics);
        Assert.Equal(["rca", "tdd"], diagrams.Select(d => d.Family));
        Assert.All(diagrams, d => Assert.Equal(stats.SessionId, d.SessionId));
        Assert.Equal(Path.Combine(_skills.Path, "rca", "SKILL.md"), diagrams[0].TemplatePath);
        Assert.Contains(diagnostics.VerboseMessages, m => m.Contains("no workflow template for skill family 'session'"));
        Assert.Empty(diagnostics.Errors);

        var tdd = diagrams[1];
        Assert.Equal("derived", tdd.EdgeSource);
        Assert.Equal(new Dictionary<string, int> { ["RCACI->TDDCI"] = 2, ["TDDCI->PUSH"] = 1, ["PUSH->CI"] = 1, ["CI->RCACI"] = 1 }, tdd.Edges);
        Assert.Equal(4, tdd.TraversedEdges);
        Assert.Equal(14, tdd.TotalEdges);
        Assert.Equal(1, tdd.FailureEdges);
        Assert.Contains("RCACI -.->|\"fix found (2x)\"| TDDCI", tdd.Mermaid);
        Assert.Contains("CI -->|\"CI failed (1x)\"| RCACI", tdd.Mermaid);

        // The edges travel in the stats (and so in the session JSON).
        Assert.Equal(tdd.Edges, stats.WorkflowEdges["tdd"]);
        var roundTrip = SessionStatsJson.Read(SessionStatsJson.Write(stats));
        Assert.Equal(2, roundTrip.WorkflowEdges["tdd"]["RCACI->TDDCI"]);
    }

    [Fact]
    public void ExplicitEdgesWinForTheirFamilyAndOthersAreStillDerived()
    {
        var stats = Stats("tdd:ci", "rca:ci", "tdd:ci", "test:write", "test:run");
        var diagrams = WorkflowDiagramGenerator.Generate(stats, _skills.Path, Edges("TDD", ("CI->REVIEWS", 3)), NullDiagnostics.Instance);
        var tdd = diagrams.Single(d => d.Family == "tdd");
        Assert.Equal("explicit", tdd.EdgeSource);
        Assert.Equal(1, tdd.TraversedEdges);
        Assert.Contains("CI -->|\"CI green (3x)\"| REVIEWS", tdd.Mermaid);
        Assert.DoesNotContain("(1x)", tdd.Mermaid);
        Assert.Equal(3, stats.WorkflowEdges["tdd"]["CI->REVIEWS"]);
        var test = diagrams.Single(d => d.Family == "test");
        Assert.Equal("derived", test.EdgeSource);
        Assert.Equal(1, stats.WorkflowEdges["test"]["W->R"]);
    }

    [Fact]
    public void RecordedEdgesAreKeptWhenNothingExplicitIsGiven()
    {
        var stats = Stats("tdd:ci");
        stats.WorkflowEdges = Edges("tdd", ("LOCAL->TDDKIND", 2));
        var diagram = Assert.Single(WorkflowDiagramGenerator.Generate(stats, _skills.Path, null, NullDiagnostics.Instance));
        Assert.Equal("recorded", diagram.EdgeSource);
        Assert.Contains("LOCAL -->|\"no, error (2x)\"| TDDKIND", diagram.Mermaid);
        Assert.Equal(1, diagram.FailureEdges);
    }

    [Fact]
    public void ExplicitEdgesOfAFamilyWithoutTemplateAreDrawnOnTheirOwn()
    {
        var stats = Stats("deploy:prod");
        var diagnostics = new CollectingDiagnostics();
        var diagrams = WorkflowDiagramGenerator.Generate(stats, _skills.Path,
            Edges("deploy", ("build->\"test\" `x`", 2), ("build->ship", 1), ("garbage", 1)), diagnostics);
        var diagram = Assert.Single(diagrams);
        Assert.Null(diagram.TemplatePath);
        Assert.Equal("explicit", diagram.EdgeSource);
        Assert.Equal(2, diagram.TraversedEdges);
        var f = MermaidFlowchart.Parse(diagram.Mermaid);
        Assert.Equal(["build", "#quot;test#quot; #96;x#96;", "ship"], f.Nodes.Select(n => n.Label));
        Assert.Contains(diagnostics.Warnings, w => w.Contains("'garbage'"));
        Assert.DoesNotContain("`", diagram.Mermaid);
    }

    [Fact]
    public void AnInvalidTemplateIsAnErrorNamingTheFileAndLineAndTheOthersGoOn()
    {
        SkillFixtures.Write(_skills.Path, "rca", "# RCA\n\n```mermaid\nflowchart TD\n    A --> B\n    B -->|unquoted (parens)| C\n```\n");
        var diagnostics = new CollectingDiagnostics();
        var stats = Stats("rca:ci", "tdd:ci");
        var diagrams = WorkflowDiagramGenerator.Generate(stats, _skills.Path, Edges("rca", ("A->B", 1)), diagnostics);
        Assert.Equal(["tdd"], diagrams.Select(d => d.Family));
        var error = Assert.Single(diagnostics.Errors);
        Assert.Equal("WorkflowTemplateInvalid", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains(Path.Combine(_skills.Path, "rca", "SKILL.md") + " (line 6, column", error.Message);
        // The user's edges are kept even though the diagram could not be drawn.
        Assert.Equal(1, stats.WorkflowEdges["rca"]["A->B"]);
    }

    [Fact]
    public void ANonFlowchartTemplateIsReportedAsSuch()
    {
        SkillFixtures.Write(_skills.Path, "ci", "```mermaid\nsequenceDiagram\n  A->>B: hi\n```\n");
        var diagnostics = new CollectingDiagnostics();
        Assert.Empty(WorkflowDiagramGenerator.Generate(Stats("ci:status"), _skills.Path, null, diagnostics));
        Assert.Contains("not a flowchart", Assert.Single(diagnostics.Errors).Message);
    }

    [Fact]
    public void EdgesThatAreNotInTheTemplateAreWarnedAboutAndKept()
    {
        var diagnostics = new CollectingDiagnostics();
        var stats = Stats("ci:status");
        var diagram = Assert.Single(WorkflowDiagramGenerator.Generate(stats, _skills.Path, Edges("ci", ("STATUS->NOWHERE", 1), ("STATUS->RESULT", 3)), diagnostics));
        Assert.Contains(diagnostics.Warnings, w => w.Contains("'STATUS->NOWHERE'") && w.Contains("ci"));
        Assert.Equal(1, diagram.TraversedEdges);
        Assert.Equal(2, stats.WorkflowEdges["ci"].Count);
    }

    [Fact]
    public void WithoutSkillsPathTheSessionsCwdIsUsed()
    {
        using var repo = new TempDirectory();
        var skills = Path.Combine(repo.Path, ".claude", "skills");
        SkillFixtures.Write(skills, "test", SkillFixtures.TestSkill);
        var stats = new SessionStats { SessionId = "s1", Cwd = repo.Path, SkillSequence = ["test:write", "test:run"] };
        var diagram = Assert.Single(WorkflowDiagramGenerator.Generate(stats, null, null, NullDiagnostics.Instance));
        Assert.Equal(Path.Combine(skills, "test", "SKILL.md"), diagram.TemplatePath);

        Assert.Equal(skills, WorkflowDiagramGenerator.ResolveSkillsPath(null, repo.Path, "/nonexistent"));
        Assert.Equal(skills, WorkflowDiagramGenerator.ResolveSkillsPath(null, "/nonexistent", repo.Path));
        Assert.Equal("/given", WorkflowDiagramGenerator.ResolveSkillsPath("/given", repo.Path, repo.Path));
        Assert.Null(WorkflowDiagramGenerator.ResolveSkillsPath(null, "/nonexistent", null));
    }

    [Fact]
    public void ASessionWithoutSkillsHasNoDiagrams()
    {
        var stats = Stats();
        Assert.Empty(WorkflowDiagramGenerator.Generate(stats, _skills.Path, null, NullDiagnostics.Instance));
        Assert.Empty(stats.WorkflowEdges);
    }

    [Theory]
    [InlineData("tdd:ci", "tdd")]
    [InlineData("/rca:hypershift", "rca")]
    [InlineData("session", "session")]
    public void FamilyIsTheNameBeforeTheColon(string skill, string family) =>
        Assert.Equal(family, WorkflowDiagramGenerator.FamilyOf(skill));

    [Fact]
    public void ToMarkdownUsesAFenceNoBacktickRunInsideCanClose()
    {
        var plain = new WorkflowDiagram { SessionId = "s", Family = "f", Mermaid = "flowchart LR\n  A --> B\n" };
        Assert.Equal("```mermaid\nflowchart LR\n  A --> B\n```", plain.ToMarkdown());
        var ticks = new WorkflowDiagram { SessionId = "s", Family = "f", Mermaid = "flowchart LR\n  A[\"`md ``` x`\"] --> B" };
        Assert.StartsWith("````mermaid\n", ticks.ToMarkdown());
        Assert.EndsWith("\n````", ticks.ToMarkdown());
    }
}
