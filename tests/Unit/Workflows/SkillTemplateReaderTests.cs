using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.Tests.Workflows;

public class SkillTemplateReaderTests
{
    [Fact]
    public void ReadsTheFirstMermaidFenceSkippingOtherFencesAndIndentedCode()
    {
        using var dir = new TempDirectory();
        SkillFixtures.Write(dir.Path, "tdd", SkillFixtures.TddSkill);
        var diagnostics = new CollectingDiagnostics();
        var template = SkillTemplateReader.Read(dir.Path, "tdd", diagnostics)!;
        Assert.Equal(Path.Combine(dir.Path, "tdd", "SKILL.md"), template.Path);
        Assert.StartsWith("%%{init:", template.Mermaid);
        Assert.Contains("START([User: fix this PR]):::entry", template.Mermaid);
        Assert.DoesNotContain("NOT --> THIS", template.Mermaid);
        Assert.DoesNotContain("X --> Y", template.Mermaid);
        Assert.DoesNotContain("```", template.Mermaid);
        var fenceLine = File.ReadAllLines(template.Path).ToList().FindIndex(l => l == "```mermaid") + 1;
        Assert.Equal(fenceLine, template.Line);
        Assert.Contains(diagnostics.VerboseMessages, m => m.Contains(template.Path));
    }

    [Theory]
    [InlineData("~~~mermaid\nflowchart LR\n  A --> B\n~~~\n")]
    [InlineData("```Mermaid\nflowchart LR\n  A --> B\n```\n")]
    [InlineData("> quoted\n\n- item\n\n  ```mermaid\n  flowchart LR\n    A --> B\n  ```\n")]
    public void AcceptsEveryFenceMarkdownAccepts(string markdown)
    {
        var block = SkillTemplateReader.FirstMermaidBlock(markdown);
        Assert.NotNull(block);
        Assert.Equal("A>B", string.Join(" ", MermaidFlowchart.Parse(block!.Value.Text).Links.Select(l => l.From + ">" + l.To)));
    }

    [Theory]
    [InlineData("no code at all")]
    [InlineData("```\nflowchart LR\n  A --> B\n```")]
    [InlineData("    ```mermaid\n    flowchart LR\n    ```")]
    [InlineData("Inline ```mermaid flowchart``` is not a block")]
    public void FindsNoBlockWhereThereIsNone(string markdown) =>
        Assert.Null(SkillTemplateReader.FirstMermaidBlock(markdown));

    [Fact]
    public void FallsBackFromFamilyVariantToTheVariantFolderThenTheFamily()
    {
        using var dir = new TempDirectory();
        SkillFixtures.Write(dir.Path, "tdd", SkillFixtures.TddSkill);
        Assert.Equal(Path.Combine(dir.Path, "tdd", "SKILL.md"), SkillTemplateReader.Read(dir.Path, "tdd:ci", NullDiagnostics.Instance)!.Path);

        SkillFixtures.Write(dir.Path, Path.Combine("tdd", "ci"), "```mermaid\nflowchart LR\n  V --> W\n```\n");
        var variant = SkillTemplateReader.Read(dir.Path, "tdd:ci", NullDiagnostics.Instance)!;
        Assert.Equal(Path.Combine(dir.Path, "tdd", "ci", "SKILL.md"), variant.Path);
        Assert.Equal("tdd:ci", variant.Skill);

        // A variant SKILL.md without a diagram falls through to the family's.
        SkillFixtures.Write(dir.Path, Path.Combine("tdd", "kind"), "# kind\n\nNo diagram here.\n");
        var diagnostics = new CollectingDiagnostics();
        Assert.Equal(Path.Combine(dir.Path, "tdd", "SKILL.md"), SkillTemplateReader.Read(dir.Path, "tdd:kind", diagnostics)!.Path);
        Assert.Contains(diagnostics.VerboseMessages, m => m.Contains("has no ```mermaid block"));
    }

    [Fact]
    public void AMissingTemplateIsNullWithAVerboseReason()
    {
        using var dir = new TempDirectory();
        var diagnostics = new CollectingDiagnostics();
        Assert.Null(SkillTemplateReader.Read(dir.Path, "rca:ci", diagnostics));
        Assert.Equal(3, diagnostics.VerboseMessages.Count(m => m.StartsWith("No ", StringComparison.Ordinal)));
        Assert.Empty(diagnostics.Errors);
        Assert.Empty(diagnostics.Warnings);
    }

    [Fact]
    public void AnUnreadableFileIsANonTerminatingErrorAndTheNextCandidateIsTried()
    {
        using var dir = new TempDirectory();
        SkillFixtures.Write(dir.Path, Path.Combine("tdd", "ci"), "unreadable");
        SkillFixtures.Write(dir.Path, "tdd", SkillFixtures.TddSkill);
        var diagnostics = new CollectingDiagnostics();
        var template = SkillTemplateReader.Read(dir.Path, "tdd:ci", diagnostics,
            path => path.Contains(Path.Combine("tdd", "ci")) ? throw new IOException("Input/output error") : File.ReadAllText(path));
        Assert.Equal(Path.Combine(dir.Path, "tdd", "SKILL.md"), template!.Path);
        var error = Assert.Single(diagnostics.Errors);
        Assert.Equal("SkillTemplateUnreadable", error.ErrorId);
        Assert.Equal(ErrorKind.ReadError, error.Kind);
        Assert.Contains(Path.Combine(dir.Path, "tdd", "ci", "SKILL.md"), error.Message);
        Assert.Contains("Input/output error", error.Message);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("tdd/../../x")]
    [InlineData("..:ci")]
    [InlineData("/abs")]
    [InlineData("")]
    public void SkillNamesCannotLeaveTheSkillsFolder(string name)
    {
        using var dir = new TempDirectory();
        var diagnostics = new CollectingDiagnostics();
        Assert.Null(SkillTemplateReader.Read(dir.Path, name, diagnostics, _ => throw new InvalidOperationException("must not read")));
        Assert.Empty(diagnostics.Errors);
    }
}
