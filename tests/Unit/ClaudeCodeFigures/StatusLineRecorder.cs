using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ClaudeCodeFigures;

/// <summary>
/// Runs integrations/claude-code/statusline/statusline-record.sh the way Claude Code does: a real shell process, the
/// status line JSON written to a pipe on stdin and stdin closed, stdout and stderr collected as bytes. The environment
/// is cleared of the recorder's variables and HOME points into the test's own directory, so no run touches ~/.claude.
/// </summary>
public sealed class StatusLineRecorder : IDisposable
{
    public static string ScriptPath => Path.Combine(ModuleHost.RepoRoot, "integrations", "claude-code", "statusline", "statusline-record.sh");

    /// <param name="shell">The interpreter and its options: Debian's sh is dash; macOS's sh and Git Bash's are bash in
    /// POSIX mode (<c>bash --posix</c>).</param>
    public StatusLineRecorder(params string[] shell)
    {
        Shell = shell.Length > 0 ? shell : ["sh"];
        Root = Path.Combine(Path.GetTempPath(), "sa-statusline-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Home);
    }

    /// <summary>True when file permissions do not bind this process (root on Unix).</summary>
    public static bool RunningAsRoot { get; } = !OperatingSystem.IsWindows() && EffectiveUserId() == "0";

    private static string EffectiveUserId()
    {
        using var id = Process.Start(new ProcessStartInfo("id", "-u") { RedirectStandardOutput = true })!;
        var uid = id.StandardOutput.ReadToEnd().Trim();
        id.WaitForExit();
        return uid;
    }

    public IReadOnlyList<string> Shell { get; }

    /// <summary>Everything a test writes lives under here.</summary>
    public string Root { get; }
    public string Home { get; }

    public sealed record Result(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string Output => Encoding.UTF8.GetString(Stdout);
    }

    /// <summary>Starts one recorder process; the caller writes stdin (<see cref="Finish"/>).</summary>
    public Process Start(IReadOnlyDictionary<string, string?> environment, params string[] chained)
    {
        var start = new ProcessStartInfo(Shell[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Root,
        };
        foreach (var option in Shell.Skip(1)) start.ArgumentList.Add(option);
        start.ArgumentList.Add(ScriptPath);
        foreach (var a in chained) start.ArgumentList.Add(a);
        foreach (var name in new[] { "SESSIONANALYTICS_STATUSLINE_DIR", "SESSIONANALYTICS_STATUSLINE_DEBUG", "CLAUDE_CONFIG_DIR" })
            start.Environment.Remove(name);
        start.Environment["HOME"] = Home;
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return Process.Start(start) ?? throw new InvalidOperationException("the shell did not start");
    }

    public static Result Finish(Process process, byte[] input)
    {
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }
        catch (IOException) { } // the process may have finished without reading all of it
        Assert.True(process.WaitForExit(30_000), "the recorder did not finish within 30 s");
        copy.Wait();
        return new Result(process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    public Result Run(byte[] input, IReadOnlyDictionary<string, string?> environment, params string[] chained)
    {
        using var process = Start(environment, chained);
        return Finish(process, input);
    }

    public Result Run(string input, IReadOnlyDictionary<string, string?> environment, params string[] chained) =>
        Run(Encoding.UTF8.GetBytes(input), environment, chained);

    /// <summary>Every file under <see cref="Root"/> except the given directories' (relative paths, '/'-separated).</summary>
    public IReadOnlyList<string> FilesOutside(params string[] excludedDirectories) =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !excludedDirectories.Any(d => f.StartsWith(d.TrimEnd('/') + "/", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A status line object as Claude Code 2.1 passes it (values of a realistic session).</summary>
    public static JsonObject Payload(string sessionId = "00b11888-7e0c-4fb4-bb39-32ea32e09b64", decimal cost = 2.4817356m,
        long input = 1_862_405, long output = 48_713) => new()
    {
        ["hook_event_name"] = "Status",
        ["session_id"] = sessionId,
        ["transcript_path"] = $"/home/dev/.claude/projects/-home-dev-widget/{sessionId}.jsonl",
        ["cwd"] = "/home/dev/widget",
        ["model"] = new JsonObject { ["id"] = "claude-sonnet-4-5-20250929", ["display_name"] = "Sonnet 4.5" },
        ["workspace"] = new JsonObject { ["current_dir"] = "/home/dev/widget", ["project_dir"] = "/home/dev/widget" },
        ["version"] = "2.1.38",
        ["output_style"] = new JsonObject { ["name"] = "default" },
        ["cost"] = new JsonObject
        {
            ["total_cost_usd"] = cost,
            ["total_duration_ms"] = 1_843_210,
            ["total_api_duration_ms"] = 412_877,
            ["total_lines_added"] = 312,
            ["total_lines_removed"] = 57,
        },
        ["context_window"] = new JsonObject
        {
            ["total_input_tokens"] = input,
            ["total_output_tokens"] = output,
            ["context_window_size"] = 200_000,
            ["used_percentage"] = 61,
            ["remaining_percentage"] = 39,
            ["current_usage"] = new JsonObject
            {
                ["input_tokens"] = 4, ["output_tokens"] = 812, ["cache_creation_input_tokens"] = 2215, ["cache_read_input_tokens"] = 119_604,
            },
        },
        ["exceeds_200k_tokens"] = false,
    };

    public void Dispose()
    {
        try
        {
            // Tests make directories read-only; give them back before deleting.
            foreach (var dir in Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories))
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
