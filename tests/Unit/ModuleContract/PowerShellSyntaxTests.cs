using System.Management.Automation.Language;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>Every PowerShell file of the repository parses: build.ps1, Pester tests, manifests, integration scripts.</summary>
public sealed class PowerShellSyntaxTests
{
    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.OrdinalIgnoreCase)
    {
        "bin", "obj", "out", "node_modules", ".git", "TestResults", "artifacts", "corpus",
        ".tools", // pwsh and Pester installed by tools/pwsh.sh: not ours
    };

    private static readonly string[] Extensions = [".ps1", ".psm1", ".psd1"];

    public static IEnumerable<string> Files(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if (!SkippedDirectories.Contains(Path.GetFileName(sub))) pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(dir))
                if (Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                    yield return Path.GetRelativePath(root, file).Replace('\\', '/');
        }
    }

    public static TheoryData<string> ScriptFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Files(ModuleHost.RepoRoot).Order(StringComparer.Ordinal)) data.Add(file);
        return data;
    }

    [Fact]
    public void TheRepositoryHasTheScriptsItShips()
    {
        var files = Files(ModuleHost.RepoRoot).ToList();
        Assert.Contains("SessionAnalytics.psd1", files);
        Assert.Contains("build.ps1", files);
    }

    [Theory]
    [MemberData(nameof(ScriptFiles))]
    public void Parses(string relativePath)
    {
        Parser.ParseFile(Path.Combine(ModuleHost.RepoRoot, relativePath), out _, out var errors);
        Assert.True(errors.Length == 0, $"{relativePath} does not parse:\n" + string.Join("\n",
            errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}:{e.Extent.StartColumnNumber}: {e.Message} ({e.ErrorId})")));
    }
}
