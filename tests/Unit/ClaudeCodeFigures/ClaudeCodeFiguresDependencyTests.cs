using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ClaudeCodeFigures;

/// <summary>The readers of Claude Code's figures sit at the bottom of Core: Transcripts may use only Diagnostics.</summary>
public sealed class ClaudeCodeFiguresDependencyTests
{
    [Theory]
    [InlineData("ClaudeCodeFigures.cs")]
    [InlineData("ClaudeCodeFiguresErrors.cs")]
    [InlineData("StatusLineFigures.cs")]
    [InlineData("CostCommandOutput.cs")]
    [InlineData("CostCommandFinder.cs")]
    public void A_reader_file_uses_no_Core_folder_but_Diagnostics_and_no_PowerShell(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(ModuleHost.RepoRoot, "src", "SessionAnalytics.Core", "Transcripts", file));
        var coreUsings = lines.Where(l => l.StartsWith("using SessionAnalytics.", StringComparison.Ordinal)).ToList();
        Assert.All(coreUsings, l => Assert.Equal("using SessionAnalytics.Core.Diagnostics;", l));
        Assert.DoesNotContain(lines, l => l.Contains("System.Management.Automation", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Core.Stats", StringComparison.Ordinal) || l.Contains("Core.Comments", StringComparison.Ordinal));
    }
}
