using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// Commits as they stand (docs/about_SessionAnalytics.md, "Accounting"): a git commit counts when its output shows
/// <c>[branch sha] subject</c>; an amend replaces the commit it amends; commits inside command chains are found.
/// </summary>
public sealed class CommitTests : MeasurementTest
{
    private static readonly Usage U = new(1, 1);

    [Fact]
    public void An_amend_replaces_the_commit_it_amends()
    {
        var b = New().User("commit").Commit(Opus, U, "abc1234", "Fix login")
            .Bash(Opus, U, "git commit --amend --no-edit", "[main def5678] Fix login timeout\n Date: Mon Feb 9 09:13:17 2026 +0000\n 2 files changed");
        var s = Measure(b);
        var c = Assert.Single(s.Commits);
        Assert.Equal(("def5678", "Fix login timeout", "main"), (c.Sha, c.Message, c.Branch));
        Assert.Equal(1, s.CommitCount);
    }

    [Fact]
    public void An_amend_replaces_the_last_commit_of_its_branch_only()
    {
        var b = New().User("commit")
            .Commit(Opus, U, "aaa1111", "First", branch: "fix/a")
            .Commit(Opus, U, "bbb2222", "Second", branch: "fix/b")
            .Bash(Opus, U, "git commit --amend -m 'First, better'", "[fix/a ccc3333] First, better");
        Assert.Equal(["ccc3333", "bbb2222"], Measure(b).Commits.Select(c => c.Sha));
    }

    [Fact]
    public void An_amend_of_a_commit_made_before_the_session_adds_no_commit()
    {
        var s = Measure(New().User("reword").Bash(Opus, U, "git commit --amend -m 'Reword'", "[main abc9999] Reword"));
        Assert.Empty(s.Commits);
    }

    [Fact]
    public void A_commit_inside_a_chain_counts_when_a_later_command_of_the_chain_fails()
    {
        var b = New().User("ship").Bash(Opus, U, "git add -A && git commit -m \"Add retry\" && git push",
            "[fix/retry 9f8e7d6] Add retry\n 1 file changed\nerror: failed to push some refs to 'origin'", isError: true);
        var s = Measure(b);
        Assert.Equal(["9f8e7d6"], s.Commits.Select(c => c.Sha));
        // The failed push is a problem of its own; the commit is not a rejected one.
        Assert.DoesNotContain(s.ProblemsFaced, p => p.Kind == "commit_failed");
        Assert.Contains(s.ProblemsFaced, p => p.Kind == "tool_error");
    }

    [Fact]
    public void Every_commit_of_a_chain_counts_and_an_amend_in_the_chain_replaces_the_one_before()
    {
        var b = New().User("commit twice")
            .Bash(Opus, U, "git commit -m a && git commit -m b", "[main 1111111] a\n 1 file changed\n[main 2222222] b\n 1 file changed")
            .Bash(Opus, U, "git commit -m c && git commit --amend -m d", "[main 3333333] c\n[main 4444444] d");
        Assert.Equal(["1111111", "2222222", "4444444"], Measure(b).Commits.Select(c => c.Sha));
    }

    [Fact]
    public void Only_output_that_shows_the_commit_counts()
    {
        var b = New().User("commit")
            .Bash(Opus, U, "git commit -m x", "On branch main\nnothing to commit, working tree clean", isError: true)
            .Bash(Opus, U, "git commit -q -m quiet", "")
            .Bash(Opus, U, "git cherry-pick 1234567", "[main 7654321] Picked from elsewhere");
        var s = Measure(b);
        Assert.Empty(s.Commits);
        // The failed call is a rejected commit; the quiet one may have worked, but shows nothing to count.
        Assert.Equal(1, s.ProblemsFaced.Single(p => p.Kind == "commit_failed").Iterations);
    }
}
