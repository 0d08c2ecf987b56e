using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// The skill attribution window (docs/about_SessionAnalytics.md, "Accounting"): a skill's window runs from its
/// invocation to the first of the next skill invocation, the next prompt the user typed, a compaction boundary; a failed
/// invocation has none.
/// </summary>
public sealed class SkillWindowTests : MeasurementTest
{
    private static SkillUsage Skill(SessionStats s, string name) => s.SkillsInvoked.Single(k => k.Skill == name);

    [Fact]
    public void A_skill_whose_invocation_failed_gets_nothing_even_through_a_compaction()
    {
        // Session 8463c716 (issue #9): handgemacht:commit failed at once (is_error) and was credited 28,979 output
        // tokens, because its window ran on through the work that followed and a context compaction.
        var b = New().User("commit this")
            .Skill(Opus, new Usage(1, 20), "handgemacht:commit", succeeds: false)
            .Bash(Opus, new Usage(3, 9000), "git add -A", "")
            .Commit(Opus, new Usage(2, 4000), "abc1234", "Add the thing")
            .Compaction("c0ffee", Opus, new Usage(2, 12000, 0, 40000))
            .Assistant(Opus, new Usage(4, 3979));
        var s = Measure(b);
        var skill = Skill(s, "handgemacht:commit");
        Assert.Equal((1, "fail", 0L, 0L), (skill.Count, skill.Status, skill.InputTokens, skill.OutputTokens));
        Assert.Equal(20 + 9000 + 4000 + 12000 + 3979, s.OutputTokens); // the session still has every token
    }

    [Fact]
    public void The_next_invocation_ends_a_window_even_when_it_fails()
    {
        var b = New().User("go")
            .Skill(Opus, new Usage(1, 10), "tdd:ci")
            .Assistant(Opus, new Usage(2, 100))
            .Skill(Opus, new Usage(3, 1000), "rca:ci", succeeds: false)
            .Assistant(Opus, new Usage(4, 10000));
        var s = Measure(b);
        Assert.Equal((3L, 110L), (Skill(s, "tdd:ci").InputTokens, Skill(s, "tdd:ci").OutputTokens));
        Assert.Equal((0L, 0L), (Skill(s, "rca:ci").InputTokens, Skill(s, "rca:ci").OutputTokens));
    }

    [Fact]
    public void A_typed_prompt_ends_a_window_but_Claude_Codes_own_messages_do_not()
    {
        var b = New().User("go")
            .Skill(Opus, new Usage(1, 10), "tdd:ci")
            .User("<task-notification>\n<task-id>b0be39e</task-id>\n<status>completed</status>\n</task-notification>")
            .Assistant(Opus, new Usage(2, 100))
            .User("<local-command-stdout>Compacted</local-command-stdout>")
            .User("Base directory for this skill: ...", isMeta: true)
            .Assistant(Opus, new Usage(4, 1000))
            .User("[Request interrupted by user]")
            .Assistant(Opus, new Usage(8, 10000))
            .User("did you push?")
            .Assistant(Opus, new Usage(16, 100000));
        var s = Measure(b);
        Assert.Equal((15L, 11110L), (Skill(s, "tdd:ci").InputTokens, Skill(s, "tdd:ci").OutputTokens));
    }

    [Fact]
    public void A_compaction_boundary_ends_a_window_and_the_compaction_call_is_not_the_skills()
    {
        // Auto-compaction: no prompt in between, only the boundary.
        var b = New().User("go")
            .Skill(Opus, new Usage(1, 10), "tdd:ci")
            .Assistant(Opus, new Usage(2, 100))
            .Compaction("946d2b", Opus, new Usage(5, 7000, 0, 90000))
            .Assistant(Opus, new Usage(4, 1000));
        var s = Measure(b);
        Assert.Equal((3L, 110L), (Skill(s, "tdd:ci").InputTokens, Skill(s, "tdd:ci").OutputTokens));
        Assert.Equal(10 + 100 + 7000 + 1000, s.OutputTokens);
    }

    [Fact]
    public void Subagent_responses_inside_a_window_are_the_skills()
    {
        var b = New().User("go")
            .Skill(Opus, new Usage(1, 10), "rca:ci")
            .Task(Opus, new Usage(2, 20), "a9", "Explore", "find the failing test", sub => sub.Assistant(Haiku, new Usage(40, 400)), reportTotals: false)
            .User("thanks")
            .Assistant(Opus, new Usage(8, 8000));
        var s = Measure(b);
        Assert.Equal((43L, 430L), (Skill(s, "rca:ci").InputTokens, Skill(s, "rca:ci").OutputTokens));
    }
}
