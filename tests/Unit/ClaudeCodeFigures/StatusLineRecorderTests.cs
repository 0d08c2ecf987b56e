using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Tests.ClaudeCodeFigures;

/// <summary>The recorder under Debian's sh (dash), the interpreter the shipped settings name on Linux.</summary>
public sealed class StatusLineRecorderUnderDashTests() : StatusLineRecorderTests("sh");

/// <summary>The recorder under bash in POSIX mode: sh on macOS and in Git Bash (Claude Code on Windows), and on Fedora.</summary>
public sealed class StatusLineRecorderUnderBashTests() : StatusLineRecorderTests("bash", "--posix");

/// <summary>
/// The status line recorder run for real (a shell process, stdin through a pipe, separate processes): what it records,
/// where, with which permissions, what it passes to the chained command, and that nothing breaks the status line.
/// </summary>
public abstract class StatusLineRecorderTests(params string[] shell) : IDisposable
{
    private const string SessionId = "00b11888-7e0c-4fb4-bb39-32ea32e09b64";
    private readonly StatusLineRecorder _recorder = new(shell);

    public void Dispose()
    {
        _recorder.Dispose();
        GC.SuppressFinalize(this);
    }

    private string DataDir => Path.Combine(_recorder.Root, "data");
    private Dictionary<string, string?> WithDataDir() => new() { ["SESSIONANALYTICS_STATUSLINE_DIR"] = DataDir };

    private const string ChainedOutput = "Sonnet 4.5 | $2.48\nsecond line";

    /// <summary>
    /// Runs the recorder in front of a status line command that copies its stdin to a file, prints two lines (no final
    /// newline) and exits 7, and asserts that command ran as it would alone: the same stdin (<paramref name="reaches"/>,
    /// by default the input), its output, its exit status, nothing of the recorder's on stderr.
    /// </summary>
    /// <returns>What the recorder's debug log says ("" when it says nothing).</returns>
    private string RunChained(byte[] input, string dataDir, byte[]? reaches = null)
    {
        var copy = Path.Combine(_recorder.Root, "stdin-copy");
        var log = Path.Combine(_recorder.Root, "debug.log");
        var env = new Dictionary<string, string?> { ["SESSIONANALYTICS_STATUSLINE_DIR"] = dataDir, ["SESSIONANALYTICS_STATUSLINE_DEBUG"] = log };

        var result = _recorder.Run(input, env, "bash", "-c", "cat > \"$1\"; printf 'Sonnet 4.5 | $2.48\\nsecond line'; exit 7", "chained", copy);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal(ChainedOutput, result.Output);
        Assert.Equal("", result.Stderr);
        Assert.Equal(reaches ?? input, File.ReadAllBytes(copy));
        File.Delete(copy);
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    private string RunChained(string input, string dataDir) => RunChained(Encoding.UTF8.GetBytes(input), dataDir);

    [Fact]
    public void It_records_the_latest_object_byte_for_byte_under_the_data_dir_and_prints_nothing_alone()
    {
        var payload = StatusLineRecorder.Payload().ToJsonString();
        var result = _recorder.Run(payload, WithDataDir());

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal("", result.Stderr);
        var file = Path.Combine(DataDir, SessionId + ".json");
        Assert.Equal(payload, File.ReadAllText(file));
        Assert.Equal([SessionId + ".json"], Directory.GetFiles(DataDir).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(DataDir));
        }
    }

    [Fact]
    public void The_latest_call_wins()
    {
        _recorder.Run(StatusLineRecorder.Payload(cost: 0.5m).ToJsonString(), WithDataDir());
        var later = StatusLineRecorder.Payload(cost: 0.75m, output: 50_000).ToJsonString();
        _recorder.Run(later, WithDataDir());

        Assert.Equal(later, File.ReadAllText(Path.Combine(DataDir, SessionId + ".json")));
        Assert.Single(Directory.GetFiles(DataDir));
    }

    [Fact]
    public void Without_an_override_it_records_under_CLAUDE_CONFIG_DIR_else_under_HOME()
    {
        var config = Path.Combine(_recorder.Root, "config");
        var payload = StatusLineRecorder.Payload().ToJsonString();
        _recorder.Run(payload, new Dictionary<string, string?> { ["CLAUDE_CONFIG_DIR"] = config });
        Assert.Equal(payload, File.ReadAllText(Path.Combine(config, "sessionanalytics", "statusline", SessionId + ".json")));

        _recorder.Run(payload, new Dictionary<string, string?>());
        Assert.Equal(payload, File.ReadAllText(Path.Combine(_recorder.Home, ".claude", "sessionanalytics", "statusline", SessionId + ".json")));

        // The reader looks exactly where the recorder writes.
        var dirs = StatusLineFigures.Directories(null, [config]);
        Assert.NotNull(StatusLineFigures.Read(SessionId, dirs, new CollectingDiagnostics()));
    }

    [Theory]
    [InlineData("")]                       // as Claude Code sends it
    [InlineData("\n")]                     // with a final newline
    public void The_chained_command_gets_the_same_stdin_and_its_output_and_exit_status_are_the_recorders(string tail)
    {
        var input = Encoding.UTF8.GetBytes(StatusLineRecorder.Payload().ToJsonString() + tail);

        Assert.Equal("", RunChained(input, DataDir));
        Assert.Equal(input, File.ReadAllBytes(Path.Combine(DataDir, SessionId + ".json")));
    }

    [Theory]
    [InlineData("{\"session_id\":\"" + SessionId + "\"}")] // recorded
    [InlineData("{not json")]                                   // not recorded
    public void The_chained_command_keeps_the_callers_umask_and_environment(string input)
    {
        var env = new Dictionary<string, string?>(WithDataDir()) { ["LC_ALL"] = "C.UTF-8", ["MY_STATUS_THEME"] = "dark" };
        const string show = "printf '%s %s %s' \"$(umask)\" \"$LC_ALL\" \"$MY_STATUS_THEME\"";
        using var alone = Process.Start(new ProcessStartInfo("sh", ["-c", "umask"]) { RedirectStandardOutput = true })!;
        var callersUmask = alone.StandardOutput.ReadToEnd().Trim();
        alone.WaitForExit();

        Assert.Equal($"{callersUmask} C.UTF-8 dark", _recorder.Run(input, env, "sh", "-c", show).Output);
        Assert.NotEqual("0077", callersUmask); // else this proves nothing
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "truncated", "{\"session_id\":\"" + SessionId + "\",\"cost\":{\"total_cost_usd\":0.5", "not a JSON object" },
        { "array", "[{\"session_id\":\"" + SessionId + "\"}]", "not a JSON object" },
        { "empty", "", "not a JSON object" },
        { "text", "hello status line", "not a JSON object" },
        { "no session_id", "{\"cost\":{\"total_cost_usd\":0.5}}", "no session_id" },
        { "session_id a number", "{\"session_id\":42}", "session_id is not a string" },
        { "session_id null", "{\"session_id\":null}", "session_id is not a string" },
        { "over 64 KB", "{\"session_id\":\"" + SessionId + "\",\"x\":\"" + new string('x', 65_536) + "\"}", "larger than 64 KB" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_records_nothing_prints_nothing_of_its_own_and_still_chains(string name, string input, string reason)
    {
        var log = RunChained(input, DataDir);

        Assert.False(Directory.Exists(DataDir) && Directory.EnumerateFileSystemEntries(DataDir).Any(), name + ": nothing may be recorded");
        Assert.Contains(reason, log);
    }

    [Fact]
    public void Bad_input_without_a_chained_command_exits_0_silently_and_the_debug_log_stays_off_by_default()
    {
        var result = _recorder.Run("{not json", WithDataDir());
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.Equal([], _recorder.FilesOutside("home"));
    }

    [Fact]
    public void Whitespace_around_a_pretty_printed_object_is_accepted()
    {
        var payload = "  \n" + StatusLineRecorder.Payload().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n\n";
        _recorder.Run(payload, WithDataDir());
        Assert.Equal(payload, File.ReadAllText(Path.Combine(DataDir, SessionId + ".json")));
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("../escaped")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("a\\\\b")]                 // JSON for a\b
    [InlineData("quote\\\"inside")]        // JSON for quote"inside
    [InlineData("x\\u002f..")]             // JSON escape for x/..
    [InlineData("")]
    [InlineData("ünïcode")]
    public void A_hostile_session_id_writes_nowhere(string idAsJson)
    {
        var log = RunChained("{\"session_id\":\"" + idAsJson + "\",\"cost\":{\"total_cost_usd\":1}}", Path.Combine(_recorder.Root, "a", "b", "data"));

        Assert.Equal(["debug.log"], _recorder.FilesOutside("home"));
        Assert.Contains("not a safe file name", log);
    }

    [Fact]
    public void A_session_id_of_128_safe_characters_is_recorded_and_129_are_refused()
    {
        var longest = new string('a', 127) + "-";
        _recorder.Run(StatusLineRecorder.Payload(sessionId: longest).ToJsonString(), WithDataDir());
        _recorder.Run(StatusLineRecorder.Payload(sessionId: longest + "b").ToJsonString(), WithDataDir());
        Assert.Equal([longest + ".json"], Directory.GetFiles(DataDir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_data_dir_that_cannot_be_created_records_nothing_and_still_chains()
    {
        var file = Path.Combine(_recorder.Root, "a-file");
        File.WriteAllText(file, "not a directory");

        var log = RunChained(StatusLineRecorder.Payload().ToJsonString(), Path.Combine(file, "statusline"));

        Assert.Contains("cannot create", log);
        Assert.Equal(["a-file", "debug.log"], _recorder.FilesOutside("home"));
    }

    [Fact]
    public void A_data_dir_that_cannot_be_written_records_nothing_and_still_chains()
    {
        // Write permission does not bind root: as root, a directory of sysfs stands in for an unwritable one.
        string dataDir;
        if (StatusLineRecorder.RunningAsRoot)
        {
            dataDir = "/sys/kernel";
            Assert.True(Directory.Exists(dataDir), "this test needs /sys/kernel when run as root");
        }
        else if (!OperatingSystem.IsWindows())
        {
            dataDir = Path.Combine(_recorder.Root, "read-only");
            Directory.CreateDirectory(dataDir);
            File.SetUnixFileMode(dataDir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        else throw new PlatformNotSupportedException("the recorder runs in a POSIX shell; this test needs Unix permissions");
        var before = Directory.GetFileSystemEntries(dataDir).Length;

        var log = RunChained(StatusLineRecorder.Payload().ToJsonString(), dataDir);

        Assert.Contains("cannot write", log);
        Assert.Equal(before, Directory.GetFileSystemEntries(dataDir).Length);
    }

    [Fact]
    public void A_chained_command_that_does_not_exist_fails_as_it_would_alone_and_the_figures_are_still_recorded()
    {
        var result = _recorder.Run(StatusLineRecorder.Payload().ToJsonString(), WithDataDir(), Path.Combine(_recorder.Root, "no-such-command"));
        Assert.Equal(127, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.True(File.Exists(Path.Combine(DataDir, SessionId + ".json")));
    }

    [Fact]
    public async Task Concurrent_calls_for_one_session_never_show_a_reader_part_of_an_object_and_leave_no_temp_files()
    {
        const int processes = 16;
        var file = Path.Combine(DataDir, SessionId + ".json");
        for (var round = 0; round < 3; round++)
        {
            // Large enough that a torn write would show (yet under the recorder's 64 KB limit), of different lengths:
            // each payload carries its own letter, 40-48 KB of it.
            var payloads = Enumerable.Range(0, processes).Select(i =>
            {
                var p = StatusLineRecorder.Payload(cost: i, output: 1000 + i);
                p["padding"] = new string((char)('a' + i), 40 * 1024 + i * 512);
                return Encoding.UTF8.GetBytes(p.ToJsonString());
            }).ToArray();

            // A reader polls the file while the recorders run: every read must be one whole payload.
            using var stop = new CancellationTokenSource();
            var torn = new List<string>();
            var reads = 0;
            var reader = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    byte[] seen;
                    try { seen = File.ReadAllBytes(file); }
                    catch (IOException) { continue; } // not there yet
                    reads++;
                    if (!payloads.Any(p => p.AsSpan().SequenceEqual(seen))) torn.Add($"{seen.Length} bytes");
                }
            });
            var started = payloads.Select(_ => _recorder.Start(WithDataDir())).ToArray();
            var results = started.Select((p, i) => Task.Run(() => StatusLineRecorder.Finish(p, payloads[i]))).ToArray();
            await Task.WhenAll(results);
            await stop.CancelAsync();
            await reader;
            foreach (var p in started) p.Dispose();

            Assert.All(results, r => Assert.Equal(0, r.Result.ExitCode));
            Assert.True(reads > 0, "the reader never read the file");
            Assert.Empty(torn);
            Assert.Equal([SessionId + ".json"], Directory.GetFiles(DataDir).Select(Path.GetFileName)); // no temp files
            var recorded = File.ReadAllBytes(file);
            Assert.Contains(payloads, p => p.AsSpan().SequenceEqual(recorded));
            var figures = StatusLineFigures.ReadFile(file, new CollectingDiagnostics(), SessionId);
            Assert.NotNull(figures);
            Assert.Equal(figures.OutputTokens - 1000, (long?)figures.CostUsd);
        }
    }

    [Fact]
    public void The_shipped_settings_entry_installed_as_the_readme_says_records_and_shows_the_users_status_line()
    {
        // Installed as README.md says: the script under ~/.claude/sessionanalytics, the user's own status line beside.
        var claude = Path.Combine(_recorder.Home, ".claude");
        Directory.CreateDirectory(Path.Combine(claude, "sessionanalytics"));
        File.Copy(StatusLineRecorder.ScriptPath, Path.Combine(claude, "sessionanalytics", "statusline-record.sh"));
        File.WriteAllText(Path.Combine(claude, "statusline.sh"), "input=$(cat)\nprintf '[%s] ok' \"${input:0:1}\"\n");
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(StatusLineRecorder.ScriptPath)!, "settings.statusline.json")));
        var statusLine = settings.RootElement.GetProperty("statusLine");
        Assert.Equal("command", statusLine.GetProperty("type").GetString());
        var command = statusLine.GetProperty("command").GetString()!;

        // Claude Code runs the command through a shell: sh -c "<command>".
        var payload = StatusLineRecorder.Payload().ToJsonString();
        var start = new ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment.Remove("SESSIONANALYTICS_STATUSLINE_DIR");
        start.Environment.Remove("CLAUDE_CONFIG_DIR");
        start.Environment["HOME"] = _recorder.Home;
        using var shell = Process.Start(start)!;
        var result = StatusLineRecorder.Finish(shell, Encoding.UTF8.GetBytes(payload));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("[{] ok", result.Output);
        Assert.Equal("", result.Stderr);
        Assert.Equal(payload, File.ReadAllText(Path.Combine(claude, "sessionanalytics", "statusline", SessionId + ".json")));
    }

    [Fact]
    public void The_script_is_posix_sh_with_lf_line_endings()
    {
        var text = File.ReadAllText(StatusLineRecorder.ScriptPath);
        Assert.StartsWith("#!/bin/sh\n", text);
        Assert.DoesNotContain("\r", text);
    }

    [Fact]
    public void Input_with_a_NUL_byte_loses_it_and_still_reaches_the_chained_command()
    {
        // Shells cannot hold NUL in a variable; JSON never contains one. What is left is handled like any input.
        RunChained(Encoding.UTF8.GetBytes("{\"session_id\":\"" + SessionId + "\"}\0trailing"), DataDir,
            reaches: Encoding.UTF8.GetBytes("{\"session_id\":\"" + SessionId + "\"}trailing"));
        Assert.False(Directory.Exists(DataDir));
    }
}
