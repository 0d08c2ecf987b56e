using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using Figures = SessionAnalytics.Core.Transcripts.ClaudeCodeFigures;

namespace SessionAnalytics.Tests.Comments;

/// <summary>
/// Figures read back from a comment are checked before anything adds them up (docs: "Published numbers", "Bounds on
/// figures read back"): the corrections and Claude Code's own figures too.
/// </summary>
public sealed class SessionFigureBoundsTests
{
    private static SessionStats Session() => new()
    {
        SessionId = "00b11888-7e0c-4fb4-bb39-32ea32e09b64",
        OutputTokens = 5_000,
        OutputTokensCorrection = 900,
        Subagents = [new SubagentUsage { Id = "a2898e3", OutputTokens = 944, OutputTokensCorrection = 937 }],
        ClaudeCode = new ClaudeCodeReport
        {
            StatusLine = new Figures { Source = ClaudeCodeFigureSources.StatusLine, CostUsd = 1.4m, OutputTokens = 6_000 },
            CostCommand = new Figures
            {
                Source = ClaudeCodeFigureSources.CostCommand, CostUsd = 0.09m, OutputTokens = 1_200,
                Models = [new ClaudeCodeModelFigures { Model = "claude-opus", OutputTokens = 1_200, CostUsd = 0.08m }],
            },
        },
    };

    [Fact]
    public void A_session_with_plausible_corrections_and_claude_code_figures_passes() => Assert.Null(SessionFigureBounds.Check(Session()));

    public static TheoryData<string, Func<SessionStats, SessionStats>> Broken() => new()
    {
        { "output_tokens_correction is -1", s => s with { OutputTokensCorrection = -1 } },
        { "output_tokens_correction is 1,000,000,000,000,001", s => s with { OutputTokensCorrection = SessionFigureBounds.MaxTokens + 1 } },
        { "output_tokens_correction is 5,001, more than total_tokens.output (5,000)", s => s with { OutputTokensCorrection = 5_001 } },
        { "subagents[a2898e3].output_tokens_correction is 945, more than subagents[a2898e3].tokens.output (944)",
          s => s with { Subagents = [s.Subagents[0] with { OutputTokensCorrection = 945 }] } },
        { "claude_code.status_line.cost_usd is -1", s => s with { ClaudeCode = s.ClaudeCode! with { StatusLine = s.ClaudeCode.StatusLine! with { CostUsd = -1m } } } },
        { "claude_code.status_line.output_tokens is 9,223,372,036,854,775,807",
          s => s with { ClaudeCode = s.ClaudeCode! with { StatusLine = s.ClaudeCode.StatusLine! with { OutputTokens = long.MaxValue } } } },
        { "claude_code.cost_command.cost_usd is 1000000001", s => s with { ClaudeCode = s.ClaudeCode! with { CostCommand = s.ClaudeCode.CostCommand! with { CostUsd = 1_000_000_001m } } } },
        { "claude_code.cost_command.models[claude-opus].output_tokens is -5",
          s => s with { ClaudeCode = s.ClaudeCode! with { CostCommand = s.ClaudeCode.CostCommand! with { Models = [new ClaudeCodeModelFigures { Model = "claude-opus", OutputTokens = -5 }] } } } },
        { "claude_code.cost_command.wall_duration_ms is -3", s => s with { ClaudeCode = s.ClaudeCode! with { CostCommand = s.ClaudeCode.CostCommand! with { WallDurationMs = -3 } } } },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_figure_out_of_bounds_is_named(string problem, Func<SessionStats, SessionStats> breakIt)
    {
        var message = SessionFigureBounds.Check(breakIt(Session()));
        Assert.NotNull(message);
        Assert.StartsWith(problem, message);
    }

    [Fact]
    public void A_comment_with_an_impossible_claude_code_figure_is_unreadable_not_a_crash()
    {
        var body = SessionCommentRenderer.Render(Session(), []).Replace("\"cost_usd\": 1.4,", "\"cost_usd\": -1.4,");
        Assert.Contains("\"cost_usd\": -1.4,", body);
        Assert.False(SessionCommentParser.TryParse(body, out _, out var error));
        Assert.Contains("holds figures no session can have: claude_code.status_line.cost_usd is -1.4, below zero", error);
    }
}
