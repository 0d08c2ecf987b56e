using Markdig;
using Markdig.Syntax;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ReadmeExamples;

/// <summary>
/// The code blocks of a Markdown file, with the example marker that precedes them.
///
/// Convention (README.md): an HTML comment on the line right before a fenced block marks it,
/// <c>&lt;!-- example: runnable --&gt;</c> for a block the tests run, or
/// <c>&lt;!-- example: runnable, no-output --&gt;</c> for one that runs but prints nothing. Every ```powershell block
/// must parse, marked or not. A marked ```sh block may only hold runner lines
/// (<c>dotnet run --project src/SessionAnalytics.Runner -- [--json] "&lt;pipeline&gt;"</c>), whose pipeline runs.
/// </summary>
public sealed record MarkdownCodeBlock(string File, int Line, string Language, string Code, string? Marker)
{
    public static readonly string[] PowerShellLanguages = ["powershell", "pwsh", "ps1", "ps", "posh"];
    public static readonly string[] ShellLanguages = ["sh", "bash", "shell", "console"];

    public bool IsPowerShell => PowerShellLanguages.Contains(Language);
    public bool IsShell => ShellLanguages.Contains(Language);
    public bool IsRunnable => Marker is not null && Marker.Split(',', StringSplitOptions.TrimEntries).Contains("runnable");
    public bool ExpectsNoOutput => Marker is not null && Marker.Split(',', StringSplitOptions.TrimEntries).Contains("no-output");
    public string Id => $"{File}:{Line}";

    public static IReadOnlyList<MarkdownCodeBlock> Read(string path, string displayName)
    {
        var source = System.IO.File.ReadAllText(path);
        var document = Markdown.Parse(source, new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build());
        var blocks = new List<MarkdownCodeBlock>();
        foreach (var code in document.Descendants<FencedCodeBlock>())
        {
            var language = (code.Info ?? "").Trim().ToLowerInvariant();
            var text = string.Join("\n", code.Lines.Lines.Take(code.Lines.Count).Select(l => l.Slice.ToString()));
            blocks.Add(new MarkdownCodeBlock(displayName, code.Line + 1, language, text, MarkerBefore(code)));
        }
        return blocks;
    }

    /// <summary>"runnable" from "&lt;!-- example: runnable --&gt;" directly above the block (blank lines between are allowed).</summary>
    private static string? MarkerBefore(FencedCodeBlock code)
    {
        var parent = code.Parent;
        if (parent is null) return null;
        var index = parent.IndexOf(code);
        if (index <= 0 || parent[index - 1] is not HtmlBlock html) return null;
        var text = string.Join("\n", html.Lines.Lines.Take(html.Lines.Count).Select(l => l.Slice.ToString())).Trim();
        const string prefix = "<!-- example:";
        if (!text.StartsWith(prefix, StringComparison.Ordinal) || !text.EndsWith("-->", StringComparison.Ordinal)) return null;
        return text[prefix.Length..^3].Trim();
    }

    /// <summary>
    /// The pipeline of a runner line, <c>dotnet run --project src/SessionAnalytics.Runner -- [--json] "&lt;pipeline&gt;"</c>,
    /// with the shell's quoting undone; null with a reason when the line is something else.
    /// </summary>
    public static string? RunnerPipeline(string line, out string? problem)
    {
        problem = null;
        const string command = "dotnet run --project src/SessionAnalytics.Runner";
        var trimmed = line.Trim();
        if (!trimmed.StartsWith(command, StringComparison.Ordinal))
        {
            problem = $"only runner lines ({command} -- \"<pipeline>\") can run: '{trimmed}'";
            return null;
        }
        var rest = trimmed[command.Length..].Trim();
        if (!rest.StartsWith("--", StringComparison.Ordinal)) { problem = "the runner line lacks ' -- ' before its pipeline"; return null; }
        rest = rest[2..].Trim();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var option = rest.Split(' ', 2)[0];
            if (option is not ("--json")) { problem = $"runner option {option} is not supported here"; return null; }
            rest = rest[option.Length..].Trim();
        }
        if (rest.Length >= 2 && rest[0] == '\'' && rest[^1] == '\'') return rest[1..^1];
        if (rest.Length >= 2 && rest[0] == '"' && rest[^1] == '"')
        {
            var inner = rest[1..^1];
            var text = new System.Text.StringBuilder();
            for (var i = 0; i < inner.Length; i++)
            {
                // Inside double quotes the shell removes the backslash before \ " $ and `.
                if (inner[i] == '\\' && i + 1 < inner.Length && inner[i + 1] is '\\' or '"' or '$' or '`') i++;
                text.Append(inner[i]);
            }
            return text.ToString();
        }
        problem = "the pipeline must be one quoted argument";
        return null;
    }

    /// <summary>Every Markdown file of the repository that people read (README, docs, integrations), relative paths.</summary>
    public static IEnumerable<string> RepositoryMarkdownFiles()
    {
        var skipped = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "out", "node_modules", ".git", "TestResults", "artifacts" };
        var root = ModuleHost.RepoRoot;
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if (!skipped.Contains(Path.GetFileName(sub))) pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(dir, "*.md"))
                yield return Path.GetRelativePath(root, file).Replace('\\', '/');
        }
    }
}
