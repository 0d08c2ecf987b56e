using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;
using Figures = SessionAnalytics.Core.Transcripts.ClaudeCodeFigures;

namespace SessionAnalytics.Tests.ClaudeCodeFigures;

/// <summary>Reading what the status line recorder saved: realistic files, older shapes, broken and hostile ones.</summary>
public sealed class StatusLineFiguresTests : IDisposable
{
    private const string SessionId = "00b11888-7e0c-4fb4-bb39-32ea32e09b64";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sa-statusline-read-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly CollectingDiagnostics _diagnostics = new();

    public StatusLineFiguresTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows())
                foreach (var f in Directory.EnumerateFiles(_dir))
                    if (new FileInfo(f).LinkTarget is null) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private string Write(string text, string? sessionId = SessionId)
    {
        var path = Path.Combine(_dir, (sessionId ?? SessionId) + ".json");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void A_realistic_file_gives_every_figure_the_status_line_holds()
    {
        var path = Write(StatusLineRecorder.Payload().ToJsonString());
        var written = new DateTimeOffset(2026, 2, 10, 21, 30, 5, TimeSpan.Zero);
        File.SetLastWriteTimeUtc(path, written.UtcDateTime);

        var figures = StatusLineFigures.Read(SessionId, [_dir], _diagnostics);

        Assert.Equivalent(new Figures
        {
            Source = ClaudeCodeFigureSources.StatusLine,
            SessionId = SessionId,
            CostUsd = 2.4817356m,
            InputTokens = 1_862_405,
            OutputTokens = 48_713,
            ApiDurationMs = 412_877,
            WallDurationMs = 1_843_210,
            LinesAdded = 312,
            LinesRemoved = 57,
            Model = "claude-sonnet-4-5-20250929",
            ClaudeCodeVersion = "2.1.38",
            TranscriptPath = $"/home/dev/.claude/projects/-home-dev-widget/{SessionId}.jsonl",
            RecordedAt = written,
            Location = path,
        }, figures, strict: true);
        Assert.Empty(_diagnostics.Errors);
        Assert.Empty(_diagnostics.Warnings);
    }

    [Fact]
    public void An_older_status_line_without_token_totals_says_they_are_missing()
    {
        // Claude Code before context_window: session, model, workspace, version, cost only.
        var payload = StatusLineRecorder.Payload();
        payload.Remove("context_window");
        ((JsonObject)payload["cost"]!).Remove("total_api_duration_ms");
        Write(payload.ToJsonString());

        var figures = StatusLineFigures.Read(SessionId, [_dir], _diagnostics)!;

        Assert.Equal(2.4817356m, figures.CostUsd);
        Assert.Null(figures.InputTokens);
        Assert.Null(figures.OutputTokens);
        Assert.Equal(["input_tokens", "output_tokens", "api_duration_ms"], figures.Missing);
        Assert.Empty(_diagnostics.Errors);
    }

    public static TheoryData<string, string> BrokenFiles => new()
    {
        { "half-written", "{\"session_id\":\"" + SessionId + "\",\"cost\":{\"total_cost_usd\":0.5" },
        { "empty", "" },
        { "an array", "[1,2,3]" },
        { "a string", "\"hello\"" },
        { "garbage", "\u0000\u0001binary" },
        { "two objects", "{\"session_id\":\"" + SessionId + "\"}{\"session_id\":\"" + SessionId + "\"}" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_file_is_reported_with_its_error_id_and_path_and_gives_no_figures(string name, string text)
    {
        var path = Write(text);

        var figures = StatusLineFigures.Read(SessionId, [_dir], _diagnostics);

        Assert.Null(figures);
        var error = Assert.Single(_diagnostics.Errors);
        Assert.Equal(ClaudeCodeFiguresErrors.StatusLineFileMalformed, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal(path, error.Target);
        Assert.Contains(path, error.Message);
        Assert.False(string.IsNullOrEmpty(error.RecommendedAction), name);
    }

    [Fact]
    public void A_field_of_an_unexpected_type_is_a_warning_naming_file_and_field_and_a_missing_figure()
    {
        var payload = StatusLineRecorder.Payload();
        payload["cost"]!["total_cost_usd"] = "lots";
        payload["context_window"]!["total_output_tokens"] = 12.5;
        payload["context_window"]!["total_input_tokens"] = "1862405"; // a numeric string is taken
        var path = Write(payload.ToJsonString());

        var figures = StatusLineFigures.Read(SessionId, [_dir], _diagnostics)!;

        Assert.Null(figures.CostUsd);
        Assert.Null(figures.OutputTokens);
        Assert.Equal(1_862_405, figures.InputTokens);
        Assert.Equal(["cost_usd", "output_tokens"], figures.Missing);
        Assert.Empty(_diagnostics.Errors);
        Assert.Collection(_diagnostics.Warnings,
            w => Assert.Equal($"{path}: cost.total_cost_usd is the string \"lots\", not a number; it is ignored.", w),
            w => Assert.Equal($"{path}: context_window.total_output_tokens is the number 12.5, not a whole number; it is ignored.", w));
    }

    [Fact]
    public void A_file_naming_another_session_is_reported_and_ignored()
    {
        var path = Write(StatusLineRecorder.Payload(sessionId: "11111111-2222-3333-4444-555555555555").ToJsonString());

        Assert.Null(StatusLineFigures.Read(SessionId, [_dir], _diagnostics));
        var error = Assert.Single(_diagnostics.Errors);
        Assert.Equal(ClaudeCodeFiguresErrors.StatusLineFileSessionMismatch, error.ErrorId);
        Assert.Equal(path, error.Target);
    }

    [Fact]
    public void A_file_larger_than_any_status_line_is_reported_and_not_read()
    {
        var payload = StatusLineRecorder.Payload();
        payload["padding"] = new string('x', StatusLineFigures.MaxFileBytes);
        var path = Write(payload.ToJsonString());

        Assert.Null(StatusLineFigures.Read(SessionId, [_dir], _diagnostics));
        var error = Assert.Single(_diagnostics.Errors);
        Assert.Equal(ClaudeCodeFiguresErrors.StatusLineFileTooLarge, error.ErrorId);
        Assert.Equal(path, error.Target);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("")]
    public void An_id_that_is_not_a_safe_file_name_has_no_figures_and_opens_no_file(string id)
    {
        // A file the id would reach if it were used as a path.
        File.WriteAllText(Path.Combine(_dir, "..", Path.GetFileName(_dir) + ".json"), StatusLineRecorder.Payload().ToJsonString());
        try
        {
            Assert.False(StatusLineFigures.IsSafeSessionId(id));
            Assert.Null(StatusLineFigures.Read(id, [Path.Combine(_dir, "x")], _diagnostics));
            Assert.Empty(_diagnostics.Errors);
            Assert.Contains(_diagnostics.VerboseMessages, m => m.Contains("safe file names"));
        }
        finally { File.Delete(Path.Combine(_dir, "..", Path.GetFileName(_dir) + ".json")); }
    }

    [Fact]
    public void No_file_is_no_figures_and_a_verbose_note_of_where_it_looked()
    {
        Assert.Null(StatusLineFigures.Read(SessionId, [_dir, Path.Combine(_dir, "other")], _diagnostics));
        Assert.Empty(_diagnostics.Errors);
        Assert.Contains(_diagnostics.VerboseMessages, m => m.Contains(_dir) && m.Contains(Path.Combine(_dir, "other")));
    }

    [Fact]
    public void Of_several_recorded_files_the_most_recently_written_is_used()
    {
        var older = Path.Combine(_dir, "override");
        var newer = Path.Combine(_dir, "config", "sessionanalytics", "statusline");
        Directory.CreateDirectory(older);
        Directory.CreateDirectory(newer);
        File.WriteAllText(Path.Combine(older, SessionId + ".json"), StatusLineRecorder.Payload(cost: 1m).ToJsonString());
        File.WriteAllText(Path.Combine(newer, SessionId + ".json"), StatusLineRecorder.Payload(cost: 2m).ToJsonString());
        File.SetLastWriteTimeUtc(Path.Combine(older, SessionId + ".json"), DateTime.UtcNow.AddMinutes(-5));

        var dirs = StatusLineFigures.Directories(older, [Path.Combine(_dir, "config")]);
        Assert.Equal([older, newer], dirs);
        Assert.Equal(2m, StatusLineFigures.Read(SessionId, dirs, _diagnostics)!.CostUsd);
    }

    [Fact]
    public void Directories_put_the_override_first_and_drop_blanks_and_repeats()
    {
        var config = Path.Combine(_dir, ".claude");
        Assert.Equal([Path.Combine(config, "sessionanalytics", "statusline")], StatusLineFigures.Directories(null, [config, "", config]));
        Assert.Equal(["/data", Path.Combine(config, "sessionanalytics", "statusline")], StatusLineFigures.Directories("/data", [config]));
        Assert.Equal(["/data"], StatusLineFigures.Directories("/data", []));
    }

    [UnreadableFileFact]
    public void A_file_that_may_not_be_read_is_reported_as_access_denied()
    {
        string path;
        if (StatusLineRecorder.RunningAsRoot)
        {
            // Root reads a file whatever its mode, but not a write-only kernel attribute: the kernel answers EACCES
            // to root too. The status-line file is a link to one, so the reader meets the same denial.
            path = Path.Combine(_dir, SessionId + ".json");
            File.CreateSymbolicLink(path, UnreadableFileFactAttribute.WriteOnlyKernelAttribute!);
        }
        else
        {
            path = Write(StatusLineRecorder.Payload().ToJsonString());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.None); // the attribute skips Windows
        }

        Assert.Null(StatusLineFigures.Read(SessionId, [_dir], _diagnostics));
        var error = Assert.Single(_diagnostics.Errors);
        Assert.Equal(ClaudeCodeFiguresErrors.StatusLineFileAccessDenied, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Equal(path, error.Target);
    }

    [Fact]
    public void What_the_recorder_writes_the_reader_reads()
    {
        using var recorder = new StatusLineRecorder();
        var dataDir = Path.Combine(recorder.Root, "data");
        var result = recorder.Run(StatusLineRecorder.Payload(cost: 0.0859m, input: 5, output: 626).ToJsonString(),
            new Dictionary<string, string?> { ["SESSIONANALYTICS_STATUSLINE_DIR"] = dataDir });
        Assert.Equal(0, result.ExitCode);

        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var figures = StatusLineFigures.Read(SessionId, StatusLineFigures.Directories(dataDir, []), _diagnostics)!;

        Assert.Equal((0.0859m, 5L, 626L), (figures.CostUsd!.Value, figures.InputTokens!.Value, figures.OutputTokens!.Value));
        Assert.InRange(figures.RecordedAt!.Value, before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Empty(figures.Missing);
        Assert.Empty(_diagnostics.Errors);
    }

    [Fact]
    public void Figures_serialise_in_snake_case_and_read_back_unchanged()
    {
        Write(StatusLineRecorder.Payload().ToJsonString());
        var figures = StatusLineFigures.Read(SessionId, [_dir], _diagnostics)! with { Notes = ["a note"] };

        var json = JsonSerializer.Serialize(figures, ClaudeCodeFiguresJsonContext.Default.ClaudeCodeFigures);
        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["source", "session_id", "cost_usd", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
            "tokens_rounded", "api_duration_ms", "wall_duration_ms", "lines_added", "lines_removed", "model", "claude_code_version",
            "transcript_path", "recorded_at", "location", "models", "missing", "notes"], names);
        Assert.Equal("statusline", doc.RootElement.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("cache_read_tokens").ValueKind);

        var back = JsonSerializer.Deserialize(json, ClaudeCodeFiguresJsonContext.Default.ClaudeCodeFigures);
        Assert.Equivalent(figures, back, strict: true);
    }
}

/// <summary>
/// A test that needs a file this process may not read: a file of mode 0 for a user, a write-only kernel attribute
/// under /sys for root (Linux). Skipped on Windows and for root where no such attribute exists.
/// </summary>
public sealed class UnreadableFileFactAttribute : FactAttribute
{
    public static string? WriteOnlyKernelAttribute { get; } = FindWriteOnlyKernelAttribute();

    public UnreadableFileFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file modes only";
        else if (StatusLineRecorder.RunningAsRoot && WriteOnlyKernelAttribute is null)
            Skip = "root reads any file, and no write-only attribute under /sys/bus to deny it";
    }

    // Every bus directory of sysfs has a write-only 'uevent' (mode 0200).
    private static string? FindWriteOnlyKernelAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/sys/bus")) return null;
        try
        {
            foreach (var bus in Directory.EnumerateDirectories("/sys/bus"))
            {
                var attribute = Path.Combine(bus, "uevent");
                if (File.Exists(attribute) && !OperatingSystem.IsWindows() && File.GetUnixFileMode(attribute) == UnixFileMode.UserWrite)
                    return attribute;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
