using System.Text.Json.Nodes;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>One test per rule of the accounting contract (docs/about_SessionAnalytics.md, "Accounting").</summary>
public sealed class AccountingTests : MeasurementTest
{
    [Fact]
    public void A_response_written_as_several_lines_counts_once_with_its_largest_usage()
    {
        var b = New().User("fix it")
            .Assistant(Opus, new Usage(3, 250, 1000, 5000), Text("a"), Text("b"), Text("c"), Text("d"), Text("e"));
        var s = Measure(b);
        var m = Assert.Single(s.Models);
        Assert.Equal((1, 3L, 250L, 1000L, 5000L), (m.Messages, m.InputTokens, m.OutputTokens, m.CacheCreationTokens, m.CacheReadTokens));
        Assert.Equal(6253, s.TotalTokens);
    }

    [Fact]
    public void Lines_without_ids_are_not_deduplicated()
    {
        var b = New().User("go");
        b.Response(Opus, new Usage(10, 20), null, [Text("x")], withIds: false);
        b.Response(Opus, new Usage(10, 20), null, [Text("x")], withIds: false);
        var s = Measure(b);
        Assert.Equal(2, s.Models[0].Messages);
        Assert.Equal(40, s.OutputTokens);
    }

    [Fact]
    public void Agent_progress_replays_are_never_counted_but_the_subagent_file_is()
    {
        var b = New().User("explore")
            .Task(Opus, new Usage(5, 50), "a3d04c8", "Explore", "Explore the code", sub =>
                sub.Assistant(Haiku, new Usage(100, 700, 2000, 9000)), reportedUsage: new Usage(100, 700, 2000, 9000))
            .AgentProgress("a3d04c8", Haiku, new Usage(100, 700));
        var s = Measure(b);
        var haiku = Assert.Single(s.Models, m => m.Model == Haiku);
        Assert.Equal((1, 100L, 700L), (haiku.Messages, haiku.InputTokens, haiku.OutputTokens));
        Assert.Equal(105, s.InputTokens);
    }

    [Fact]
    public void Compaction_calls_count_toward_the_session_but_are_not_listed_as_subagents()
    {
        var b = New().User("long work").Assistant(Opus, new Usage(1, 10)).Compaction("946d2b", Opus, new Usage(2, 3000, 0, 40000));
        var s = Measure(b);
        Assert.Equal(3010, s.OutputTokens);
        Assert.Equal(2, s.Models[0].Messages);
        Assert.Empty(s.Subagents);
    }

    [Fact]
    public void Each_response_is_priced_with_its_own_model_including_after_a_skill_switches_model()
    {
        var b = New().User("go")
            .Assistant(Opus, new Usage(100_000, 0))
            .Skill(Opus, new Usage(0, 0), "elixir:docs")
            .Assistant(Haiku, new Usage(100_000, 0));
        var s = Measure(b);
        Assert.Equal(0.5m, s.Models.Single(m => m.Model == Opus).CostUsd);
        Assert.Equal(0.1m, s.Models.Single(m => m.Model == Haiku).CostUsd);
        Assert.Equal(0.6m, s.EstimatedCostUsd);
    }

    [Fact]
    public void One_hour_cache_writes_cost_twice_input_and_five_minute_writes_one_and_a_quarter()
    {
        var s = Measure(New().User("go").Assistant(Haiku, new Usage(0, 0, 2_000_000, 0, CacheCreate1h: 1_000_000)));
        // 1M at 1h (2 × $1) + 1M at 5m (1.25 × $1)
        Assert.Equal(3.25m, s.Models[0].CostUsd);
        Assert.Equal(1_000_000, s.Models[0].CacheCreation1hTokens);
    }

    [Fact]
    public void Long_context_tier_reprices_a_response_whose_prompt_exceeds_the_threshold()
    {
        var s = Measure(New().User("go").Assistant(Sonnet, new Usage(250_000, 1_000_000)));
        Assert.Equal(250_000 * 6m / 1_000_000 + 22.5m, s.Models[0].CostUsd);
    }

    [Fact]
    public void An_unknown_model_is_counted_warned_about_and_never_priced()
    {
        var s = Measure(New().User("go").Assistant("claude-mystery-9", new Usage(100, 100)).Assistant(Opus, new Usage(0, 1_000_000)));
        Assert.Equal(["claude-mystery-9"], s.UnpricedModels);
        Assert.Null(s.Models.Single(m => m.Model == "claude-mystery-9").CostUsd);
        Assert.Equal(25m, s.EstimatedCostUsd);
        Assert.Contains(Diagnostics.Warnings, w => w.Contains("claude-mystery-9") && w.Contains("no known price"));
    }

    [Fact]
    public void Subagent_rows_are_the_sums_of_its_transcript_and_name_the_launch()
    {
        var b = New().User("explore")
            .Task(Opus, new Usage(5, 50), "a3d04c8", "Explore", "Explore session metadata context", sub => sub
                .Assistant(Haiku, new Usage(3, 200, 13838, 0))
                .Assistant(Haiku, new Usage(79, 700, 3378, 15436)), reportedUsage: new Usage(79, 700, 3378, 15436));
        var sub = Assert.Single(Measure(b).Subagents);
        Assert.Equal(("a3d04c8", "Explore", Haiku, "Explore session metadata context"), (sub.Id, sub.Type, sub.Model, sub.Description));
        Assert.Equal((82L, 900L, 17216L, 15436L, "transcript"), (sub.InputTokens, sub.OutputTokens, sub.CacheCreationTokens, sub.CacheReadTokens, sub.Source));
        // The tool result's own totals are shown as they are.
        Assert.Equal(79 + 700 + 3378 + 15436, sub.TotalTokens);
        Assert.Equal(32548, sub.DurationMs);
    }

    [Fact]
    public void Without_tool_result_totals_subagent_tokens_come_from_its_transcript_and_Agent_is_the_same_as_Task()
    {
        var b = New().User("explore")
            .Task(Opus, new Usage(5, 50), "b7ef123", "general-purpose", "Analyze CI failure logs",
                sub => sub.Assistant(Sonnet, new Usage(8000, 25000)), reportTotals: false, tool: "Agent");
        var sub = Assert.Single(Measure(b).Subagents);
        Assert.Equal(("b7ef123", "transcript", 8000L, 25000L, Sonnet), (sub.Id, sub.Source, sub.InputTokens, sub.OutputTokens, sub.Model));
    }

    [Fact]
    public void Flat_subagent_files_of_the_2_0_layout_belong_to_their_parent_session()
    {
        var b = New().User("explore")
            .Task(Opus, new Usage(5, 50), "c1d2e3f", "Explore", "look", sub => sub.Assistant(Haiku, new Usage(10, 20)), reportTotals: false);
        var s = Measure(b, flat: true);
        Assert.Equal(15, s.InputTokens);
        Assert.Contains(s.Models, m => m.Model == Haiku && m.OutputTokens == 20);
        var sessions = new SessionDiscovery(Diagnostics).Find(new SessionQuery { Roots = [Home.ConfigDirectory] }, false);
        Assert.Single(sessions);
    }

    [Fact]
    public void Tools_are_counted_per_name_across_main_thread_and_subagents()
    {
        var b = New().User("go")
            .Bash(Opus, new Usage(1, 1), "ls", "a b")
            .Bash(Opus, new Usage(1, 1), "pwd", "/x")
            .Task(Opus, new Usage(1, 1), "a1", "Explore", "look", sub => sub.Bash(Haiku, new Usage(1, 1), "grep x", "x"), reportTotals: false);
        var s = Measure(b);
        Assert.Equal(3, s.Tools["Bash"]);
        Assert.Equal(1, s.Tools["Task"]);
        Assert.Equal(4, s.ToolCallCount);
    }

    [Fact]
    public void Skills_carry_count_status_sequence_and_the_tokens_of_their_window()
    {
        var b = New().User("ship it")
            .Skill(Opus, new Usage(1, 1), "tdd:ci")
            .Assistant(Opus, new Usage(100, 1000))
            .Skill(Opus, new Usage(1, 1), "rca:ci", succeeds: false)
            .Assistant(Opus, new Usage(200, 2000))
            .User("now something else")
            .Assistant(Opus, new Usage(5000, 5000))
            .Skill(Opus, new Usage(1, 1), "tdd:ci");
        var s = Measure(b);
        Assert.Equal(["tdd:ci", "rca:ci", "tdd:ci"], s.SkillSequence);
        var tdd = s.SkillsInvoked.Single(k => k.Skill == "tdd:ci");
        var rca = s.SkillsInvoked.Single(k => k.Skill == "rca:ci");
        Assert.Equal((2, "pass"), (tdd.Count, tdd.Status));
        Assert.Equal((1, "fail"), (rca.Count, rca.Status));
        // tdd:ci owns the response that invoked it, the one after, and the last invocation; rca's invocation ends its
        // window and, having failed, gets nothing (SkillWindowTests has each rule on its own).
        Assert.Equal((1 + 100 + 1, 1 + 1000 + 1), (tdd.InputTokens, tdd.OutputTokens));
        Assert.Equal((0L, 0L), (rca.InputTokens, rca.OutputTokens));
    }

    [Fact]
    public void Only_commits_that_happened_are_commits_and_failed_attempts_are_problems()
    {
        var b = New(); b.OnBranch("fix/keycloak-652").User("commit");
        b.Commit(Opus, new Usage(1, 1), "abc1234", "Fix keycloak token refresh", succeeds: false)
         .Commit(Opus, new Usage(1, 1), "abc1234", "Fix keycloak token refresh")
         .Commit(Opus, new Usage(1, 1), "def5678", "Add retry logic");
        var s = Measure(b);
        Assert.Equal(["abc1234", "def5678"], s.Commits.Select(c => c.Sha));
        Assert.Equal("Fix keycloak token refresh", s.Commits[0].Message);
        Assert.Equal("fix/keycloak-652", s.Commits[0].Branch);
        var p = Assert.Single(s.ProblemsFaced);
        Assert.Equal(("commit_failed", 1, true), (p.Kind, p.Iterations, p.Resolved));
        Assert.Equal("git commit rejected: Pre-commit validation failed: [FORMAT] Code is not formatted.", p.Description);
    }

    [Fact]
    public void Failed_tools_are_grouped_into_problems_with_iterations_and_resolution()
    {
        var b = New().User("test")
            .Bash(Opus, new Usage(1, 1), "mix test", "3 tests, 1 failure", isError: true)
            .Bash(Opus, new Usage(1, 1), "mix test test/a_test.exs", "1 failure", isError: true)
            .Bash(Opus, new Usage(1, 1), "mix test", "3 tests, 0 failures")
            .Bash(Opus, new Usage(1, 1), "npm run lint", "lint error", isError: true)
            .ApiError("API Error: 529 Overloaded")
            .ApiError("API Error: 529 Overloaded")
            .Assistant(Opus, new Usage(1, 1));
        var s = Measure(b);
        Assert.Equal(3, s.ProblemsFaced.Count);
        var test = s.ProblemsFaced[0];
        Assert.Equal(("tool_error", 2, true), (test.Kind, test.Iterations, test.Resolved));
        Assert.StartsWith("Bash 'mix test' failed: 3 tests, 1 failure", test.Description);
        Assert.False(s.ProblemsFaced[1].Resolved);
        Assert.Equal(("api_error", 2, true), (s.ProblemsFaced[2].Kind, s.ProblemsFaced[2].Iterations, s.ProblemsFaced[2].Resolved));
    }

    [Fact]
    public void Problem_descriptions_never_carry_secrets()
    {
        var s = Measure(New().User("go").Bash(Opus, new Usage(1, 1), "curl -H 'Authorization: Bearer abc'", "401 for token ghp_0123456789abcdefghijABCDEFGHIJ012345", isError: true));
        Assert.DoesNotContain("ghp_0123456789", Assert.Single(s.ProblemsFaced).Description);
    }

    [Fact]
    public void User_rejections_are_not_problems()
    {
        var s = Measure(New().User("go").Bash(Opus, new Usage(1, 1), "rm -rf /", "The user doesn't want to proceed with this tool use.", isError: true));
        Assert.Empty(s.ProblemsFaced);
    }

    [Fact]
    public void Duration_spans_first_to_last_line_and_active_time_leaves_out_idle_gaps()
    {
        var b = New().User("go").Assistant(Opus, new Usage(1, 1));
        b.Advance(TimeSpan.FromMinutes(10)).Assistant(Opus, new Usage(1, 1));
        b.Advance(TimeSpan.FromHours(1)).User("back").Assistant(Opus, new Usage(1, 1));
        var s = Measure(b);
        Assert.Equal(70, s.DurationMinutes);
        Assert.Equal(10, s.ActiveMinutes);
    }

    [Fact]
    public void The_branch_is_the_last_non_default_branch_seen()
    {
        var b = New().User("go").Assistant(Opus, new Usage(1, 1));
        b.OnBranch("fix/x").Assistant(Opus, new Usage(1, 1));
        b.OnBranch("main").Assistant(Opus, new Usage(1, 1));
        var s = Measure(b);
        Assert.Equal("fix/x", s.Branch);
        Assert.Equal(["fix/x", "main"], s.Branches);
    }

    [Fact]
    public void Replayed_lines_of_a_resumed_session_count_in_their_own_session_only()
    {
        var first = New("11111111-0000-0000-0000-000000000001").User("start").Assistant(Opus, new Usage(10, 100));
        Home.Write(first);
        var resumed = New("22222222-0000-0000-0000-000000000002");
        foreach (var line in first.Lines) resumed.Raw(line); // the replayed history, still naming the first session
        resumed.User("continue").Assistant(Opus, new Usage(1, 7));
        var s = Measure(resumed);
        Assert.Equal(7, s.OutputTokens);
        Assert.Equal(1, s.MessageCount);
    }

    [Fact]
    public void The_same_uuid_in_a_subagent_file_and_the_main_file_counts_once()
    {
        var b = New().User("go").Assistant(Opus, new Usage(1, 10));
        var path = Home.Write(b);
        var dir = Path.Combine(Path.GetDirectoryName(path)!, b.SessionId, "subagents");
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "agent-dup.jsonl"), b.Lines);
        var session = new SessionDiscovery(Diagnostics).DescribeFile(path)!;
        var s = new SessionStatsCalculator(PricingTable.Default, Diagnostics).Calculate(session);
        Assert.Equal(10, s.OutputTokens);
    }

    [Fact]
    public void Legacy_inline_sidechains_are_counted_and_tasks_listed()
    {
        var b = new TranscriptBuilder("fe5e1c67-53e7-4862-81ae-d0e013e3270b", version: "1.0.98").User("run five");
        var launch = "toolu_legacy1";
        b.Assistant(Sonnet, new Usage(1, 1), ToolUse(launch, "Task", new JsonObject { ["description"] = "Count files", ["prompt"] = "count them", ["subagent_type"] = "general-purpose" }));
        var inline = new TranscriptBuilder(b.SessionId, version: "1.0.98", agentId: null);
        // 1.0.x: the subagent's lines are in the parent file, isSidechain true, no agentId, chained from its prompt.
        inline.User("count them").Assistant(Sonnet, new Usage(40, 400));
        foreach (var l in inline.Lines) b.Raw(l.Replace("\"isSidechain\":false", "\"isSidechain\":true"));
        b.ToolResult(launch, "done", toolUseResult: new JsonObject { ["totalTokens"] = 440, ["totalDurationMs"] = 1000, ["totalToolUseCount"] = 0 });
        var s = Measure(b);
        Assert.Equal(401, s.OutputTokens);
        var sub = Assert.Single(s.Subagents);
        Assert.Equal(("general-purpose", "Count files", "transcript", Sonnet, 440L), (sub.Type, sub.Description, sub.Source, sub.Model, sub.TotalTokens!.Value));
        Assert.Equal((40L, 400L), (sub.InputTokens, sub.OutputTokens));
    }

    [Fact]
    public void Json_round_trip_keeps_every_field()
    {
        var b = New().OnBranch("fix/keycloak-652").User("go")
            .Skill(Opus, new Usage(1, 1), "tdd:ci")
            .Task(Opus, new Usage(5, 50), "a3d04c8", "Explore", "Explore <ctx> & \"more\"", sub => sub.Assistant(Haiku, new Usage(1, 2)), reportedUsage: new Usage(1, 2, 3, 4))
            .Commit(Opus, new Usage(1, 1), "abc1234", "Fix | pipes --> and </details>")
            .Bash(Opus, new Usage(1, 1), "make", "boom", isError: true);
        var s = Measure(b) with
        {
            TargetType = "pr",
            TargetNumber = 652,
            WorkflowEdges = new Dictionary<string, IReadOnlyDictionary<string, int>> { ["tdd"] = new Dictionary<string, int> { ["A->B"] = 2 } },
        };
        var json = SessionStatsJson.Write(s);
        var back = SessionStatsJson.Read(json);
        Assert.Equal(json, SessionStatsJson.Write(back));
        Assert.DoesNotContain("-->", json);
        Assert.DoesNotContain("</details>", json);
        // Everything but the local transcript paths comes back; the JSON keeps model costs to 1/100 cent.
        Assert.Equivalent(s with { TranscriptPaths = [], Models = s.Models.Select(m => m with { CostUsd = Math.Round(m.CostUsd!.Value, 4) }).ToList() }, back, strict: true);
    }

    [Fact]
    public void Json_has_the_design_fields_in_the_design_order()
    {
        var json = SessionStatsJson.Write(Measure(New().User("go").Assistant(Opus, new Usage(1, 1))));
        string[] designOrder = ["session_id", "session_id_short", "project", "branch", "target", "started_at", "ended_at",
            "duration_minutes", "models", "total_tokens", "estimated_cost_usd", "tools", "skills_invoked", "subagents",
            "commits", "problems_faced", "workflow_edges"];
        var positions = designOrder.Select(name => json.IndexOf($"\"{name}\":", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        Assert.Contains("\"cache_creation_tokens\": 0", json);
    }
}
