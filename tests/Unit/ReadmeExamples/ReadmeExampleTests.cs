using System.Management.Automation;
using System.Management.Automation.Language;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.ReadmeExamples;

/// <summary>Tests that set process-wide environment variables run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>
/// The README's examples cannot rot: every ```powershell block parses, and every block marked
/// <c>&lt;!-- example: runnable --&gt;</c> (see <see cref="MarkdownCodeBlock"/>) runs in the hosted engine with the
/// built module, without errors, against sessions generated for the test. While they run: CLAUDE_CONFIG_DIR is the
/// generated config directory (one session belongs to the current directory, so -Current finds it), the current
/// directory is a scratch folder holding a copy of samples/ (so ./samples/claude works and written files land
/// there), and no GitHub token is set while GITHUB_API_URL points at a closed port.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ReadmeExampleTests
{
    private const string Missing = "(README.md missing)";
    private const string NoneMarked = "(no runnable example)";

    public static string ReadmePath => Path.Combine(ModuleHost.RepoRoot, "README.md");

    private static IReadOnlyList<MarkdownCodeBlock> ReadmeBlocks() =>
        File.Exists(ReadmePath) ? MarkdownCodeBlock.Read(ReadmePath, "README.md") : [];

    public static TheoryData<string> PowerShellBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in ReadmeBlocks().Where(b => b.IsPowerShell)) data.Add(block.Id);
        if (data.Count == 0) data.Add(Missing);
        return data;
    }

    public static TheoryData<string> RunnableBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in ReadmeBlocks().Where(b => b.IsRunnable)) data.Add(block.Id);
        if (data.Count == 0) data.Add(File.Exists(ReadmePath) ? NoneMarked : Missing);
        return data;
    }

    public static TheoryData<string> MarkdownFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in MarkdownCodeBlock.RepositoryMarkdownFiles().Order(StringComparer.Ordinal)) data.Add(file);
        return data;
    }

    private static MarkdownCodeBlock Block(string id)
    {
        Assert.True(id != Missing, "README.md is missing: the repository needs one, and its examples are tested here.");
        Assert.True(id != NoneMarked, "README.md marks no example as runnable: put <!-- example: runnable --> on the line before the quick start's block (and others that run without GitHub).");
        return ReadmeBlocks().Single(b => b.Id == id);
    }

    [Theory]
    [MemberData(nameof(PowerShellBlocks))]
    public void PowerShellExampleParses(string id)
    {
        var block = Block(id);
        Parser.ParseInput(block.Code, out _, out var errors);
        Assert.True(errors.Length == 0, $"{block.Id}: the example does not parse:\n{block.Code}\n" +
            string.Join("\n", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Theory]
    [MemberData(nameof(RunnableBlocks))]
    public void RunnableExampleRuns(string id)
    {
        var block = Block(id);
        var pipelines = new List<string>();
        if (block.IsPowerShell) pipelines.Add(block.Code);
        else if (block.IsShell)
        {
            foreach (var line in block.Code.Split('\n').Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')))
            {
                var pipeline = MarkdownCodeBlock.RunnerPipeline(line, out var problem);
                Assert.True(pipeline is not null, $"{block.Id}: {problem}");
                pipelines.Add(pipeline!);
            }
        }
        else Assert.Fail($"{block.Id}: a runnable example is ```powershell or a ```sh block of runner lines, not ```{block.Language}.");

        using var sandbox = new ExampleSandbox();
        // Statement by statement, in one session: each must work, and each that is not an assignment must print
        // something, so an example whose filter quietly stopped matching fails too.
        var statements = pipelines.SelectMany(p => Parser.ParseInput(p, out _, out _).EndBlock.Statements)
            .Select(s => (Text: s.Extent.Text, IsAssignment: s is AssignmentStatementAst)).ToList();
        foreach (var (pipeline, isAssignment) in statements)
        {
            var result = sandbox.Run(pipeline);
            var missingCommand = result.Errors.Select(e => e.Exception).Append(result.Terminating)
                .OfType<CommandNotFoundException>().FirstOrDefault();
            Assert.True(missingCommand is null,
                $"{block.Id}: {missingCommand?.CommandName} is not available here. The tests run examples in the hosted engine, which has the module and the core commands (Where-Object, ForEach-Object, Get-Help...) but not Microsoft.PowerShell.Utility (Select-Object, Format-Table, Get-Date...): drop the runnable marker or keep the example to those commands.");
            Assert.True(result.Terminating is null && result.Errors.Count == 0,
                $"{block.Id}: the example fails:\n{pipeline}\n" + string.Join("\n",
                    result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}").Append(result.Terminating?.ErrorRecord?.FullyQualifiedErrorId + " " + result.Terminating?.Message)));
            if (!block.ExpectsNoOutput && !isAssignment)
                Assert.True(result.Output.Count > 0, $"{block.Id}: the example printed nothing:\n{pipeline}\n(mark it <!-- example: runnable, no-output --> if that is what it should do)");
        }
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void PowerShellBlocksInMarkdownParse(string relativePath)
    {
        var problems = new List<string>();
        foreach (var block in MarkdownCodeBlock.Read(Path.Combine(ModuleHost.RepoRoot, relativePath), relativePath).Where(b => b.IsPowerShell))
        {
            Parser.ParseInput(block.Code, out _, out var errors);
            problems.AddRange(errors.Select(e => $"{block.File}:{block.Line + e.Extent.StartLineNumber}: {e.Message}"));
        }
        Assert.True(problems.Count == 0, "PowerShell blocks that do not parse:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void RunnerLinesAreReadLikeTheShellReadsThem()
    {
        Assert.Equal("Get-ClaudeSession -Path ./samples/claude | ConvertTo-SessionStats",
            MarkdownCodeBlock.RunnerPipeline("dotnet run --project src/SessionAnalytics.Runner -- \"Get-ClaudeSession -Path ./samples/claude | ConvertTo-SessionStats\"", out _));
        Assert.Equal("Get-ClaudeSession | Where-Object { $_.Branch -eq 'x' }",
            MarkdownCodeBlock.RunnerPipeline("dotnet run --project src/SessionAnalytics.Runner -- --json \"Get-ClaudeSession | Where-Object { \\$_.Branch -eq 'x' }\"", out _));
        Assert.Null(MarkdownCodeBlock.RunnerPipeline("dotnet test", out var problem));
        Assert.Contains("only runner lines", problem);
    }

    [Fact]
    public void MarkersAreReadFromTheLineBeforeTheBlock()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sa-readme-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, "# T\n\n<!-- example: runnable -->\n```powershell\nGet-ClaudeSession\n```\n\n<!-- example: runnable, no-output -->\n\n```powershell\n$null\n```\n\nText\n\n```powershell\nGet-Help x\n```\n");
        try
        {
            var blocks = MarkdownCodeBlock.Read(path, "T.md");
            Assert.Equal([true, true, false], blocks.Select(b => b.IsRunnable));
            Assert.Equal([false, true, false], blocks.Select(b => b.ExpectsNoOutput));
            Assert.Equal(4, blocks[0].Line);
        }
        finally { File.Delete(path); }
    }

    /// <summary>Generated sessions, a scratch current directory with samples/, and an environment without GitHub.</summary>
    private sealed class ExampleSandbox : IDisposable
    {
        private static readonly string[] Variables = ["CLAUDE_CONFIG_DIR", "GH_TOKEN", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH", "GITHUB_API_URL"];
        private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        private readonly TempClaudeHome _home = new();
        private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sa-readme-work-");
        private readonly ModuleHost _host;

        public ExampleSandbox()
        {
            var samples = Path.Combine(ModuleHost.RepoRoot, "samples");
            if (Directory.Exists(samples)) CopyDirectory(samples, Path.Combine(_work.FullName, "samples"));

            const string opus = "claude-opus-4-6", haiku = "claude-haiku-4-5-20251001";
            var start = DateTimeOffset.UtcNow.AddDays(-2);
            var current = new TranscriptBuilder("5e55a0e1-0000-4000-8000-000000000001", cwd: _work.FullName, branch: "main", start: start);
            current.User("Fix the login timeout").Assistant(opus, new Usage(1200, 300, 5000, 20000))
                .OnBranch("fix/login-timeout").Bash(opus, new Usage(10, 40, 0, 21000), "npm test", "12 passing")
                .Commit(opus, new Usage(10, 60, 0, 21500), "a1b2c3d", "Fix login timeout")
                .Skill(opus, new Usage(20, 80, 0, 22000), "tdd:ci");
            _home.Write(current);
            var other = new TranscriptBuilder("5e55a0e1-0000-4000-8000-000000000002", cwd: "/home/dev/acme-widget", branch: "feature/csv-export", start: start.AddHours(3));
            other.User("Add CSV export").Assistant(haiku, new Usage(800, 200, 3000, 9000)).Advance(TimeSpan.FromMinutes(20)).Assistant(haiku, new Usage(50, 90, 0, 12000));
            _home.Write(other);

            Environment.SetEnvironmentVariable("CLAUDE_CONFIG_DIR", _home.ConfigDirectory);
            foreach (var name in new[] { "GH_TOKEN", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH" }) Environment.SetEnvironmentVariable(name, null);
            // Nothing listens on the discard port: an example that goes to GitHub fails instead of reaching it.
            Environment.SetEnvironmentVariable("GITHUB_API_URL", "http://127.0.0.1:9");
            _host = new ModuleHost();
            _host.Run("$ExecutionContext.SessionState.Path.SetLocation($args[0]) | Out-Null", _work.FullName).AssertNoErrors();
        }

        public PipelineResult Run(string script) => _host.Run(script);

        public void Dispose()
        {
            _host.Dispose();
            foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
            _home.Dispose();
            try { _work.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private static void CopyDirectory(string from, string to)
        {
            foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
                Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
                File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
