using System.Management.Automation;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Completion;

/// <summary>
/// Tab completion as a user gets it: TabExpansion2 in the hosted engine on real command lines, against sessions
/// written by the JSONL builder.
/// </summary>
public sealed class CompleterTests : IDisposable
{
    private const string Opus = "claude-opus-4-6";
    private const string WidgetId = "aaaa1111-0000-0000-0000-000000000001";
    private const string GadgetId = "bbbb2222-0000-0000-0000-000000000002";
    private const string OtherWidgetId = "cccc3333-0000-0000-0000-000000000003";
    private readonly TempClaudeHome _home = new();
    private readonly ModuleHost _host = new();

    public CompleterTests()
    {
        var widget = new TranscriptBuilder(WidgetId, cwd: "/home/dev/widget", start: At(1, 5));
        widget.User("go").Assistant(Opus, new Usage(1, 1)).OnBranch("fix/login").Assistant(Opus, new Usage(1, 1)).OnBranch("main").Assistant(Opus, new Usage(1, 1));
        _home.Write(widget);
        var gadget = new TranscriptBuilder(GadgetId, cwd: "/home/dev/gadget", branch: "feature/x", start: At(2, 1));
        gadget.User("go").Assistant(Opus, new Usage(1, 1));
        _home.Write(gadget);
        // A second project called widget: the project completer must offer directories to tell them apart.
        var other = new TranscriptBuilder(OtherWidgetId, cwd: "/srv/other/widget", branch: "fix/crash", start: At(3, 1));
        other.User("go").Assistant(Opus, new Usage(1, 1));
        _home.Write(other);
        var spaced = new TranscriptBuilder("dddd4444-0000-0000-0000-000000000004", cwd: "/home/dev/my app", branch: "main", start: At(1, 1));
        spaced.User("go").Assistant(Opus, new Usage(1, 1));
        _home.Write(spaced);
    }

    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 9, 0, 0, TimeSpan.Zero);

    public void Dispose()
    {
        _host.Dispose();
        _home.Dispose();
    }

    private List<CompletionResult> Complete(string line) =>
        _host.Run("param($line) (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches", line)
            .AssertNoErrors().Of<CompletionResult>();

    private List<string> Texts(string line) => Complete(line).Select(c => c.CompletionText).ToList();

    private string Command => $"Get-ClaudeSession -Path '{_home.ConfigDirectory}'";

    [Fact]
    public void BranchCompletesTheBranchesSessionsRanOnMostRecentFirst()
    {
        Assert.Equal(["fix/crash", "fix/login"], Texts($"{Command} -Branch fi"));
        var all = Complete($"{Command} -Branch ");
        // A session's branches share its last activity; ties are listed alphabetically.
        Assert.Equal(["fix/crash", "feature/x", "fix/login", "main"], all.Select(c => c.CompletionText));
        Assert.Contains("2 sessions", all.Single(c => c.CompletionText == "main").ToolTip);
    }

    [Fact]
    public void BranchIsNarrowedByTheProjectAlreadyOnTheLine() =>
        Assert.Equal(["feature/x"], Texts($"{Command} -Project gadget -Branch "));

    [Fact]
    public void IdCompletesFullIdsAndShowsBranchAndTime()
    {
        var result = Assert.Single(Complete($"{Command} -Id aa"));
        Assert.Equal(WidgetId, result.CompletionText);
        Assert.StartsWith("aaaa1111 fix/login ", result.ListItemText);
        Assert.Contains("widget on fix/login", result.ToolTip);
        // The widget session ran on fix/login for a while, so -Branch 'f*' keeps it.
        Assert.Equal([OtherWidgetId, GadgetId, WidgetId], Texts($"{Command} -Branch 'f*' -Id "));
        Assert.Equal([GadgetId], Texts($"{Command} -Branch 'fe*' -Id "));
    }

    [Fact]
    public void ProjectCompletesNamesAndDirectoriesWhenNamesCollide()
    {
        Assert.Equal(["gadget"], Texts($"{Command} -Project ga"));
        Assert.Equal(["/srv/other/widget", "/home/dev/widget"], Texts($"{Command} -Project wid"));
        Assert.Equal(["'my app'"], Texts($"{Command} -Project my"));
        Assert.Equal(["\"my app\""], Texts($"{Command} -Project \"my"));
        Assert.Equal(["'/home/dev/my app'"], Texts($"{Command} -Project /home/dev/my"));
    }

    [Fact]
    public void RelativePathsResolveAgainstTheSessionsLocation()
    {
        _host.Run("$ExecutionContext.SessionState.Path.SetLocation($args[0]) | Out-Null", _home.Root).AssertNoErrors();
        Assert.Equal(["feature/x"], Texts("Get-ClaudeSession -Path ./.claude -Branch fe"));
        Assert.Equal(["feature/x"], Texts("Get-ClaudeSession -LiteralPath ./.claude -Branch fe"));
    }

    [Fact]
    public void ANewSessionShowsUpInTheNextCompletion()
    {
        Assert.Empty(Texts($"{Command} -Branch hot"));
        var late = new TranscriptBuilder("eeee5555-0000-0000-0000-000000000005", cwd: "/home/dev/widget", branch: "hotfix/late", start: At(4, 1));
        late.User("go").Assistant(Opus, new Usage(1, 1));
        _home.Write(late);
        Assert.Equal(["hotfix/late"], Texts($"{Command} -Branch hot"));
    }

    [Fact]
    public void NoSessionsMeansNoCompletionsAndNoErrors() =>
        Assert.Empty(Texts($"Get-ClaudeSession -Path '{Path.Combine(_home.Root, "missing")}' -Branch "));

    [Fact]
    public void ModelCompletesPricedModelIdsWithOrWithoutThePrefix()
    {
        _host.Run("function global:Test-ModelCompletion { param([ArgumentCompleter([SessionAnalytics.PowerShell.Completion.ModelCompleter])] $Model) }").AssertNoErrors();
        var opus = Complete("Test-ModelCompletion -Model opus");
        Assert.Contains("claude-opus-4-6", opus.Select(c => c.CompletionText));
        Assert.All(opus, c => Assert.Contains("opus", c.CompletionText));
        Assert.Contains("$5 input, $25 output per million tokens", opus.First(c => c.CompletionText == "claude-opus-4-6").ToolTip);
        Assert.All(Texts("Test-ModelCompletion -Model claude-son"), t => Assert.StartsWith("claude-sonnet-", t));
    }
}

/// <summary>
/// -Repository completion reads GITHUB_REPOSITORY, which GitHub Actions always sets: these tests control it, so they
/// run alone (the variable is process-wide).
/// </summary>
[Collection(SessionAnalytics.Tests.ReadmeExamples.ProcessEnvironmentCollection.Name)]
public sealed class RepositoryCompleterTests : IDisposable
{
    private readonly string? _savedRepository = Environment.GetEnvironmentVariable("GITHUB_REPOSITORY");
    private readonly TempClaudeHome _home = new();
    private readonly ModuleHost _host;

    public RepositoryCompleterTests()
    {
        Environment.SetEnvironmentVariable("GITHUB_REPOSITORY", null);
        _host = new ModuleHost();
    }

    public void Dispose()
    {
        _host.Dispose();
        _home.Dispose();
        Environment.SetEnvironmentVariable("GITHUB_REPOSITORY", _savedRepository);
    }

    private List<CompletionResult> Complete(string line) =>
        _host.Run("param($line) (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches", line)
            .AssertNoErrors().Of<CompletionResult>();

    private List<string> Texts(string line) => Complete(line).Select(c => c.CompletionText).ToList();

    [Fact]
    public void RepositoryCompletesOwnerAndNameFromTheRemotesOfTheCurrentDirectory()
    {
        // A clone as git leaves it; the completer reads .git/config from a subdirectory upwards.
        var clone = Path.Combine(_home.Root, "widget");
        Directory.CreateDirectory(Path.Combine(clone, ".git"));
        Directory.CreateDirectory(Path.Combine(clone, "src"));
        File.WriteAllText(Path.Combine(clone, ".git", "config"), """
            [core]
                bare = false
            [remote "upstream"]
                url = git@github.com:upstream-org/widget.git
            [remote "origin"]
                url = https://dev:ghp_secret123@github.com/octo-org/widget.git
                fetch = +refs/heads/*:refs/remotes/origin/*
            [remote "local"]
                url = /srv/git/mirror
            """);
        _host.Run("$ExecutionContext.SessionState.Path.SetLocation($args[0]) | Out-Null", Path.Combine(clone, "src")).AssertNoErrors();

        var all = Complete("Publish-SessionComment -Repository ");
        Assert.Equal(["octo-org/widget", "upstream-org/widget"], all.Select(c => c.CompletionText));
        Assert.Equal("origin: https://github.com/octo-org/widget.git", all[0].ToolTip);
        Assert.DoesNotContain(all, c => c.ToolTip.Contains("secret") || c.ToolTip.Contains("dev:"));
        Assert.Equal(["upstream-org/widget"], Texts("Export-SessionAnalytics -Repository up"));
        Assert.Equal(["octo-org/widget"], Texts("Update-SessionSummary -Repository oct"));
    }

    [Fact]
    public void RepositoryOutsideAnyCloneCompletesNothing()
    {
        _host.Run("$ExecutionContext.SessionState.Path.SetLocation($args[0]) | Out-Null", _home.Root).AssertNoErrors();
        Assert.Empty(Texts("Publish-SessionComment -Repository "));
    }

    [Fact]
    public void GitHubRepositoryFromTheEnvironmentComesFirst()
    {
        Environment.SetEnvironmentVariable("GITHUB_REPOSITORY", "ci-org/ci-repo");
        _host.Run("$ExecutionContext.SessionState.Path.SetLocation($args[0]) | Out-Null", _home.Root).AssertNoErrors();
        var result = Assert.Single(Complete("Publish-SessionComment -Repository "));
        Assert.Equal("ci-org/ci-repo", result.CompletionText);
        Assert.Equal("GITHUB_REPOSITORY", result.ToolTip);
    }
}
