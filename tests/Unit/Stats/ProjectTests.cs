using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// A session's <c>project</c> (design: "kagenti/kagenti"): owner/name of the origin remote when the session's working
/// directory is in a clone, else the folder name (docs/about_SessionAnalytics.md, "Finding sessions").
/// </summary>
public sealed class ProjectTests : MeasurementTest
{
    /// <summary>A working directory under the test's home whose repository root has <paramref name="gitConfig"/>.</summary>
    private string Clone(string name, string? gitConfig)
    {
        var root = Directory.CreateDirectory(Path.Combine(Home.Root, "src", name)).FullName;
        if (gitConfig is not null)
        {
            Directory.CreateDirectory(Path.Combine(root, ".git"));
            File.WriteAllText(Path.Combine(root, ".git", "config"), gitConfig);
        }
        return root;
    }

    private string ProjectOf(string cwd) =>
        Measure(new TranscriptBuilder("00b11888-7e0c-4fb4-bb39-32ea32e09b64", cwd: cwd).User("hi").Assistant(Opus, new Usage(1, 2))).Project!;

    [Theory]
    [InlineData("git@github.com:octo-org/widget.git")]
    [InlineData("https://github.com/octo-org/widget.git")]
    [InlineData("ssh://git@github.com:22/octo-org/widget")]
    [InlineData("https://ghe.example.com/octo-org/widget.git")]
    public void A_clone_is_named_by_its_origin_remote(string url)
    {
        var root = Clone("widget-checkout", $"[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/thing\n[remote \"origin\"]\n\turl = {url}\n");
        Assert.Equal("octo-org/widget", ProjectOf(root));
        // Claude Code started in a folder below the repository root: the walk goes up to the root.
        Assert.Equal("octo-org/widget", ProjectOf(Directory.CreateDirectory(Path.Combine(root, "src", "api")).FullName));
    }

    [Fact]
    public void A_linked_worktree_finds_the_remote_of_the_repository_it_belongs_to()
    {
        var main = Clone("widget", "[remote \"origin\"]\n\turl = git@github.com:octo-org/widget.git\n");
        var gitDir = Directory.CreateDirectory(Path.Combine(main, ".git", "worktrees", "feature")).FullName;
        File.WriteAllText(Path.Combine(gitDir, "commondir"), "../..\n");
        var worktree = Directory.CreateDirectory(Path.Combine(Home.Root, "wt", "feature")).FullName;
        File.WriteAllText(Path.Combine(worktree, ".git"), $"gitdir: {gitDir}\n");
        Assert.Equal("octo-org/widget", ProjectOf(worktree));
    }

    [Theory]
    [InlineData(null)]                                                   // not a repository
    [InlineData("[core]\n\tbare = false\n")]                             // no origin
    [InlineData("[remote \"origin\"]\n\turl = /srv/git/widget.git\n")]   // a local path names no owner
    public void Otherwise_the_project_is_the_folder_name(string? gitConfig)
    {
        // Outside the test's home no .git may be found further up: the temp directory is not in a repository.
        Assert.Equal("plain-folder", ProjectOf(Clone("plain-folder", gitConfig)));
    }

    [Fact]
    public void A_working_directory_that_is_not_on_this_machine_is_named_by_its_folder() =>
        Assert.Equal("widget", ProjectOf("/nonexistent-" + Guid.NewGuid().ToString("N") + "/widget"));

    [Fact]
    public void Project_filters_match_the_folder_name_and_the_owner_and_name_of_the_clone()
    {
        var clone = Clone("widget-checkout", "[remote \"origin\"]\n\turl = git@github.com:octo-org/widget.git\n");
        Home.Write(new TranscriptBuilder("00b11888-7e0c-4fb4-bb39-32ea32e09b64", cwd: clone).User("hi").Assistant(Opus, new Usage(1, 2)));
        Home.Write(new TranscriptBuilder("a3f92bc1-0000-4000-8000-000000000002", cwd: Clone("scratch", null)).User("hi").Assistant(Opus, new Usage(1, 2)));

        string[] Find(string pattern)
        {
            var wildcard = new System.Management.Automation.WildcardPattern(pattern, System.Management.Automation.WildcardOptions.IgnoreCase);
            return new SessionDiscovery(Diagnostics).Find(new SessionQuery { Roots = [Home.ConfigDirectory], ProjectMatch = wildcard.IsMatch }, rootsAreDefaults: false)
                .Select(s => s.ShortId).ToArray();
        }
        Assert.Equal(["00b11888"], Find("octo-org/widget"));
        Assert.Equal(["00b11888"], Find("octo-org/*"));
        Assert.Equal(["00b11888"], Find("widget-checkout"));
        Assert.Equal(["a3f92bc1"], Find("scratch"));
        Assert.Empty(Find("other/widget"));

        // A literal value no session has names the nearest, owner/name included.
        var all = new SessionDiscovery(Diagnostics).Find(new SessionQuery { Roots = [Home.ConfigDirectory] }, rootsAreDefaults: false);
        Assert.Empty(UnmatchedFilter.Find(all, [], [], ["octo-org/widget"]));
        Assert.Equal(["octo-org/widget"], Assert.Single(UnmatchedFilter.Find(all, [], [], ["octo-org/widgte"])).Nearest);
        Assert.Equal("octo-org/widget", all.Single(s => s.ShortId == "00b11888").Repository);
        Assert.Null(all.Single(s => s.ShortId == "a3f92bc1").Repository);
    }
}
