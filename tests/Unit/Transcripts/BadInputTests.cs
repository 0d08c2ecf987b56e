using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Transcripts;

/// <summary>Nothing is lost: every valid line still counts, and each bad one is reported with its file and line.</summary>
public sealed class BadInputTests : IDisposable
{
    private const string Opus = "claude-opus-4-6";
    private readonly TempClaudeHome _home = new();
    private readonly CollectingDiagnostics _diagnostics = new();

    public void Dispose() => _home.Dispose();

    private SessionStats Measure(string path) =>
        new SessionStatsCalculator(PricingTable.Default, _diagnostics).Calculate(new SessionDiscovery(_diagnostics).DescribeFile(path)!);

    private string WriteWith(Action<TranscriptBuilder> corrupt)
    {
        var b = new TranscriptBuilder("bad00000-0000-0000-0000-000000000001").User("go").Assistant(Opus, new Usage(1, 100));
        corrupt(b);
        b.Assistant(Opus, new Usage(1, 200));
        return _home.Write(b);
    }

    [Fact]
    public void A_malformed_line_is_reported_with_file_and_line_and_the_rest_counts()
    {
        var path = WriteWith(b => b.Raw("{\"type\":\"assistant\",\"message\":"));
        var s = Measure(path);
        Assert.Equal(300, s.OutputTokens);
        var e = Assert.Single(_diagnostics.Errors);
        Assert.Equal(("TranscriptLineMalformed", ErrorKind.InvalidData), (e.ErrorId, e.Kind));
        Assert.Contains($"{path}:3", e.Message);
    }

    [Fact]
    public void A_truncated_last_line_is_reported_and_earlier_lines_count()
    {
        var b = new TranscriptBuilder("trunc000-0000-0000-0000-000000000001").User("go").Assistant(Opus, new Usage(1, 100));
        var path = _home.Write(b);
        File.AppendAllText(path, b.Lines[^1][..40]); // a write cut off mid-line, no newline
        var s = Measure(path);
        Assert.Equal(100, s.OutputTokens);
        Assert.Contains(_diagnostics.Errors, e => e.Message.Contains($"{path}:3"));
    }

    [Fact]
    public void Non_utf8_bytes_and_binary_garbage_are_reported_not_fatal()
    {
        var path = WriteWith(_ => { });
        File.AppendAllBytes(path, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D, 0x0A]); // {"\xFF\xFE":1} is not UTF-8
        File.AppendAllBytes(path, [0x00, 0x01, 0x02, 0xFF, 0x0A]);
        var s = Measure(path);
        Assert.Equal(300, s.OutputTokens);
        Assert.Equal(["TranscriptLineNotUtf8", "TranscriptLineNotUtf8"], _diagnostics.Errors.Select(e => e.ErrorId));
        Assert.Contains($"{path}:4", _diagnostics.Errors[0].Message);
    }

    [Fact]
    public void A_huge_line_is_read_and_the_session_still_counts()
    {
        var big = new string('x', 100 * 1024 * 1024);
        var path = WriteWith(b => b.ToolResult("toolu_big", big));
        var s = Measure(path);
        Assert.Equal(300, s.OutputTokens);
        Assert.Empty(_diagnostics.Errors);
    }

    [Fact]
    public void A_line_over_the_limit_is_skipped_with_a_warning()
    {
        var path = WriteWith(b => b.ToolResult("toolu_big", new string('y', 3 * 1024 * 1024)));
        var lines = new List<long>();
        TranscriptLines.Read(path, (n, _) => lines.Add(n), _diagnostics, maxLineBytes: 2 * 1024 * 1024);
        Assert.Equal([1L, 2L, 4L], lines);
        Assert.Contains(_diagnostics.Warnings, w => w.Contains($"{path}:3") && w.Contains("skipped"));
    }

    [Fact]
    public void An_empty_file_is_a_session_without_usage()
    {
        var dir = _home.ProjectDirectory("/home/dev/empty");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "empty000-0000-0000-0000-000000000001.jsonl");
        File.WriteAllText(path, "");
        var s = Measure(path);
        Assert.Equal(0, s.TotalTokens);
        Assert.Null(s.StartedAt);
        Assert.Empty(_diagnostics.Errors);
    }

    [Fact]
    public void A_file_that_vanishes_before_it_is_read_gives_a_read_error()
    {
        var path = WriteWith(_ => { });
        var session = new SessionDiscovery(_diagnostics).DescribeFile(path)!;
        File.Delete(path);
        var s = new SessionStatsCalculator(PricingTable.Default, _diagnostics).Calculate(session);
        Assert.Equal(0, s.TotalTokens);
        var e = Assert.Single(_diagnostics.Errors);
        Assert.Equal(("TranscriptUnreadable", ErrorKind.ReadError), (e.ErrorId, e.Kind));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_directory_without_permission_is_reported_and_the_others_are_searched()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root") return; // root reads everything; nothing to prove there
        WriteWith(_ => { });
        var locked = _home.ProjectDirectory("/home/dev/locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            var found = new SessionDiscovery(_diagnostics).Find(new SessionQuery { Roots = [_home.ConfigDirectory] }, false);
            Assert.Single(found);
            Assert.Contains(_diagnostics.Errors, e => e.ErrorId == "SessionDirectoryAccessDenied" && e.Kind == ErrorKind.PermissionDenied);
        }
        finally { File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
    }

    [Fact]
    public void A_missing_root_is_an_ObjectNotFound_error()
    {
        var missing = Path.Combine(_home.Root, "nope");
        var found = new SessionDiscovery(_diagnostics).Find(new SessionQuery { Roots = [missing] }, false);
        Assert.Empty(found);
        var e = Assert.Single(_diagnostics.Errors);
        Assert.Equal(("SessionRootNotFound", ErrorKind.ObjectNotFound), (e.ErrorId, e.Kind));
    }
}
