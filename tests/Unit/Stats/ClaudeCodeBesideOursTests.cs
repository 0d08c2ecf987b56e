using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// Claude Code's own figures beside ours (issue #9, docs/about_SessionAnalytics.md "Claude Code's own figures"): the
/// status line the recorder saved and the /cost output recorded in the transcript, in the session JSON
/// (<c>claude_code</c>), the comment's verification line and the summary.
/// </summary>
public sealed class ClaudeCodeBesideOursTests : MeasurementTest
{
    private const string SessionId = "5d1e0c2a-7b3f-4c11-9d2e-0a1b2c3d4e5f";

    /// <summary>What /cost printed in the session (2.1.x shape, rounded token counts).</summary>
    private const string CostOutput =
        "Total cost:            $0.0859\n" +
        "Total duration (API):  21.5s\n" +
        "Total duration (wall): 1m 10.3s\n" +
        "Total code changes:    12 lines added, 3 lines removed\n" +
        "Usage by model:\n" +
        "       claude-opus:  15 input, 1.2k output, 20.0k cache read, 30.0k cache write ($0.0845)";

    /// <summary>A 2.1.x session (output logged mid-stream) in which the user ran /cost half-way.</summary>
    private static TranscriptBuilder Session() =>
        new TranscriptBuilder(SessionId) { MidStream = true }
            .User("Fix the login timeout")
            .Assistant(Opus, new Usage(10, 400, 20_000, 0), Text("Looking at the code."))
            .Bash(Opus, new Usage(5, 300, 1_000, 20_000), "dotnet build", "Build succeeded.")
            .LocalCommand("cost", CostOutput)
            .Advance(TimeSpan.FromMinutes(5))
            .User("Go on")
            .Assistant(Opus, new Usage(8, 900, 2_000, 21_000), Text("Done."));

    private string StatusLineDirectory => Path.Combine(Home.ConfigDirectory, "sessionanalytics", "statusline");

    /// <summary>Saves a status line JSON as statusline-record.sh does: &lt;config&gt;/sessionanalytics/statusline/&lt;id&gt;.json.</summary>
    private void RecordStatusLine(decimal cost, long outputTokens, DateTimeOffset at, string? directory = null)
    {
        directory ??= StatusLineDirectory;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, SessionId + ".json");
        File.WriteAllText(path, $$$"""
            {"session_id":"{{{SessionId}}}","transcript_path":"/x/{{{SessionId}}}.jsonl","cwd":"/home/dev/widget",
             "model":{"id":"claude-opus-4-6","display_name":"Opus"},"version":"2.1.39",
             "cost":{"total_cost_usd":{{{cost.ToString(CultureInfo.InvariantCulture)}}},"total_duration_ms":612000,"total_api_duration_ms":98000,
                     "total_lines_added":40,"total_lines_removed":7},
             "context_window":{"total_input_tokens":23,"total_output_tokens":{{{outputTokens}}}}}
            """);
        File.SetLastWriteTimeUtc(path, at.UtcDateTime);
    }

    [Fact]
    public void A_recorded_status_line_and_a_recorded_cost_output_show_both_figures_and_the_difference_in_the_json_and_the_comment()
    {
        var builder = Session();
        var transcript = Home.Write(builder);
        // Measured before the status line is recorded: our own figures, and the /cost output from the transcript.
        var ours = Measure(transcript);
        Assert.NotNull(ours.ClaudeCode?.CostCommand);
        Assert.Null(ours.ClaudeCode!.StatusLine);

        // Claude Code's status line says twice our cost and output: ours is then exactly 50% lower. Compared before
        // rounding to cents, to the 4 decimals per model the JSON carries (in cents the difference would not be 50%).
        var oursCost = ours.Models.Sum(m => Math.Round(m.CostUsd ?? 0m, 4));
        Assert.NotEqual(ours.EstimatedCostUsd, oursCost);
        var end = builder.Clock;
        RecordStatusLine(2 * oursCost, 2 * ours.OutputTokens, end);
        var s = Measure(transcript);

        Assert.Equal(2 * oursCost, s.ClaudeCode!.StatusLine!.CostUsd);
        Assert.Equal(0.0859m, s.ClaudeCode.CostCommand!.CostUsd);
        Assert.Equal((1200L, true), (s.ClaudeCode.CostCommand.OutputTokens, s.ClaudeCode.CostCommand.TokensRounded));
        Assert.Equal((2 * oursCost, 2 * ours.OutputTokens), (s.ClaudeCodeCostUsd, s.ClaudeCodeOutputTokens));
        Assert.True(s.OutputTokensLowerBound);

        // The JSON: both sources, and the comparison saying which figure is which.
        using var json = JsonDocument.Parse(SessionStatsJson.Write(s));
        var cc = json.RootElement.GetProperty("claude_code");
        Assert.Equal(2 * oursCost, cc.GetProperty("status_line").GetProperty("cost_usd").GetDecimal());
        Assert.Equal("statusline", cc.GetProperty("status_line").GetProperty("source").GetString());
        Assert.Equal(2 * ours.OutputTokens, cc.GetProperty("status_line").GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.0859m, cc.GetProperty("cost_command").GetProperty("cost_usd").GetDecimal());
        Assert.Equal("cost_command", cc.GetProperty("cost_command").GetProperty("source").GetString());
        Assert.Equal(12, cc.GetProperty("cost_command").GetProperty("lines_added").GetInt64());
        // Where the figures were read stays on the measuring machine, like the transcript paths.
        Assert.Equal(JsonValueKind.Null, cc.GetProperty("status_line").GetProperty("location").ValueKind);
        Assert.Equal(JsonValueKind.Null, cc.GetProperty("cost_command").GetProperty("location").ValueKind);
        Assert.Equal(JsonValueKind.Null, cc.GetProperty("status_line").GetProperty("transcript_path").ValueKind);
        var cost = cc.GetProperty("compared").GetProperty("cost_usd");
        Assert.Equal("statusline", cost.GetProperty("source").GetString()); // recorded after /cost
        Assert.Equal(oursCost, cost.GetProperty("ours").GetDecimal());
        Assert.Equal(2 * oursCost, cost.GetProperty("claude_code").GetDecimal());
        Assert.Equal(-oursCost, cost.GetProperty("ours_minus_claude_code").GetDecimal());
        Assert.Equal(-50.0m, cost.GetProperty("ours_minus_claude_code_percent").GetDecimal());
        var output = cc.GetProperty("compared").GetProperty("output_tokens");
        Assert.Equal((ours.OutputTokens, 2 * ours.OutputTokens, -ours.OutputTokens),
            (output.GetProperty("ours").GetInt64(), output.GetProperty("claude_code").GetInt64(), output.GetProperty("ours_minus_claude_code").GetInt64()));
        Assert.Equal(-50.0m, output.GetProperty("ours_minus_claude_code_percent").GetDecimal());

        // The comment: the verification line, the /cost seen earlier, and the JSON that carries it all back.
        var comment = SessionCommentRenderer.Render(s, []);
        var at = end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Assert.Contains($"**Verified against Claude Code:** Claude Code reported {CommentFormatting.Money(2 * oursCost)} (status line, {at} UTC): " +
                        $"ours is 50.0% lower ({CommentFormatting.Money(ours.EstimatedCostUsd)}) — output tokens logged mid-stream.", comment);
        Assert.Contains($"Output tokens: Claude Code {CommentFormatting.Number(2 * ours.OutputTokens)}, ours is 50.0% lower ({CommentFormatting.Number(ours.OutputTokens)})" +
                        " — ours are Claude Code's logged mid-stream counts, a lower bound.", comment);
        Assert.Contains("Earlier, /cost at 2026-02-08 ", comment);
        Assert.Contains(" reported $0.09 and 1,200 output tokens.", comment);
        Assert.True(SessionCommentParser.TryParse(comment, out var back, out var error), error);
        Assert.Equivalent(s.ClaudeCode with
        {
            StatusLine = s.ClaudeCode.StatusLine with { Location = null, TranscriptPath = null },
            CostCommand = s.ClaudeCode.CostCommand with { Location = null },
        }, back.ClaudeCode, strict: true);
        Assert.Equivalent(s.ClaudeCodeVerification, back.ClaudeCodeVerification, strict: true);
        Assert.Empty(Diagnostics.Errors);
    }

    [Fact]
    public void The_figures_recorded_last_are_compared_and_a_cost_output_after_the_status_line_wins()
    {
        var builder = Session();
        var transcript = Home.Write(builder);
        // Recorded before /cost ran (the recorder was removed half-way): /cost is the later figure.
        RecordStatusLine(0.05m, 700, new DateTimeOffset(2026, 2, 8, 22, 0, 0, TimeSpan.Zero));
        var s = Measure(transcript);
        Assert.Equal((ClaudeCodeFigureSources.CostCommand, 0.0859m), (s.ClaudeCodeVerification!.Cost!.Source, s.ClaudeCodeVerification.Cost.ClaudeCode));
        Assert.True(s.ClaudeCodeVerification.OutputTokens!.Rounded);
        var comment = SessionCommentRenderer.Render(s, []);
        Assert.Contains("Claude Code reported $0.09 (/cost, 2026-02-08 ", comment);
        Assert.Contains("/cost rounds its token counts", comment);
        // /cost ran before the last lines: said, since it explains why ours may be higher.
        Assert.Contains("Claude Code's figure was recorded before the session's last activity", comment);
        Assert.Contains("Earlier, status line at 2026-02-08 22:00 UTC reported $0.05 and 700 output tokens.", comment);
    }

    [Fact]
    public void Without_recorded_figures_there_is_no_claude_code_object_and_no_verification_line()
    {
        var s = Measure(new TranscriptBuilder(SessionId).User("hi").Assistant(Opus, new Usage(3, 30)));
        Assert.Null(s.ClaudeCode);
        Assert.Null(s.ClaudeCodeVerification);
        Assert.DoesNotContain("claude_code", SessionStatsJson.Write(s));
        Assert.DoesNotContain("Verified against Claude Code", SessionCommentRenderer.Render(s, []));
    }

    [Fact]
    public void A_subscriber_cost_output_has_no_amount_so_only_output_tokens_are_compared()
    {
        var s = Measure(new TranscriptBuilder(SessionId) { MidStream = true }.User("hi").Assistant(Opus, new Usage(3, 300))
            .LocalCommand("cost", "With your Claude Max subscription, no need to monitor cost — your subscription includes Claude Code usage.\n" +
                                  "Usage by model:\n       claude-opus:  3 input, 600 output, 0 cache read, 0 cache write", asUserLines: true));
        var v = s.ClaudeCodeVerification!;
        Assert.Null(v.Cost);
        Assert.Equal((300m, 600m, -50.0m), (v.OutputTokens!.Ours, v.OutputTokens.ClaudeCode, v.OutputTokens.OursMinusClaudeCodePercent));
        Assert.Contains("cost_usd", s.ClaudeCode!.CostCommand!.Missing);
        var comment = SessionCommentRenderer.Render(s, []);
        Assert.Contains("**Verified against Claude Code:** Output tokens: Claude Code 600 (/cost, 2026-02-08 ", comment);
        Assert.DoesNotContain("Claude Code reported", comment);
    }

    [Fact]
    public void The_status_line_is_found_where_the_recorder_saves_it_when_the_data_directory_is_overridden()
    {
        var transcript = Home.Write(new TranscriptBuilder(SessionId).User("hi").Assistant(Opus, new Usage(3, 30)));
        var elsewhere = Path.Combine(Home.Root, "statusline-data");
        RecordStatusLine(1.5m, 30, DateTimeOffset.UtcNow, elsewhere);
        Assert.Null(Measure(transcript).ClaudeCode); // not under the config directory

        var environment = new Dictionary<string, string?> { [StatusLineFigures.DataDirectoryVariable] = elsewhere };
        var options = StatsOptions.WithRecorderLocations(name => environment.GetValueOrDefault(name), Path.Combine(Home.Root, "home"));
        Assert.Equal(elsewhere, options.StatusLineDirectory);
        Assert.Contains(Path.Combine(Home.Root, "home", ".claude"), options.ConfigDirectories);
        var session = new SessionDiscovery(Diagnostics).DescribeFile(transcript)!;
        var s = new SessionStatsCalculator(PricingTable.Default, Diagnostics, options).Calculate(session);
        Assert.Equal(1.5m, s.ClaudeCodeCostUsd);
        Assert.Equal(elsewhere, Path.GetDirectoryName(s.ClaudeCode!.StatusLine!.Location));

        // CLAUDE_CONFIG_DIR is searched as the recorder's config directory.
        var config = StatsOptions.WithRecorderLocations(name => name == "CLAUDE_CONFIG_DIR" ? "/a/claude, /b/claude" : null, "/home/x");
        Assert.Equal(["/a/claude", "/b/claude"], config.ConfigDirectories);
        Assert.Null(config.StatusLineDirectory);
    }

    [Fact]
    public void The_summary_sums_both_where_known_and_counts_the_sessions_whose_output_is_a_lower_bound()
    {
        var builder = Session();
        var transcript = Home.Write(builder);
        RecordStatusLine(10m, 4000, builder.Clock);
        var withFigures = Measure(transcript);
        var without = withFigures with
        {
            SessionId = "6e2f1d3b-0000-4000-8000-000000000002", ClaudeCode = null, EstimatedCostUsd = 1.25m, OutputTokensLowerBound = false,
            StartedAt = withFigures.StartedAt!.Value.AddHours(1),
        };

        var data = SessionSummaryData.Aggregate([withFigures, without]);
        Assert.Equal((1, 10m, CommentFormatting.Cents(withFigures.EstimatedCostUsd)), (data.ClaudeCode!.CostSessions, data.ClaudeCode.CostUsd, data.ClaudeCode.OursCostUsd));
        Assert.Equal((1, 4000L, withFigures.OutputTokens), (data.ClaudeCode.OutputSessions, data.ClaudeCode.OutputTokens, data.ClaudeCode.OursOutputTokens));
        Assert.Equal((true, 1), (data.OutputTokensLowerBound, data.OutputTokensLowerBoundSessions));

        var body = SessionSummaryRenderer.Render([withFigures, without]);
        Assert.Contains($"- Claude Code reported $10.00 for 1 of 2 sessions; ours for that one: {CommentFormatting.Money(withFigures.EstimatedCostUsd)} (", body);
        Assert.Contains($"- Claude Code reported 4,000 output tokens for 1 of 2 sessions; ours for that one: {CommentFormatting.Number(withFigures.OutputTokens)} (", body);
        Assert.Contains("_Output tokens of 1 of 2 sessions are Claude Code's logged mid-stream counts, so the output totals are a lower bound._", body);

        // The summary's JSON carries the sums and reads back to the same figures.
        Assert.True(SummaryParser.TryParse(body, out var back, out var error), error);
        Assert.Equivalent(data.ClaudeCode, back.ClaudeCode, strict: true);
        Assert.Equal((data.OutputTokensLowerBound, data.OutputTokensLowerBoundSessions), (back.OutputTokensLowerBound, back.OutputTokensLowerBoundSessions));
        Assert.Equal([10m, null], back.Sessions.Select(e => e.ClaudeCodeCostUsd));
        Assert.Equal(SessionSummaryJson.Write(data), SessionSummaryJson.Write(back));
    }

    [Fact]
    public void A_summary_written_before_these_fields_existed_reads_with_them_unknown()
    {
        const string Old = """
            {"schema_version": 1, "target": {"type": "pr", "number": 652}, "status": null, "session_count": 1,
             "session_ids": ["00b11888-7e0c-4fb4-bb39-32ea32e09b64"], "total_cost_usd": 12.45, "total_commits": 2, "total_duration_minutes": 78,
             "total_tokens": {"input": 1, "output": 2, "cache_creation": 3, "cache_read": 4}, "models": {},
             "sessions": [{"session_id": "00b11888-7e0c-4fb4-bb39-32ea32e09b64", "cost_usd": 12.45, "commits": 2, "status": "done"}]}
            """;
        var d = SessionSummaryJson.Read(Old);
        Assert.Equal((null, 0, (ClaudeCodeTotals?)null), (d.OutputTokensLowerBound, d.OutputTokensLowerBoundSessions, d.ClaudeCode));
        Assert.Null(d.Sessions[0].ClaudeCodeCostUsd);
        Assert.DoesNotContain("Claude Code reported", SessionSummaryRenderer.RenderDetailed(d).Body);
    }
}
