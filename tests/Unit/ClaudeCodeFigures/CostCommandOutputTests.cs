using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Tests.ClaudeCodeFigures;

/// <summary>The text of /cost in the shapes Claude Code prints it: API users, large sessions, old versions, subscribers.</summary>
public sealed class CostCommandOutputTests
{
    private const string Esc = "\u001b";

    /// <summary>/cost of an API user as the transcript holds it: aligned columns, dimmed model rows, a wrapper.</summary>
    public static readonly string ApiUser =
        "<local-command-stdout>" +
        "Total cost:            $0.0868\n" +
        "Total duration (API):  21.5s\n" +
        "Total duration (wall): 1m 10.3s\n" +
        "Total code changes:    12 lines added, 3 lines removed\n" +
        "Usage by model:\n" +
        $"{Esc}[2m       claude-3-5-haiku:  2.4k input, 96 output, 0 cache read, 0 cache write ($0.0023){Esc}[22m\n" +
        $"{Esc}[2m          claude-sonnet:  5 input, 626 output, 15.7k cache read, 17.1k cache write ($0.0845){Esc}[22m" +
        "</local-command-stdout>";

    [Fact]
    public void An_api_users_output_gives_cost_durations_changes_and_every_model_row()
    {
        var f = CostCommandOutput.Parse(ApiUser, "t.jsonl:9")!;

        Assert.Equal(ClaudeCodeFigureSources.CostCommand, f.Source);
        Assert.Equal(0.0868m, f.CostUsd);
        Assert.Equal(21_500, f.ApiDurationMs);
        Assert.Equal(70_300, f.WallDurationMs);
        Assert.Equal((12L, 3L), (f.LinesAdded!.Value, f.LinesRemoved!.Value));
        Assert.Equivalent(new[]
        {
            new ClaudeCodeModelFigures { Model = "claude-3-5-haiku", InputTokens = 2_400, OutputTokens = 96, CacheReadTokens = 0, CacheWriteTokens = 0, CostUsd = 0.0023m },
            new ClaudeCodeModelFigures { Model = "claude-sonnet", InputTokens = 5, OutputTokens = 626, CacheReadTokens = 15_700, CacheWriteTokens = 17_100, CostUsd = 0.0845m },
        }, f.Models, strict: true);
        Assert.Equal((2_405L, 722L, 15_700L, 17_100L), (f.InputTokens!.Value, f.OutputTokens!.Value, f.CacheReadTokens!.Value, f.CacheWriteTokens!.Value));
        Assert.True(f.TokensRounded);
        Assert.Empty(f.Missing);
        Assert.Empty(f.Notes);
        Assert.Equal("t.jsonl:9", f.Location);
    }

    [Fact]
    public void Large_figures_with_separators_days_and_millions_are_read_exactly_as_printed()
    {
        var f = CostCommandOutput.Parse(
            "Total cost:            $1,234.56\n" +
            "Total duration (API):  2h 30m 45.5s\n" +
            "Total duration (wall): 1d 20h 37m\n" +
            "Total code changes:    26,773 lines added, 2436 lines removed\n" +
            "Usage by model\n" +
            "    claude-opus-4-6:  1,234 input, 65.9k output, 189.5m cache read, 2.1M cache write ($1,100.10)\n")!;

        Assert.Equal(1234.56m, f.CostUsd);
        Assert.Equal(2 * 3_600_000 + 30 * 60_000 + 45_500, f.ApiDurationMs);
        Assert.Equal(86_400_000 + 20 * 3_600_000 + 37 * 60_000, f.WallDurationMs);
        Assert.Equal(26_773, f.LinesAdded);
        var row = Assert.Single(f.Models);
        Assert.Equal((1_234L, 65_900L, 189_500_000L, 2_100_000L, 1100.10m),
            (row.InputTokens!.Value, row.OutputTokens!.Value, row.CacheReadTokens!.Value, row.CacheWriteTokens!.Value, row.CostUsd!.Value));
    }

    [Fact]
    public void Exact_counts_are_not_marked_rounded()
    {
        var f = CostCommandOutput.Parse("Total cost: $0.01\nUsage by model:\n  claude-haiku: 1,234 input, 56 output, 0 cache read, 0 cache write ($0.01)")!;
        Assert.False(f.TokensRounded);
        Assert.Equal(1_234, f.InputTokens);
    }

    [Fact]
    public void An_old_output_without_models_has_cost_and_durations_and_says_tokens_are_missing()
    {
        var f = CostCommandOutput.Parse(
            "Total cost:            $1.86\nTotal duration (API):  7m 47.8s\nTotal duration (wall): 2h 56m 3.5s\nTotal code changes:    555 lines added, 2 lines removed")!;

        Assert.Equal(1.86m, f.CostUsd);
        Assert.Equal(7 * 60_000 + 47_800, f.ApiDurationMs);
        Assert.Empty(f.Models);
        Assert.Equal(["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"], f.Missing);
    }

    [Theory]
    [InlineData("With your Claude Max subscription, no need to monitor cost — your subscription includes Claude Code usage")]
    [InlineData("With your Claude Pro subscription, no need to monitor cost — your subscription includes Claude Code usage")]
    public void A_subscribers_notice_has_no_cost_and_says_so(string notice)
    {
        var f = CostCommandOutput.Parse("<local-command-stdout>" + notice + "</local-command-stdout>")!;

        Assert.Null(f.CostUsd);
        Assert.Equal(["cost_usd", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
            "api_duration_ms", "wall_duration_ms", "lines_added", "lines_removed"], f.Missing);
        Assert.Equal([notice], f.Notes);
    }

    [Fact]
    public void A_subscribers_notice_followed_by_figures_keeps_the_figures()
    {
        var f = CostCommandOutput.Parse(
            "With your Claude Max subscription, no need to monitor cost — your subscription includes Claude Code usage\n" +
            "Total duration (API):  3m 30.8s\nTotal duration (wall): 1h 1m 55.3s\nTotal code changes:    1 line added, 0 lines removed\n" +
            "Usage by model:\n  claude-opus-4-6:  12 input, 4.1k output, 1.2m cache read, 88.0k cache write")!;

        Assert.Null(f.CostUsd);
        Assert.Equal(["cost_usd"], f.Missing);
        Assert.Equal(210_800, f.ApiDurationMs);
        Assert.Equal((1L, 0L), (f.LinesAdded!.Value, f.LinesRemoved!.Value));
        Assert.Null(Assert.Single(f.Models).CostUsd);
        Assert.Single(f.Notes);
    }

    [Fact]
    public void Claude_codes_remark_about_unknown_models_is_kept_as_a_note()
    {
        var f = CostCommandOutput.Parse("Total cost:            $0.1234 (costs may be inaccurate due to usage of unknown models)")!;
        Assert.Equal(0.1234m, f.CostUsd);
        Assert.Equal(["costs may be inaccurate due to usage of unknown models"], f.Notes);
    }

    [Fact]
    public void Model_names_with_colons_web_searches_crlf_and_colour_everywhere_are_read()
    {
        var f = CostCommandOutput.Parse(
            $"{Esc}[1mTotal cost:{Esc}[22m $0.50\r\nUsage by model:\r\n" +
            $"  arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4:  {Esc}[2m10 input{Esc}[22m, 20 output, 3 web searches ($0.50)\r\n" +
            $"  {Esc}]8;;https://example.com{Esc}\\claude-haiku{Esc}]8;;{Esc}\\: 1 input, 1 web search")!;

        Assert.Collection(f.Models,
            r => Assert.Equivalent(new ClaudeCodeModelFigures
            {
                Model = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4",
                InputTokens = 10, OutputTokens = 20, WebSearchRequests = 3, CostUsd = 0.50m,
            }, r, strict: true),
            r => Assert.Equivalent(new ClaudeCodeModelFigures { Model = "claude-haiku", InputTokens = 1, WebSearchRequests = 1 }, r, strict: true));
        Assert.Equal(11, f.InputTokens);
        Assert.Equal(20, f.OutputTokens);
        Assert.Null(f.CacheReadTokens);
        Assert.Contains("cache_read_tokens", f.Missing);
    }

    [Fact]
    public void Rows_before_the_usage_header_and_unknown_lines_are_not_taken_for_models()
    {
        var f = CostCommandOutput.Parse("note: 5 input, 6 output\nTotal cost: $0.02\nSomething new: 7 input\nUsage by model:\n  claude-haiku: 1 input, 2 output")!;
        Assert.Equal("claude-haiku", Assert.Single(f.Models).Model);
        Assert.Equal(1, f.InputTokens);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Kept model as Default (recommended)")]
    [InlineData("<local-command-stdout>MCP dialog dismissed</local-command-stdout>")]
    [InlineData("Total tokens: 12")]
    public void Text_without_any_line_cost_prints_is_not_taken_for_figures(string text) =>
        Assert.Null(CostCommandOutput.Parse(text));

    [Theory]
    [InlineData("21.5s", 21_500)]
    [InlineData("1m 10.3s", 70_300)]
    [InlineData("41m 09s", 2_469_000)]
    [InlineData("6h 33m 10.2s", 23_590_200)]
    [InlineData("1d 20h 37m", 160_620_000)]
    [InlineData("850ms", 850)]
    [InlineData("0s", 0)]
    [InlineData("0.04s", 40)]
    public void Durations_are_read_in_every_unit_cost_prints(string text, long ms) =>
        Assert.Equal(ms, CostCommandOutput.ParseDurationMs(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    public void A_duration_without_units_is_not_read(string text) => Assert.Null(CostCommandOutput.ParseDurationMs(text));

    [Fact]
    public void Ansi_escapes_of_every_kind_are_removed_and_plain_text_is_untouched()
    {
        Assert.Equal("dim bold link", CostCommandOutput.StripAnsi($"{Esc}[2mdim{Esc}[22m {Esc}[1;38;5;208mbold{Esc}[0m {Esc}]8;;http://x{Esc}\\link{Esc}]8;;\u0007"));
        Assert.Equal("Total cost: $1", CostCommandOutput.StripAnsi("Total cost: $1"));
    }
}
