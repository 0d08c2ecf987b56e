using System.Net;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Git;
using SessionAnalytics.Core.GitHub;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>Token, repository and target resolution from explicit values, the environment and local git files.</summary>
public sealed class ResolverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sa-resolve-").FullName;
    private readonly CollectingDiagnostics _diagnostics = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    // ---- token ----

    [Fact]
    public void Token_comes_from_Token_then_GH_TOKEN_then_GITHUB_TOKEN_then_gh()
    {
        var env = Env(("GH_TOKEN", "from-gh-token"), ("GITHUB_TOKEN", "from-github-token"));
        var explicitToken = new NetworkCredential("", "from-parameter").SecurePassword;

        Assert.Equal(("from-parameter", "-Token"), Pair(new GitHubTokenResolver(env, _ => "from-gh").Resolve(explicitToken)));
        Assert.Equal(("from-gh-token", "GH_TOKEN"), Pair(new GitHubTokenResolver(env, _ => "from-gh").Resolve(null)));
        Assert.Equal(("from-github-token", "GITHUB_TOKEN"), Pair(new GitHubTokenResolver(Env(("GITHUB_TOKEN", "from-github-token")), _ => "from-gh").Resolve(null)));
        Assert.Equal(("from-gh", "gh auth token"), Pair(new GitHubTokenResolver(Env(("GH_TOKEN", "  ")), _ => "from-gh\n").Resolve(null)));
    }

    [Fact]
    public void gh_is_asked_for_the_Enterprise_host_of_the_API_URL()
    {
        var hosts = new List<string?>();
        var resolver = new GitHubTokenResolver(Env(), host => { hosts.Add(host); return "t"; });

        resolver.Resolve(null, new Uri("https://api.github.com/"));
        resolver.Resolve(null, new Uri("https://ghe.example.com/api/v3/"));

        Assert.Equal([null, "ghe.example.com"], hosts);
    }

    [Fact]
    public void No_token_is_GitHubTokenNotFound_naming_every_source_and_the_object_never_shows_its_value()
    {
        var e = Assert.Throws<EngineException>(() => new GitHubTokenResolver(Env(), _ => null).Resolve(null));

        Assert.Equal((GitHubTokenResolver.NotFoundErrorId, ErrorKind.AuthenticationError), (e.Error.ErrorId, e.Error.Kind));
        foreach (var source in new[] { "-Token", "GH_TOKEN", "GITHUB_TOKEN", "gh auth token" }) Assert.Contains(source, e.Error.Message);
        Assert.NotNull(e.Error.RecommendedAction);
        Assert.Equal("GitHub token from GH_TOKEN", new GitHubToken("s3cret", "GH_TOKEN").ToString());
    }

    [Fact]
    public void gh_is_found_on_PATH_and_absent_gh_means_no_token()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        var gh = Path.Combine(bin, OperatingSystem.IsWindows() ? "gh.exe" : "gh");
        File.WriteAllText(gh, "");

        Assert.Equal(gh, GitHubTokenResolver.FindOnPath("gh", string.Join(Path.PathSeparator, Path.Combine(_root, "none"), bin)));
        Assert.Null(GitHubTokenResolver.RunGhAuthToken(null, Env(("PATH", Path.Combine(_root, "none"))), _diagnostics));
    }

    [Fact]
    public void gh_auth_token_output_is_read_when_gh_is_a_real_program()
    {
        if (OperatingSystem.IsWindows()) return; // the stand-in below is a shell script
        var bin = Directory.CreateDirectory(Path.Combine(_root, "ghbin")).FullName;
        var gh = Path.Combine(bin, "gh");
        File.WriteAllText(gh, "#!/bin/sh\nif [ \"$1 $2\" = \"auth token\" ]; then echo gho_fromcli; else exit 4; fi\n");
        File.SetUnixFileMode(gh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var token = new GitHubTokenResolver(Env(("PATH", bin)), null, _diagnostics).Resolve(null);

        Assert.Equal(("gho_fromcli", "gh auth token"), Pair(token));
    }

    private static (string, string) Pair(GitHubToken t) => (t.Value, t.Source);

    // ---- repository ----

    [Theory]
    [InlineData("https://github.com/octo-org/widget.git")]
    [InlineData("https://github.com/octo-org/widget")]
    [InlineData("https://github.com/octo-org/widget/")]
    [InlineData("http://user:pw@github.com/octo-org/widget.git")]
    [InlineData("ssh://git@github.com/octo-org/widget.git")]
    [InlineData("ssh://git@github.com:22/octo-org/widget.git")]
    [InlineData("git@github.com:octo-org/widget.git")]
    [InlineData("github.com:octo-org/widget")]
    [InlineData("git://github.com/octo-org/widget.git")]
    [InlineData("https://ghe.example.com/octo-org/widget.git")]
    public void Remote_URLs_of_every_form_give_owner_and_name(string url)
    {
        Assert.True(GitRemote.TryParseUrl(url, out var repo, out var host));
        Assert.Equal("octo-org/widget", repo.FullName);
        Assert.NotEmpty(host);
    }

    [Theory]
    [InlineData("/home/dev/widget")]
    [InlineData("../widget")]
    [InlineData("C:\\src\\widget")]
    [InlineData("C:/repos/octo-org/widget")]
    [InlineData("file:///srv/git/widget.git")]
    [InlineData("https://github.com/octo-org")]
    public void Local_paths_and_incomplete_URLs_are_not_repositories(string url) =>
        Assert.False(GitRemote.TryParseUrl(url, out _, out _));

    [Fact]
    public void Explicit_repository_wins_and_a_bad_one_is_InvalidArgument()
    {
        var resolver = new RepositoryResolver(Env(("GITHUB_REPOSITORY", "env/repo")), _diagnostics);

        Assert.Equal("octo-org/widget", resolver.Resolve("octo-org/widget", null, _root).FullName);
        Assert.Equal("octo-org/widget", resolver.Resolve("https://github.com/octo-org/widget", null, _root).FullName);
        Assert.Equal("env/repo", resolver.Resolve(null, null, _root).FullName);
        var e = Assert.Throws<EngineException>(() => resolver.Resolve("not a repo", null, _root));
        Assert.Equal((RepositoryResolver.InvalidErrorId, ErrorKind.InvalidArgument), (e.Error.ErrorId, e.Error.Kind));
    }

    [Fact]
    public void The_origin_remote_of_the_session_directory_comes_before_the_current_directory()
    {
        var session = MakeClone("session", "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/thing.git\n[remote \"origin\"]\n\turl = git@github.com:octo-org/widget.git ; comment\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
        var current = MakeClone("current", "[remote \"origin\"]\n\turl = https://github.com/me/elsewhere\n");
        var nested = Directory.CreateDirectory(Path.Combine(session, "src", "deep")).FullName;
        var resolver = new RepositoryResolver(Env(), _diagnostics);

        Assert.Equal("octo-org/widget", resolver.Resolve(null, nested, current).FullName);
        Assert.Equal("me/elsewhere", resolver.Resolve(null, Path.Combine(_root, "gone"), current).FullName);
        Assert.Contains(_diagnostics.VerboseMessages, m => m.Contains("origin remote of " + nested));
    }

    [Fact]
    public void A_linked_worktree_finds_the_shared_config_through_gitdir_and_commondir()
    {
        var main = MakeClone("main", "[remote \"origin\"]\n\turl = https://github.com/octo-org/widget.git\n");
        var worktreeGitDir = Directory.CreateDirectory(Path.Combine(main, ".git", "worktrees", "feature")).FullName;
        File.WriteAllText(Path.Combine(worktreeGitDir, "commondir"), "../..\n");
        var worktree = Directory.CreateDirectory(Path.Combine(_root, "feature-wt")).FullName;
        File.WriteAllText(Path.Combine(worktree, ".git"), $"gitdir: {Path.GetRelativePath(worktree, worktreeGitDir)}\n");

        Assert.Equal(Path.Combine(main, ".git", "config"), GitRemote.FindConfigFile(worktree));
        Assert.Equal("octo-org/widget", new RepositoryResolver(Env(), _diagnostics).Resolve(null, worktree, _root).FullName);
    }

    [Fact]
    public void No_repository_anywhere_names_what_was_tried()
    {
        var plain = Directory.CreateDirectory(Path.Combine(_root, "plain")).FullName;
        var noGitHub = MakeClone("local-only", "[remote \"origin\"]\n\turl = /srv/git/widget.git\n");

        var e = Assert.Throws<EngineException>(() => new RepositoryResolver(Env(), _diagnostics).Resolve(null, noGitHub, plain));

        Assert.Equal((RepositoryResolver.NotFoundErrorId, ErrorKind.ObjectNotFound), (e.Error.ErrorId, e.Error.Kind));
        Assert.Contains("GITHUB_REPOSITORY", e.Error.Message);
        Assert.Contains("/srv/git/widget.git", e.Error.Message);
        Assert.Contains(plain, e.Error.Message);
        Assert.Contains("-Repository", e.Error.RecommendedAction);
    }

    private string MakeClone(string name, string config)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        Directory.CreateDirectory(Path.Combine(dir, ".git"));
        File.WriteAllText(Path.Combine(dir, ".git", "config"), config);
        return dir;
    }

    // ---- target ----

    [Fact]
    public void Explicit_numbers_win_then_the_Actions_event_then_the_branch()
    {
        var repo = new RepositoryRef("octo-org", "widget");
        var prEvent = WriteEvent("pr.json", """{ "number": 41, "pull_request": { "number": 41 }, "repository": { "full_name": "octo-org/widget" } }""");
        var issueEvent = WriteEvent("issue.json", """{ "issue": { "number": 12 }, "repository": { "full_name": "Octo-Org/Widget" } }""");
        var prCommentEvent = WriteEvent("comment.json", """{ "issue": { "number": 13, "pull_request": { "url": "x" } } }""");
        var otherRepoEvent = WriteEvent("fork.json", """{ "pull_request": { "number": 99 }, "repository": { "full_name": "someone/else" } }""");
        GitHubTargetRequest Describe(string? eventPath, int? number = null, GitHubTargetKind? kind = null) =>
            new GitHubTargetResolver(Env(("GITHUB_EVENT_PATH", eventPath ?? ""), ("GITHUB_EVENT_NAME", "pull_request")), _diagnostics).Describe(repo, kind, number, "fix/login");

        Assert.Equal((GitHubTargetKind.Issue, 5, "-Issue"), Parts(Describe(prEvent, 5, GitHubTargetKind.Issue)));
        Assert.Equal((GitHubTargetKind.PullRequest, 41, "the GitHub Actions pull_request event"), Parts(Describe(prEvent)));
        Assert.Equal((GitHubTargetKind.Issue, 77, "the session's recorded target"),
            Parts(new GitHubTargetResolver(Env(("GITHUB_EVENT_PATH", prEvent)), _diagnostics).Describe(repo, null, null, "fix/login", "issue", 77)));
        Assert.Equal((GitHubTargetKind.Issue, 12, "the GitHub Actions pull_request event"), Parts(Describe(issueEvent)));
        Assert.Equal((GitHubTargetKind.PullRequest, 13, "the GitHub Actions pull_request event"), Parts(Describe(prCommentEvent)));
        Assert.Equal((GitHubTargetKind.PullRequest, (int?)null, "branch"), Parts(Describe(otherRepoEvent)));
        Assert.Equal("the open PR of branch 'fix/login' in octo-org/widget", Describe(null).ToString());
        var e = Assert.Throws<EngineException>(() => new GitHubTargetResolver(Env(), _diagnostics).Describe(repo, null, null, null));
        Assert.Equal(GitHubTargetResolver.UnknownErrorId, e.Error.ErrorId);
    }

    private static (GitHubTargetKind?, int?, string) Parts(GitHubTargetRequest r) => (r.Kind, r.Number, r.Source);

    private string WriteEvent(string name, string json)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/")]
    [InlineData("https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/")]
    public void API_URLs_are_normalised_with_a_trailing_slash(string given, string expected) =>
        Assert.Equal(expected, GitHubApiSettings.ParseApiUrl(given).AbsoluteUri);

    [Theory]
    [InlineData("api.github.com")]
    [InlineData("ftp://ghe.example.com/")]
    [InlineData("https://api.github.com/?x=1")]
    public void Bad_API_URLs_are_InvalidArgument(string given)
    {
        var e = Assert.Throws<EngineException>(() => GitHubApiSettings.ParseApiUrl(given));
        Assert.Equal((GitHubErrors.ApiUrlInvalid, ErrorKind.InvalidArgument), (e.Error.ErrorId, e.Error.Kind));
    }
}
