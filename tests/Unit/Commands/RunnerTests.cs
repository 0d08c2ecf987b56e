using System.Diagnostics;
using System.Text.Json;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Commands;

/// <summary>The runner as a user starts it: a separate process hosting the engine with the built module.</summary>
public sealed class RunnerTests
{
    private static string RunnerDll
    {
        get
        {
            // Same configuration as this test assembly (bin/<Configuration>/net10.0).
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(ModuleHost.RepoRoot, "src", "SessionAnalytics.Runner", "bin", configuration, "net10.0", "SessionAnalytics.Runner.dll");
        }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        Assert.True(File.Exists(RunnerDll), "runner not built at " + RunnerDll);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ModuleHost.RepoRoot };
        start.ArgumentList.Add(RunnerDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CLAUDE_CONFIG_DIR"] = Path.Combine(ModuleHost.RepoRoot, "samples", "claude");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void The_quick_start_pipeline_prints_one_readable_line_per_session()
    {
        var (exit, output, error) = Run("Get-ClaudeSession -Path ./samples/claude | ConvertTo-SessionStats");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("3f2a9c41 fix/login-timeout", StringComparison.Ordinal) && l.Contains("2 commits"));
    }

    [Fact]
    public void Json_mode_prints_objects_as_json_lines()
    {
        var (exit, output, _) = Run("--json", "Get-ClaudeSession -Id 8c6d1e07");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output.Trim());
        Assert.Equal("feature/csv-export", doc.RootElement.GetProperty("Branch").GetString());
    }

    [Fact]
    public void Errors_go_to_stderr_with_a_non_zero_exit_code()
    {
        var (exit, output, error) = Run("Get-ClaudeSession -LiteralPath ./does-not-exist");
        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        Assert.Contains("SessionRootNotFound", error);
    }

    [Fact]
    public void The_engine_loads_in_the_default_context_and_its_third_party_dependencies_in_the_private_one()
    {
        var (exit, output, error) = Run("""
            $stats = Get-ClaudeSession | ConvertTo-SessionStats
            "engine " + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($stats[0].GetType().Assembly).Name
            "literal " + ($stats[0] -is [SessionAnalytics.Core.Stats.SessionStats])
            foreach ($name in 'Octokit', 'CsvHelper', 'Markdig') {
                $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name }
                $name + ' ' + (($loaded | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }) -join ',')
            }
            """);
        Assert.True(exit == 0, error);
        Assert.Equal(["engine Default", "literal True", "Octokit SessionAnalytics", "CsvHelper SessionAnalytics", "Markdig SessionAnalytics"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void WhatIf_messages_reach_the_console_without_a_token()
    {
        var (exit, output, error) = Run("$env:GH_TOKEN = $null; $env:GITHUB_TOKEN = $null; Get-ClaudeSession -Id 3f2a | Publish-SessionComment -Pr 652 -Repository acme/widget -ApiUrl http://127.0.0.1:9/ -WhatIf");
        Assert.True(exit == 0, error);
        Assert.Contains("What if: Performing the operation \"Publish the comment of session 3f2a9c41", output);
    }
}
