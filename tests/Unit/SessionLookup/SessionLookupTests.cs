using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Tests.SessionLookup;

/// <summary>Which folders -Current tries, and the not-found errors of -Id, -Branch and -Project with their suggestions.</summary>
public sealed class SessionLookupTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sa-lookup-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Current_walks_up_to_the_repository_root_nearest_first()
    {
        var repo = Path.Combine(_root, "home", "dev", "widget");
        var deep = Path.Combine(repo, "src", "api");
        Directory.CreateDirectory(deep);
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        Assert.Equal([deep, Path.Combine(repo, "src"), repo], CurrentProject.SearchDirectories(deep, Path.Combine(_root, "home")));
    }

    [Fact]
    public void A_worktree_whose_dot_git_is_a_file_is_a_repository_root_too()
    {
        var worktree = Path.Combine(_root, "wt", "fix");
        Directory.CreateDirectory(Path.Combine(worktree, "docs"));
        File.WriteAllText(Path.Combine(worktree, ".git"), "gitdir: /elsewhere/.git/worktrees/fix\n");
        Assert.Equal([Path.Combine(worktree, "docs"), worktree], CurrentProject.SearchDirectories(Path.Combine(worktree, "docs"), null));
    }

    [Fact]
    public void Outside_a_repository_the_walk_stops_below_home_and_the_root()
    {
        var home = Path.Combine(_root, "home");
        var deep = Path.Combine(home, "notes", "2026");
        Directory.CreateDirectory(deep);
        var searched = CurrentProject.SearchDirectories(deep, home);
        Assert.Equal([deep, Path.Combine(home, "notes")], searched.Take(2));
        Assert.DoesNotContain(home, searched);
        Assert.DoesNotContain(Path.GetPathRoot(deep)!, searched);
        // The folder itself always counts, even when it is home.
        Assert.Equal(home, CurrentProject.SearchDirectories(home, home)[0]);
    }

    private static ClaudeSession Session(string id, string project, params string[] branches) => new()
    {
        Id = id,
        Project = project,
        Cwd = "/home/dev/" + project,
        ProjectDirectory = "-home-dev-" + project,
        TranscriptPath = $"/x/{id}.jsonl",
        Branches = branches,
    };

    private static readonly ClaudeSession[] Sessions =
    [
        Session("3f2a9c41-7b1e-4d52-9a0c-5e8f1d2b6a71", "acme-widget", "main", "fix/login-timeout"),
        Session("8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28", "acme-widget", "feature/csv-export"),
        Session("d5e8a2b3-91c4-4f6e-b7a0-3c2d1e0f9a86", "billing", "main"),
    ];

    [Fact]
    public void A_typo_names_the_nearest_values()
    {
        var misses = UnmatchedFilter.Find(Sessions, ["3f2b"], ["fix/login-timout"], ["acme-widgt"]);
        Assert.Equal(
            [("Id", "3f2b", "3f2a9c41-7b1e-4d52-9a0c-5e8f1d2b6a71"), ("Branch", "fix/login-timout", "fix/login-timeout"), ("Project", "acme-widgt", "acme-widget")],
            misses.Select(m => (m.Parameter, m.Value, m.Nearest[0])));
        Assert.Equal("No Claude Code session has Branch 'fix/login-timout'. Nearest: 'fix/login-timeout'.", misses[1].Message);
    }

    [Fact]
    public void Values_that_some_session_has_are_no_misses_whatever_their_case()
    {
        Assert.Empty(UnmatchedFilter.Find(Sessions, ["3F2A", "8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28"], ["MAIN"], ["Billing", "-home-dev-billing", "/home/dev/acme-widget"]));
    }

    [Fact]
    public void Nothing_close_means_no_suggestion()
    {
        var miss = Assert.Single(UnmatchedFilter.Find(Sessions, [], ["release/2027-q1"], []));
        Assert.Empty(miss.Nearest);
        Assert.Equal("No Claude Code session has Branch 'release/2027-q1'.", miss.Message);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("Main", "main", 0)]
    [InlineData("", "abc", 3)]
    public void Edit_distance_ignores_case(string a, string b, int expected) => Assert.Equal(expected, UnmatchedFilter.Distance(a, b));
}
