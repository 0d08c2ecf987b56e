using System.Collections;
using System.Management.Automation;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Workflows;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Workflows;

public class ConvertToSessionMermaidCommandTests : IDisposable
{
    private readonly TempDirectory _skills = new(SkillFixtures.WriteSkillsDirectory());

    public void Dispose() => _skills.Dispose();

    private static SessionStats Stats(string id, string? cwd, params string[] sequence) => new()
    {
        SessionId = id,
        Cwd = cwd,
        SkillSequence = sequence,
        SkillsInvoked = sequence.Distinct().Select(s => new SkillUsage { Skill = s, Count = sequence.Count(x => x == s) }).ToList(),
    };

    [Fact]
    public void EmitsOneDiagramPerFamilyForEveryPipedSession()
    {
        using var host = new ModuleHost();
        var first = Stats("11111111-aaaa", null, "tdd:ci", "rca:ci", "tdd:ci");
        var second = Stats("22222222-bbbb", null, "test:write", "test:run");
        var r = host.Run("$args[0], $args[1] | ConvertTo-SessionMermaid -SkillsPath $args[2] -Verbose", first, second, _skills.Path).AssertNoErrors();
        var diagrams = r.Of<WorkflowDiagram>();
        Assert.Equal(["11111111-aaaa/tdd", "11111111-aaaa/rca", "22222222-bbbb/test"], diagrams.Select(d => d.SessionId + "/" + d.Family));
        Assert.All(diagrams, d => Assert.StartsWith(_skills.Path, d.TemplatePath));
        Assert.Contains("CI -->|\"CI failed (1x)\"| RCACI", diagrams[0].Mermaid);
        Assert.Contains(r.Verbose, v => v.Contains("Skills directory: " + _skills.Path));
        Assert.Contains(r.Verbose, v => v.Contains("'tdd' workflow (derived edges"));
        // The stats objects now carry the edges.
        Assert.Equal(1, first.WorkflowEdges["tdd"]["RCACI->TDDCI"]);
    }

    [Fact]
    public void FindsTheSkillsUnderTheSessionsCwdThenTheCurrentDirectory()
    {
        using var repo = new TempDirectory();
        SkillFixtures.Write(Path.Combine(repo.Path, ".claude", "skills"), "ci", SkillFixtures.CiSkill);
        using var other = new TempDirectory();
        SkillFixtures.Write(Path.Combine(other.Path, ".claude", "skills"), "ci", SkillFixtures.CiSkill);
        using var host = new ModuleHost();

        var fromCwd = host.Run("$args[0] | ConvertTo-SessionMermaid", Stats("s1", repo.Path, "ci:status", "ci:rerun")).AssertNoErrors();
        Assert.Equal(Path.Combine(repo.Path, ".claude", "skills", "ci", "SKILL.md"), Assert.Single(fromCwd.Of<WorkflowDiagram>()).TemplatePath);

        var fromLocation = host.Run("$null = $ExecutionContext.SessionState.Path.SetLocation($args[1]); $args[0] | ConvertTo-SessionMermaid",
            Stats("s2", "/nonexistent-cwd", "ci:status"), other.Path).AssertNoErrors();
        Assert.Equal(Path.Combine(other.Path, ".claude", "skills", "ci", "SKILL.md"), Assert.Single(fromLocation.Of<WorkflowDiagram>()).TemplatePath);
    }

    [Fact]
    public void WorkflowEdgesHashtablesAreDrawnInsteadOfDerivedEdges()
    {
        using var host = new ModuleHost();
        var stats = Stats("s1", null, "tdd:ci");
        var r = host.Run("$args[0] | ConvertTo-SessionMermaid -SkillsPath $args[1] -WorkflowEdges @{ tdd = @{ 'CI->REVIEWS' = 2; 'REVIEWS->DONE' = [long]1 } }",
            stats, _skills.Path).AssertNoErrors();
        var diagram = Assert.Single(r.Of<WorkflowDiagram>());
        Assert.Equal("explicit", diagram.EdgeSource);
        Assert.Equal(2, diagram.TraversedEdges);
        Assert.Contains("CI -->|\"CI green (2x)\"| REVIEWS", diagram.Mermaid);
        Assert.Equal(2, stats.WorkflowEdges["tdd"]["CI->REVIEWS"]);
    }

    [Theory]
    [InlineData("@{ tdd = 'A->B' }")]
    [InlineData("@{ tdd = @{ 'AB' = 1 } }")]
    [InlineData("@{ tdd = @{ 'A->B' = 'many' } }")]
    [InlineData("@{ tdd = @{ 'A->B' = -1 } }")]
    public void MalformedWorkflowEdgesStopTheCommand(string edges)
    {
        using var host = new ModuleHost();
        // catch sees terminating errors only.
        var r = host.Run($"try {{ $args[0] | ConvertTo-SessionMermaid -SkillsPath $args[1] -WorkflowEdges {edges} }} catch {{ $_ }}",
            Stats("s1", null, "tdd:ci"), _skills.Path);
        var error = Assert.IsType<ErrorRecord>(Assert.Single(r.Output));
        Assert.StartsWith("WorkflowEdgesInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-WorkflowEdges:", error.ToString());
    }

    [Fact]
    public void AMissingSkillsPathStopsTheCommand()
    {
        using var host = new ModuleHost();
        var r = host.Run("try { $args[0] | ConvertTo-SessionMermaid -SkillsPath $args[1] } catch { $_ }", Stats("s1", null, "tdd:ci"), Path.Combine(_skills.Path, "missing"));
        var error = Assert.IsType<ErrorRecord>(Assert.Single(r.Output));
        Assert.StartsWith("SkillsPathNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.NotNull(error.ErrorDetails?.RecommendedAction);
    }

    [Fact]
    public void AnInvalidTemplateIsANonTerminatingErrorAndTheOtherDiagramsStillCome()
    {
        SkillFixtures.Write(_skills.Path, "rca", "```mermaid\nflowchart TD\n  A -->|bad (label)| B\n```\n");
        using var host = new ModuleHost();
        var r = host.Run("try { $args[0] | ConvertTo-SessionMermaid -SkillsPath $args[1] } catch { 'terminated' }", Stats("s1", null, "rca:ci", "tdd:ci"), _skills.Path);
        Assert.Null(r.Terminating);
        Assert.DoesNotContain("terminated", r.Output);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("WorkflowTemplateInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains(Path.Combine(_skills.Path, "rca", "SKILL.md"), error.ToString());
        Assert.Equal(["tdd"], r.Of<WorkflowDiagram>().Select(d => d.Family));
    }

    [Fact]
    public void TheCmdletIsDiscoverableWithItsParametersAndOutputType()
    {
        using var host = new ModuleHost();
        var r = host.Run("Get-Command ConvertTo-SessionMermaid").AssertNoErrors();
        var command = Assert.IsAssignableFrom<CmdletInfo>(Assert.Single(r.Output));
        Assert.Contains("Stats", command.Parameters.Keys);
        Assert.Contains("SkillsPath", command.Parameters.Keys);
        Assert.Contains("WorkflowEdges", command.Parameters.Keys);
        Assert.Equal(typeof(Hashtable), command.Parameters["WorkflowEdges"].ParameterType);
        Assert.Contains(command.OutputType, t => t.Type == typeof(WorkflowDiagram));
        Assert.True(command.Parameters["Stats"].Attributes.OfType<ParameterAttribute>().Single().ValueFromPipeline);
    }

    [Fact]
    public void FromTranscriptToDiagramThroughTheWholePipeline()
    {
        // A real transcript (JSONL) whose cwd holds .claude/skills: Get-ClaudeSession | ConvertTo-SessionStats | ConvertTo-SessionMermaid.
        using var home = new TempClaudeHome();
        using var repo = new TempDirectory();
        SkillFixtures.Write(Path.Combine(repo.Path, ".claude", "skills"), "tdd", SkillFixtures.TddSkill);
        const string opus = "claude-opus-4-6";
        var session = new TranscriptBuilder("cccc3333-0000-0000-0000-000000000003", cwd: repo.Path, branch: "fix/ci");
        session.User("fix CI")
            .Skill(opus, new TranscriptBuilder.Usage(10, 20), "tdd:ci").Advance(TimeSpan.FromMinutes(3))
            .Skill(opus, new TranscriptBuilder.Usage(10, 20), "rca:ci").Advance(TimeSpan.FromMinutes(3))
            .Skill(opus, new TranscriptBuilder.Usage(10, 20), "tdd:ci");
        home.Write(session);
        using var host = new ModuleHost(new Dictionary<string, string?> { ["CLAUDE_CONFIG_DIR"] = home.ConfigDirectory });
        var r = host.Run("Get-ClaudeSession -Branch 'fix/*' | ConvertTo-SessionStats | ConvertTo-SessionMermaid").AssertNoErrors();
        var diagram = Assert.Single(r.Of<WorkflowDiagram>());
        Assert.Equal(("cccc3333-0000-0000-0000-000000000003", "tdd", "derived"), (diagram.SessionId, diagram.Family, diagram.EdgeSource));
        Assert.Equal(Path.Combine(repo.Path, ".claude", "skills", "tdd", "SKILL.md"), diagram.TemplatePath);
        Assert.Equal(new Dictionary<string, int> { ["TDDCI->PUSH"] = 1, ["PUSH->CI"] = 1, ["CI->RCACI"] = 1, ["RCACI->TDDCI"] = 1 }, diagram.Edges);
        Assert.Contains("CI -->|\"CI failed (1x)\"| RCACI", diagram.Mermaid);
    }
}
