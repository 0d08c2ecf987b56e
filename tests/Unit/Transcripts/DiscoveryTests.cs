using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Transcripts;

public sealed class DiscoveryTests : IDisposable
{
    private const string Opus = "claude-opus-4-6";
    private readonly TempClaudeHome _home = new();
    private readonly CollectingDiagnostics _diagnostics = new();

    public DiscoveryTests()
    {
        var a = new TranscriptBuilder("aaaa1111-0000-0000-0000-000000000001", cwd: "/home/dev/widget", start: new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        a.User("go").Assistant(Opus, new Usage(1, 1));
        a.OnBranch("fix/login").Assistant(Opus, new Usage(1, 1));
        a.OnBranch("main").Assistant(Opus, new Usage(1, 1));
        a.Task(Opus, new Usage(1, 1), "a1b2c3d", "Explore", "look", s => s.Assistant(Opus, new Usage(1, 1)));
        _home.Write(a);
        var b = new TranscriptBuilder("bbbb2222-0000-0000-0000-000000000002", cwd: "/home/dev/gadget", branch: "feature/x", start: new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero));
        b.User("go").Assistant(Opus, new Usage(1, 1));
        _home.Write(b);
    }

    public void Dispose() => _home.Dispose();

    private IReadOnlyList<ClaudeSession> Find(SessionQuery q) => new SessionDiscovery(_diagnostics).Find(q, false);

    [Theory]
    [InlineData("config")]
    [InlineData("projects")]
    [InlineData("project")]
    [InlineData("file")]
    public void Every_kind_of_root_finds_sessions(string kind)
    {
        var root = kind switch
        {
            "config" => _home.ConfigDirectory,
            "projects" => _home.ProjectsDirectory,
            "project" => _home.ProjectDirectory("/home/dev/widget"),
            _ => Path.Combine(_home.ProjectDirectory("/home/dev/widget"), "aaaa1111-0000-0000-0000-000000000001.jsonl"),
        };
        var found = Find(new SessionQuery { Roots = [root] });
        Assert.Contains(found, s => s.Id == "aaaa1111-0000-0000-0000-000000000001");
        Assert.Empty(_diagnostics.Errors);
    }

    [Fact]
    public void A_session_carries_its_metadata_and_its_subagent_files_are_never_sessions()
    {
        var found = Find(new SessionQuery { Roots = [_home.ConfigDirectory] });
        Assert.Equal(2, found.Count);
        var a = found[0];
        Assert.Equal(("aaaa1111", "widget", "-home-dev-widget", "/home/dev/widget", "fix/login", "2.1.39"),
            (a.ShortId, a.Project, a.ProjectDirectory, a.Cwd, a.Branch, a.Version));
        Assert.Equal(["fix/login", "main"], a.Branches);
        Assert.Single(a.SubagentFiles);
        Assert.Equal(2, a.TranscriptPaths.Count);
        Assert.True(a.LastActivity > a.FirstActivity);
        Assert.True(a.SizeBytes > 0);
    }

    [Fact]
    public void A_subagent_file_given_as_a_path_means_its_parent_session()
    {
        var agent = Path.Combine(_home.ProjectDirectory("/home/dev/widget"), "aaaa1111-0000-0000-0000-000000000001", "subagents", "agent-a1b2c3d.jsonl");
        var found = Find(new SessionQuery { Roots = [agent] });
        Assert.Equal("aaaa1111-0000-0000-0000-000000000001", Assert.Single(found).Id);
    }

    [Fact]
    public void Filters_by_id_prefix_branch_at_any_point_project_and_dates()
    {
        var all = new SessionQuery { Roots = [_home.ConfigDirectory] };
        Assert.Equal("bbbb2222", Assert.Single(Find(new SessionQuery { Roots = all.Roots, Ids = ["BBBB"] })).ShortId);
        Assert.Equal("aaaa1111", Assert.Single(Find(new SessionQuery { Roots = all.Roots, BranchMatch = b => b == "main" })).ShortId);
        Assert.Equal("bbbb2222", Assert.Single(Find(new SessionQuery { Roots = all.Roots, ProjectMatch = p => p == "gadget" })).ShortId);
        Assert.Equal("bbbb2222", Assert.Single(Find(new SessionQuery { Roots = all.Roots, Since = new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero) })).ShortId);
        Assert.Equal("aaaa1111", Assert.Single(Find(new SessionQuery { Roots = all.Roots, Until = new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero) })).ShortId);
    }

    [Fact]
    public void Current_is_the_most_recently_active_session_of_the_current_directory()
    {
        var later = new TranscriptBuilder("cccc3333-0000-0000-0000-000000000003", cwd: "/home/dev/widget", start: new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        later.User("again").Assistant(Opus, new Usage(1, 1));
        _home.Write(later);
        var found = Find(new SessionQuery { Roots = [_home.ConfigDirectory], Current = true, CurrentDirectory = "/home/dev/widget" });
        Assert.Equal("cccc3333", Assert.Single(found).ShortId);
    }

    [Fact]
    public void Default_roots_follow_CLAUDE_CONFIG_DIR_then_the_home_directories()
    {
        Assert.Equal(["/a", "/b/projects"], SessionDiscovery.DefaultRoots("/a, /b/projects", "/home/u"));
        Assert.Equal(["/home/u/.config/claude", "/home/u/.claude"], SessionDiscovery.DefaultRoots(null, "/home/u").Select(p => p.Replace('\\', '/')));
        Assert.Equal("-home-dev-my-app-v2", SessionDiscovery.EncodeProjectDirectory("/home/dev/my_app.v2"));
    }
}
