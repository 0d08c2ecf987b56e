using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// Honest output tokens and subagents measured from their own lines (docs/about_SessionAnalytics.md, "Accounting",
/// "Final usage" and "Subagents"). Claude Code 2.1.x logs each response with the output count known mid-stream; the
/// parent's Task/Agent toolUseResult.usage is the final usage of the subagent's last call.
/// </summary>
public sealed class FinalUsageTests : MeasurementTest
{
    /// <summary>The shape of subagent a2898e3 of session 4d5611e5 (issue #9), small: three calls logging 3, 3 and 1 output tokens.</summary>
    private static TranscriptBuilder SubagentSession(Usage reported, SubagentLog log = SubagentLog.File) =>
        new TranscriptBuilder("4d5611e5-0000-4000-8000-000000000001") { MidStream = true }.User("explore")
            .Task(Opus, new Usage(5, 50), "a2898e3", "Explore", "Check versions", sub => sub
                .Assistant(Haiku, new Usage(3, 3, 13838, 0), Text("looking"), ToolUse("toolu_s1", "WebSearch", new()))
                .Assistant(Haiku, new Usage(2326, 3, 1598, 13838), ToolUse("toolu_s2", "WebSearch", new()))
                .Assistant(Haiku, new Usage(79, 1, 3378, 15436), Text("The versions are ...")),
                reportedUsage: reported, log: log)
            .Assistant(Opus, new Usage(2, 40));

    [Fact]
    public void The_subagents_last_call_takes_the_final_output_its_parent_reports()
    {
        var s = Measure(SubagentSession(new Usage(79, 938, 3378, 15436)));

        var haiku = Assert.Single(s.Models, m => m.Model == Haiku);
        // Input and cache figures are the transcript's; the last call's output is the final 938 instead of the logged 1.
        Assert.Equal((3, 3 + 2326 + 79L, 3 + 3 + 938L, 13838 + 1598 + 3378L, 13838 + 15436L),
            (haiku.Messages, haiku.InputTokens, haiku.OutputTokens, haiku.CacheCreationTokens, haiku.CacheReadTokens));
        var sub = Assert.Single(s.Subagents);
        Assert.Equal(("a2898e3", Haiku, "transcript", 944L, 937L), (sub.Id, sub.Model, sub.Source, sub.OutputTokens, sub.OutputTokensCorrection));
        Assert.Equal((haiku.InputTokens, haiku.CacheCreationTokens, haiku.CacheReadTokens), (sub.InputTokens, sub.CacheCreationTokens, sub.CacheReadTokens));
        Assert.Equal(937, s.OutputTokensCorrection);
        Assert.Equal(50 + 40 + 944, s.OutputTokens);
        // The main thread's output counts are still the logged mid-stream ones.
        Assert.True(s.OutputTokensLowerBound);
        Assert.Empty(Diagnostics.Errors);
    }

    [Fact]
    public void A_final_output_below_the_logged_count_changes_nothing()
    {
        var s = Measure(SubagentSession(new Usage(79, 0, 3378, 15436)));
        Assert.Equal((7L, 0L), (s.Subagents[0].OutputTokens, s.OutputTokensCorrection));
    }

    [Fact]
    public void Final_usage_that_matches_no_logged_call_corrects_nothing_when_the_transcript_exists()
    {
        // Input and cache figures that no call of the transcript has: not the usage of a call it logged.
        var s = Measure(SubagentSession(new Usage(2408, 938, 18814, 29274)));
        var haiku = Assert.Single(s.Models, m => m.Model == Haiku);
        Assert.Equal((3, 7L), (haiku.Messages, haiku.OutputTokens));
        Assert.Equal(0, s.OutputTokensCorrection);
        Assert.True(s.OutputTokensLowerBound);
    }

    [Fact]
    public void Output_is_a_lower_bound_unless_every_response_has_its_final_count()
    {
        var final = Measure(New().User("go").Assistant(Opus, new Usage(1, 100), Text("a"), Text("b")));
        Assert.False(final.OutputTokensLowerBound);
        var streamed = Measure(new TranscriptBuilder("22222222-0000-4000-8000-000000000002") { MidStream = true }.User("go").Assistant(Opus, new Usage(1, 100)));
        Assert.True(streamed.OutputTokensLowerBound);

        Assert.Contains("lower bound", SessionCommentRenderer.Render(streamed, []));
        Assert.DoesNotContain("lower bound", SessionCommentRenderer.Render(final, []));
        Assert.Contains("\"output_tokens_lower_bound\": true", SessionStatsJson.Write(streamed));
    }

    [Fact]
    public void The_comment_says_how_much_output_came_from_final_usage()
    {
        var body = SessionCommentRenderer.Render(Measure(SubagentSession(new Usage(79, 938, 3378, 15436))), []);
        Assert.Contains("937", body[..body.IndexOf("Session Data (JSON)", StringComparison.Ordinal)]);
    }

    [Fact]
    public void A_subagent_without_its_transcript_is_measured_from_its_replays_once()
    {
        var b = SubagentSession(new Usage(79, 938, 3378, 15436), SubagentLog.ReplaysOnly);
        // A replayed line read twice (a resumed parent) still counts once.
        var replay = b.Lines.First(l => l.Contains("agent_progress") && l.Contains("\"assistant\""));
        b.Raw(replay);
        var s = Measure(b);

        var haiku = Assert.Single(s.Models, m => m.Model == Haiku);
        // The two replayed calls, and the answering call, which replays never carry, from the tool result.
        Assert.Equal((3, 3 + 2326 + 79L, 3 + 3 + 938L, 13838 + 1598 + 3378L, 13838 + 15436L),
            (haiku.Messages, haiku.InputTokens, haiku.OutputTokens, haiku.CacheCreationTokens, haiku.CacheReadTokens));
        var sub = Assert.Single(s.Subagents);
        Assert.Equal(("a2898e3", Haiku, "agent_progress", 944L), (sub.Id, sub.Model, sub.Source, sub.OutputTokens));
        Assert.Equal(5 + 2 + haiku.InputTokens, s.InputTokens);
        Assert.Equal(2, s.Tools["WebSearch"]); // the subagent's tool calls are its own, read from the replays
        Assert.Empty(Diagnostics.Errors);
    }

    [Fact]
    public void With_no_transcript_and_no_replays_the_tool_result_is_all_there_is_and_says_so()
    {
        var s = Measure(SubagentSession(new Usage(79, 938, 3378, 15436), SubagentLog.None));
        var sub = Assert.Single(s.Subagents);
        Assert.Equal(("a2898e3", "tool_result", 79L, 938L, 3378L, 15436L),
            (sub.Id, sub.Source, sub.InputTokens, sub.OutputTokens, sub.CacheCreationTokens, sub.CacheReadTokens));
        // Its model is not known exactly, so the session's model totals hold only what was logged, and say they are short.
        Assert.DoesNotContain(s.Models, m => m.Model == Haiku);
        Assert.True(s.OutputTokensLowerBound);
    }

    [Fact]
    public void A_subagent_that_used_two_models_has_one_row_per_model_and_counts_once()
    {
        var b = New().User("explore").Task(Opus, new Usage(5, 50), "a77", "Explore", "look", sub => sub
            .Assistant(Haiku, new Usage(10, 100, 1000, 0))
            .Assistant(Sonnet, new Usage(20, 200, 50, 1000))
            .Assistant(Haiku, new Usage(30, 300, 10, 1050)), reportTotals: false);
        var s = Measure(b);
        Assert.Equal(1, s.SubagentCount);
        Assert.Equal([(Haiku, 40L, 400L), (Sonnet, 20L, 200L)], s.Subagents.Select(a => (a.Model!, a.InputTokens, a.OutputTokens)));
        Assert.All(s.Subagents, a => Assert.Equal("a77", a.Id));
        // The subagent rows of a model never exceed the model's row.
        foreach (var m in s.Models)
            Assert.True(s.Subagents.Where(a => a.Model == m.Model).Sum(a => a.OutputTokens) <= m.OutputTokens);
        // The CSV record counts the subagent once too.
        var record = SessionAnalyticsRecord.FromStats(s);
        Assert.Equal(1, record.SubagentCount);
        Assert.Contains("\"count\":1", record.PerSubagentTokens);
    }
}
