using System.Diagnostics;
using System.Net.Sockets;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Transcripts;

/// <summary>
/// Discovery on a hostile or unlucky file system (issue #8): symbolic link loops, a symlinked project directory, FIFOs,
/// devices and sockets named *.jsonl, and JSON spaced another way. Each case ends, lists every transcript once, and
/// names what it skipped. The Unix-only cases (links, FIFOs, sockets) are skipped on Windows.
/// </summary>
public sealed class DiscoveryFileSystemTests : IDisposable
{
    private const string Opus = "claude-opus-4-6";
    private const string SessionA = "aaaa1111-0000-0000-0000-000000000001";
    private const string SessionB = "bbbb2222-0000-0000-0000-000000000002";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60); // a hang fails the test instead of the run
    private readonly TempClaudeHome _home = new();
    private readonly CollectingDiagnostics _diagnostics = new();
    private readonly string _projectA;
    private readonly string _subagentsA;

    public DiscoveryFileSystemTests()
    {
        var a = new TranscriptBuilder(SessionA, cwd: "/home/dev/widget", branch: "fix/login", start: new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        a.User("go").Assistant(Opus, new Usage(1, 1));
        a.Task(Opus, new Usage(1, 1), "a1b2c3d", "Explore", "look", s => s.Assistant(Opus, new Usage(1, 1)));
        _home.Write(a);
        var b = new TranscriptBuilder(SessionB, cwd: "/home/dev/widget", branch: "feature/x", start: new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero));
        b.User("go").Assistant(Opus, new Usage(1, 1));
        _home.Write(b);
        _projectA = _home.ProjectDirectory("/home/dev/widget");
        _subagentsA = Path.Combine(_projectA, SessionA, "subagents");
    }

    public void Dispose() => _home.Dispose();

    private IReadOnlyList<ClaudeSession> Find(SessionQuery? query = null)
    {
        var q = query ?? new SessionQuery { Roots = [_home.ConfigDirectory] };
        var work = Task.Run(() => new SessionDiscovery(_diagnostics).Find(q, rootsAreDefaults: false));
        Assert.True(work.Wait(Patience), "discovery did not end");
        return work.Result;
    }

    [UnixFact]
    public void Directory_links_that_loop_inside_a_session_folder_list_each_agent_file_once()
    {
        Directory.CreateSymbolicLink(Path.Combine(_subagentsA, "self"), ".");
        Directory.CreateSymbolicLink(Path.Combine(_subagentsA, "parent"), "..");
        Directory.CreateSymbolicLink(Path.Combine(_subagentsA, "project"), Path.Combine("..", ".."));
        Directory.CreateDirectory(Path.Combine(_subagentsA, "nested"));
        Directory.CreateSymbolicLink(Path.Combine(_subagentsA, "nested", "back"), Path.Combine("..", ".."));

        var a = Find().Single(s => s.Id == SessionA);

        Assert.Equal([Path.Combine(_subagentsA, "agent-a1b2c3d.jsonl")], a.SubagentFiles);
        Assert.Equal(2, a.TranscriptPaths.Count);
        Assert.Empty(_diagnostics.Errors);
        Assert.Contains(_diagnostics.VerboseMessages, m => m.Contains("searched already") || m.Contains("leads out of the session folder"));
    }

    [UnixFact]
    public void A_symlinked_project_directory_yields_each_session_once_under_its_real_name()
    {
        // "-a-alias" sorts before "-home-dev-widget": the real directory must still win.
        Directory.CreateSymbolicLink(Path.Combine(_home.ProjectsDirectory, "-a-alias"), _projectA);
        Directory.CreateSymbolicLink(Path.Combine(_home.ProjectsDirectory, "-z-alias"), _projectA);

        var found = Find();

        Assert.Equal([SessionA, SessionB], found.Select(s => s.Id));
        Assert.All(found, s => Assert.Equal("-home-dev-widget", s.ProjectDirectory));
        Assert.All(found, s => Assert.StartsWith(_projectA, s.TranscriptPath));
    }

    [UnixFact]
    public void The_same_config_directory_given_twice_or_by_a_link_lists_each_session_once()
    {
        var link = Path.Combine(_home.Root, "claude-link");
        Directory.CreateSymbolicLink(link, _home.ConfigDirectory);
        var found = Find(new SessionQuery { Roots = [_home.ConfigDirectory, link, _projectA] });
        Assert.Equal([SessionA, SessionB], found.Select(s => s.Id));
    }

    [UnixFact]
    public void Links_that_loop_between_themselves_end_with_a_warning()
    {
        Directory.CreateSymbolicLink(Path.Combine(_subagentsA, "ping"), "pong");
        Directory.CreateSymbolicLink(Path.Combine(_subagentsA, "pong"), "ping");
        Directory.CreateSymbolicLink(Path.Combine(_home.ProjectsDirectory, "-loop"), "-loop");

        var found = Find();

        Assert.Equal([SessionA, SessionB], found.Select(s => s.Id));
        Assert.Single(found[0].SubagentFiles);
    }

    [UnixFact]
    public void A_fifo_named_like_a_transcript_is_skipped_with_a_warning_and_never_opened()
    {
        var mainFifo = Path.Combine(_projectA, "cccc3333-0000-0000-0000-000000000003.jsonl");
        var agentFifo = Path.Combine(_subagentsA, "agent-fff0001.jsonl");
        var flatFifo = Path.Combine(_projectA, "agent-fff0002.jsonl");
        foreach (var f in new[] { mainFifo, agentFifo, flatFifo }) MakeFifo(f);

        var found = Find();

        Assert.Equal([SessionA, SessionB], found.Select(s => s.Id));
        Assert.Single(found[0].SubagentFiles);
        foreach (var f in new[] { mainFifo, agentFifo, flatFifo })
            Assert.Contains(_diagnostics.Warnings, w => w.Contains(f) && w.Contains("FIFO"));
    }

    [UnixFact]
    public void A_device_or_a_socket_named_like_a_transcript_is_skipped_with_a_warning()
    {
        var device = Path.Combine(_projectA, "dddd4444-0000-0000-0000-000000000004.jsonl");
        File.CreateSymbolicLink(device, "/dev/zero");
        var agentDevice = Path.Combine(_subagentsA, "agent-ddd0001.jsonl");
        File.CreateSymbolicLink(agentDevice, "/dev/zero");
        var socketPath = Path.Combine(_projectA, "eeee5555-0000-0000-0000-000000000005.jsonl");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var found = Find();

        Assert.Equal([SessionA, SessionB], found.Select(s => s.Id));
        Assert.Contains(_diagnostics.Warnings, w => w.Contains(device) && w.Contains("character device"));
        Assert.Contains(_diagnostics.Warnings, w => w.Contains(agentDevice) && w.Contains("character device"));
        Assert.Contains(_diagnostics.Warnings, w => w.Contains(socketPath) && w.Contains("socket"));
    }

    [UnixFact]
    public void A_fifo_given_as_a_path_or_to_the_line_reader_is_reported_not_opened()
    {
        var fifo = Path.Combine(_projectA, "ffff6666-0000-0000-0000-000000000006.jsonl");
        MakeFifo(fifo);

        Assert.Empty(Find(new SessionQuery { Roots = [fifo] }));
        Assert.Contains(_diagnostics.Warnings, w => w.Contains(fifo) && w.Contains("FIFO"));

        var lines = 0;
        var read = Task.Run(() => TranscriptLines.Read(fifo, (_, _) => lines++, _diagnostics));
        Assert.True(read.Wait(Patience), "the line reader opened a FIFO");
        Assert.False(read.Result);
        Assert.Contains(_diagnostics.Errors, e => e.ErrorId == "TranscriptNotRegularFile" && e.Message.Contains(fifo));
        Assert.Equal(0, lines);
    }

    [Fact]
    public void Fields_are_read_however_the_json_is_spaced()
    {
        var dir = _home.ProjectDirectory("/home/dev/spaced");
        Directory.CreateDirectory(dir);
        const string id = "9999aaaa-0000-0000-0000-000000000009";
        File.WriteAllLines(Path.Combine(dir, id + ".jsonl"),
        [
            $$"""{ "type" : "user", "cwd" : "/home/dev/spaced", "sessionId" : "{{id}}", "version" : "2.1.40", "gitBranch" : "main", "message" : { "role" : "user", "content" : "hi" }, "uuid" : "u1", "timestamp" : "2026-03-01T10:00:00.000Z" }""",
            $$$"""{"type":"assistant","gitBranch":	"fix/spaced" ,"message":{"id":"m1","model":"{{{Opus}}}","usage":{"input_tokens":1,"output_tokens":1} },"uuid":"u2","timestamp":"2026-03-01T10:05:00.000Z"}""",
            $$"""{"type":"user","gitBranch":"feat/\u00e9t\u00e9","uuid":"u3","timestamp":"2026-03-01T10:06:00.000Z"}""",
        ]);

        var s = Assert.Single(Find(new SessionQuery { Roots = [_home.ConfigDirectory], BranchMatch = b => b == "fix/spaced" }));

        Assert.Equal(("/home/dev/spaced", "2.1.40", "feat/été"), (s.Cwd, s.Version, s.Branch));
        Assert.Equal(["main", "fix/spaced", "feat/été"], s.Branches);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), s.FirstActivity);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 6, 0, TimeSpan.Zero), s.LastActivity);
    }

    [Fact]
    public void Branches_are_read_from_the_whole_file_only_when_first_asked_and_measuring_drops_them()
    {
        var eager = Find(new SessionQuery { Roots = [_home.ConfigDirectory], BranchMatch = _ => true });
        var deferred = Find();
        Assert.Equal(eager.Select(s => (s.Id, s.Branch, string.Join(",", s.Branches))), deferred.Select(s => (s.Id, s.Branch, string.Join(",", s.Branches))));
        Assert.Equal("fix/login", deferred[0].Branch);

        var forMeasuring = deferred[0].WithoutBranches();
        Assert.Null(forMeasuring.Branch);
        Assert.Empty(forMeasuring.Branches);
        Assert.Equal((deferred[0].Id, deferred[0].TranscriptPaths, deferred[0].SizeBytes, deferred[0].Cwd),
            (forMeasuring.Id, forMeasuring.TranscriptPaths, forMeasuring.SizeBytes, forMeasuring.Cwd));
    }

    [UnixFact]
    public void With_Id_the_other_sessions_folders_are_not_even_listed()
    {
        // A FIFO among the other session's subagents would be reported if its folder were searched.
        MakeFifo(Path.Combine(_subagentsA, "agent-fff0003.jsonl"));
        var found = Find(new SessionQuery { Roots = [_home.ConfigDirectory], Ids = ["bbbb2222"] });
        Assert.Equal(SessionB, Assert.Single(found).Id);
        Assert.Empty(_diagnostics.Warnings);
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        mkfifo.WaitForExit();
        Assert.True(mkfifo.ExitCode == 0, mkfifo.StandardError.ReadToEnd());
    }
}

/// <summary>A test of Unix file-system behaviour (symbolic links, FIFOs, devices, sockets): skipped on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file types and links";
    }
}
