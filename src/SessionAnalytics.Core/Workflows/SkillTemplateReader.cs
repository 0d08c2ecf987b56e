using Markdig;
using Markdig.Syntax;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Workflows;

/// <summary>The first <c>```mermaid</c> block of a skill's SKILL.md.</summary>
public sealed class SkillTemplate
{
    /// <summary>The skill name that was asked for (e.g. "tdd:ci").</summary>
    public required string Skill { get; init; }
    /// <summary>The SKILL.md the block came from.</summary>
    public required string Path { get; init; }
    /// <summary>1-based line in <see cref="Path"/> of the opening fence.</summary>
    public int Line { get; init; }
    /// <summary>The block's text without the fences.</summary>
    public required string Mermaid { get; init; }
    public override string ToString() => $"{Skill}: {Path}:{Line}";
}

/// <summary>
/// Finds a skill's workflow template: the first fenced code block whose info string is <c>mermaid</c> in
/// <c>&lt;skills&gt;/&lt;name&gt;/SKILL.md</c>. For a <c>family:variant</c> name it looks at
/// <c>&lt;skills&gt;/family:variant/SKILL.md</c>, then <c>&lt;skills&gt;/family/variant/SKILL.md</c>, then the family's
/// <c>&lt;skills&gt;/family/SKILL.md</c>; the first of those files that has a mermaid block wins.
/// The Markdown is parsed with Markdig, so fences inside other blocks, indented code and ~~~ fences behave as on GitHub.
/// </summary>
public static class SkillTemplateReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().Build();

    /// <summary>Returns null (and says why on the verbose stream) when no candidate file has a mermaid block; reports an unreadable file as a non-terminating error and goes on with the next candidate.</summary>
    public static SkillTemplate? Read(string skillsDirectory, string skillName, IDiagnostics diagnostics) =>
        Read(skillsDirectory, skillName, diagnostics, File.ReadAllText);

    /// <summary>As <see cref="Read(string, string, IDiagnostics)"/> with the file reading passed in (tests make it fail: root reads every file).</summary>
    internal static SkillTemplate? Read(string skillsDirectory, string skillName, IDiagnostics diagnostics, Func<string, string> readFile)
    {
        ArgumentNullException.ThrowIfNull(skillsDirectory);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!IsSafeSkillName(skillName))
        {
            diagnostics.Verbose($"Skill name '{skillName}' cannot name a skills folder; no workflow template looked up.");
            return null;
        }
        foreach (var path in CandidatePaths(skillsDirectory, skillName))
        {
            if (!File.Exists(path))
            {
                diagnostics.Verbose($"No {path} for skill '{skillName}'.");
                continue;
            }
            string markdown;
            try
            {
                markdown = readFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Error(new EngineError("SkillTemplateUnreadable", e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError,
                    $"Cannot read the workflow template {path} of skill '{skillName}': {e.Message}", path, e)
                {
                    RecommendedAction = "Check that the file exists and is readable, or pass -SkillsPath.",
                });
                continue;
            }
            var block = FirstMermaidBlock(markdown);
            if (block is null)
            {
                diagnostics.Verbose($"{path} has no ```mermaid block.");
                continue;
            }
            diagnostics.Verbose($"Workflow template of '{skillName}': {path}, line {block.Value.Line}.");
            return new SkillTemplate { Skill = skillName, Path = path, Line = block.Value.Line, Mermaid = block.Value.Text };
        }
        return null;
    }

    /// <summary>The files tried for <paramref name="skillName"/>, in order.</summary>
    public static IReadOnlyList<string> CandidatePaths(string skillsDirectory, string skillName)
    {
        var paths = new List<string> { Path.Combine(skillsDirectory, skillName, "SKILL.md") };
        var colon = skillName.IndexOf(':');
        if (colon > 0 && colon < skillName.Length - 1)
        {
            var family = skillName[..colon];
            var variant = skillName[(colon + 1)..];
            paths.Add(Path.Combine(skillsDirectory, family, variant, "SKILL.md"));
            paths.Add(Path.Combine(skillsDirectory, family, "SKILL.md"));
        }
        return paths.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The text and 1-based line of the first fenced block with info string <c>mermaid</c>, or null.</summary>
    public static (string Text, int Line)? FirstMermaidBlock(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var block in document.Descendants<FencedCodeBlock>())
        {
            if (!string.Equals(block.Info?.Trim(), "mermaid", StringComparison.OrdinalIgnoreCase)) continue;
            return (block.Lines.ToString(), block.Line + 1);
        }
        return null;
    }

    /// <summary>Skill names come from transcripts: never let one climb out of the skills folder.</summary>
    private static bool IsSafeSkillName(string skillName) =>
        !string.IsNullOrWhiteSpace(skillName)
        && skillName.IndexOfAny(['/', '\\', '\0']) < 0
        && !skillName.Split(':').Any(part => part is "" or "." or "..")
        && !Path.IsPathRooted(skillName);
}
