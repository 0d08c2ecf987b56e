using System.Management.Automation;
using System.Text.Json.Nodes;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// Hostile and broken usage figures (issue #8): a figure that is negative, not a whole number, not a number or above
/// <see cref="UsageLimits.MaxTokensPerField"/> makes its line's usage malformed: a non-terminating error naming file and
/// line, that usage not counted, everything else kept. Deeply nested lines are read.
/// </summary>
public sealed class UsageValidationTests : MeasurementTest
{
    private const string SessionId = "bad00000-0000-4000-8000-000000000001";

    /// <summary>A session of two good responses (1/100 and 1/200) around one line whose output_tokens is <paramref name="output"/>.</summary>
    private string WriteWithOutput(string output, string sessionId = SessionId)
    {
        var b = new TranscriptBuilder(sessionId).User("go").Assistant(Opus, new Usage(1, 100));
        b.Raw(AssistantLine(sessionId, $"\"input_tokens\":7,\"output_tokens\":{output},\"cache_read_input_tokens\":70", 1));
        b.Assistant(Opus, new Usage(1, 200));
        return Home.Write(b);
    }

    private static string AssistantLine(string sessionId, string usageFields, int n) =>
        "{\"type\":\"assistant\",\"sessionId\":\"" + sessionId + "\",\"uuid\":\"" + Guid.NewGuid() + "\",\"timestamp\":\"2026-02-08T22:30:" + n.ToString("00") +
        ".000Z\",\"requestId\":\"req_bad" + n + "\",\"message\":{\"model\":\"claude-opus-4-6\",\"id\":\"msg_bad" + n +
        "\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"stop_reason\":\"end_turn\",\"usage\":{" + usageFields + "}}}";

    [Theory]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("-5", "-5")]
    [InlineData("1.5", "1.5")]
    [InlineData("1.0", "1.0")]
    [InlineData("1e3", "1e3")]
    [InlineData("\"12\"", "\"12\"")]
    [InlineData("null", "null")]
    [InlineData("{\"n\":1}", "object")]
    [InlineData("[1]", "array")]
    [InlineData("true", "true")]
    [InlineData("1000000001", "1000000001")]
    public void A_usage_figure_that_is_not_a_whole_token_count_in_bounds_is_an_error_and_only_that_line_is_lost(string value, string shown)
    {
        var path = WriteWithOutput(value);
        var s = Measure(path);
        Assert.Equal((2L, 300L, 0L), (s.InputTokens, s.OutputTokens, s.CacheReadTokens));
        var e = Assert.Single(Diagnostics.Errors);
        Assert.Equal((StatsErrors.UsageInvalid, ErrorKind.InvalidData, $"{path}:3"), (e.ErrorId, e.Kind, e.Target));
        Assert.Contains($"{path}:3:", e.Message);
        Assert.Contains("'output_tokens'", e.Message);
        Assert.Contains(shown, e.Message);
    }

    [Fact]
    public void The_bound_itself_is_a_valid_figure_and_sums_of_bounded_figures_are_exact()
    {
        var b = new TranscriptBuilder(SessionId).User("go");
        for (var i = 1; i <= 3; i++)
            b.Raw(AssistantLine(SessionId, $"\"input_tokens\":{UsageLimits.MaxTokensPerField},\"output_tokens\":{UsageLimits.MaxTokensPerField}", i));
        var s = Measure(Home.Write(b));
        Assert.Empty(Diagnostics.Errors);
        Assert.Equal((3 * UsageLimits.MaxTokensPerField, 3 * UsageLimits.MaxTokensPerField), (s.InputTokens, s.OutputTokens));
    }

    [Theory]
    [InlineData("\"cache_creation_input_tokens\":-1", "'cache_creation_input_tokens'")]
    [InlineData("\"cache_read_input_tokens\":\"lots\"", "'cache_read_input_tokens'")]
    [InlineData("\"input_tokens\":0.5", "'input_tokens'")]
    [InlineData("\"cache_creation\":\"x\"", "'cache_creation'")]
    [InlineData("\"cache_creation\":{\"ephemeral_1h_input_tokens\":-3}", "'cache_creation.ephemeral_1h_input_tokens'")]
    public void Every_usage_field_is_checked(string fields, string named)
    {
        var b = new TranscriptBuilder(SessionId).User("go").Assistant(Opus, new Usage(1, 100));
        b.Raw(AssistantLine(SessionId, "\"output_tokens\":5," + fields, 1));
        var s = Measure(Home.Write(b));
        Assert.Equal(100, s.OutputTokens);
        Assert.Contains(named, Assert.Single(Diagnostics.Errors).Message);
    }

    [Fact]
    public void Two_maximal_figures_no_longer_end_the_run_and_every_other_session_comes_out()
    {
        // Issue #8: 9223372036854775807 on two lines ended ConvertTo-SessionStats with an OverflowException, no session out.
        var bad = new TranscriptBuilder(SessionId).User("go").Assistant(Opus, new Usage(1, 100));
        bad.Raw(AssistantLine(SessionId, "\"output_tokens\":9223372036854775807", 1));
        bad.Raw(AssistantLine(SessionId, "\"output_tokens\":9223372036854775807", 2));
        var badPath = Home.Write(bad);
        for (var i = 2; i <= 5; i++)
            Home.Write(new TranscriptBuilder($"good000{i}-0000-4000-8000-000000000000").User("go").Assistant(Opus, new Usage(1, 10 * i)));

        using var host = new ModuleHost();
        var r = host.Run("Get-ClaudeSession -Path $args[0] | ConvertTo-SessionStats", Home.ConfigDirectory);
        var stats = r.Of<SessionStats>().ToList();
        Assert.Equal(5, stats.Count);
        Assert.Equal(100, stats.Single(s => s.SessionId == SessionId).OutputTokens);
        Assert.Equal([20L, 30L, 40L, 50L], stats.Where(s => s.SessionId != SessionId).Select(s => s.OutputTokens).Order());
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e =>
        {
            Assert.StartsWith(StatsErrors.UsageInvalid + ",", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
        });
        Assert.Contains($"{badPath}:3", r.Errors[0].ToString());
        Assert.Contains($"{badPath}:4", r.Errors[1].ToString());
    }

    [Fact]
    public void An_invalid_final_usage_in_a_tool_result_is_reported_and_corrects_nothing()
    {
        var b = new TranscriptBuilder(SessionId) { MidStream = true }.User("explore")
            .Task(Opus, new Usage(5, 50), "a1", "Explore", "look", sub => sub.Assistant(Haiku, new Usage(79, 1, 3378, 15436)));
        var path = Home.Write(b);
        // The tool result's usage claims a negative output.
        var lines = File.ReadAllLines(path);
        var i = Array.FindIndex(lines, l => l.Contains("\"toolUseResult\""));
        var node = JsonNode.Parse(lines[i])!;
        node["toolUseResult"]!["usage"] = new JsonObject { ["input_tokens"] = 79, ["output_tokens"] = -938, ["cache_creation_input_tokens"] = 3378, ["cache_read_input_tokens"] = 15436 };
        lines[i] = node.ToJsonString();
        File.WriteAllLines(path, lines);

        var s = Measure(path);
        Assert.Equal((1L, 0L), (s.Subagents[0].OutputTokens, s.OutputTokensCorrection));
        var e = Assert.Single(Diagnostics.Errors);
        Assert.Equal(StatsErrors.UsageInvalid, e.ErrorId);
        Assert.Contains($"{path}:{i + 1}", e.Message);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(200)]
    [InlineData(100_000)]
    public void Lines_nested_deeper_than_the_readers_default_are_read(int depth)
    {
        // Tool results carry whatever JSON a tool printed; a deep one once made its line malformed and its tokens lost.
        var nested = new string('[', depth) + new string(']', depth);
        var b = new TranscriptBuilder(SessionId).User("go").Assistant(Opus, new Usage(1, 100));
        b.Raw(AssistantLine(SessionId, "\"input_tokens\":3,\"output_tokens\":30", 1).Replace("\"text\":\"x\"", "\"text\":\"x\",\"deep\":" + nested));
        b.Raw("{\"type\":\"progress\",\"sessionId\":\"" + SessionId + "\",\"timestamp\":\"2026-02-08T22:31:00.000Z\",\"data\":{\"type\":\"bash_progress\",\"output\":" + nested + "}}");
        var s = Measure(Home.Write(b));
        Assert.Empty(Diagnostics.Errors);
        Assert.Equal((4L, 130L), (s.InputTokens, s.OutputTokens));
    }

    [Fact]
    public void Bad_lines_past_the_reporting_limit_are_counted_in_one_warning()
    {
        var b = new TranscriptBuilder(SessionId).User("go");
        for (var i = 1; i <= 25; i++) b.Raw(AssistantLine(SessionId, "\"output_tokens\":-1", i));
        var session = new SessionDiscovery(Diagnostics).DescribeFile(Home.Write(b))!;
        new SessionStatsCalculator(PricingTable.Default, Diagnostics, new StatsOptions { MaxReportedBadLinesPerFile = 20 }).Calculate(session);
        Assert.Equal(20, Diagnostics.Errors.Count);
        Assert.Contains(Diagnostics.Warnings, w => w.Contains("25 bad lines") && w.Contains("5 more"));
    }
}
