using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using SessionAnalytics.Tests.ReadmeExamples;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Commands;

/// <summary>
/// ConvertTo-SessionStats in the hosted engine finds the recorder's file where the recorder would have written it:
/// SESSIONANALYTICS_STATUSLINE_DIR from the process environment (docs: "Claude Code's own figures").
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ClaudeCodeFiguresPipelineTests : IDisposable
{
    private const string SessionId = "cccc3333-0000-4000-8000-000000000003";
    private readonly TempClaudeHome _home = new();
    private readonly string? _saved = Environment.GetEnvironmentVariable(StatusLineFigures.DataDirectoryVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(StatusLineFigures.DataDirectoryVariable, _saved);
        _home.Dispose();
    }

    [Fact]
    public void The_status_line_data_directory_from_the_environment_is_read_and_the_figures_come_out_beside_ours()
    {
        var transcript = _home.Write(new TranscriptBuilder(SessionId).User("go").Assistant("claude-opus-4-6", new Usage(10, 100)));
        var data = Directory.CreateDirectory(Path.Combine(_home.Root, "recorded")).FullName;
        File.WriteAllText(Path.Combine(data, SessionId + ".json"),
            $$$"""{"session_id":"{{{SessionId}}}","cost":{"total_cost_usd":0.5},"context_window":{"total_input_tokens":10,"total_output_tokens":400}}""");
        using var host = new ModuleHost(new Dictionary<string, string?> { [StatusLineFigures.DataDirectoryVariable] = data });

        var s = Assert.Single(host.Run("ConvertTo-SessionStats -LiteralPath $args[0] -Verbose", transcript).AssertNoErrors().Of<SessionStats>());
        Assert.Equal((0.5m, 400L), (s.ClaudeCodeCostUsd, s.ClaudeCodeOutputTokens));
        Assert.Equal((100m, 400m, -300m, -75.0m),
            (s.ClaudeCodeVerification!.OutputTokens!.Ours, s.ClaudeCodeVerification.OutputTokens.ClaudeCode,
             s.ClaudeCodeVerification.OutputTokens.OursMinusClaudeCode, s.ClaudeCodeVerification.OutputTokens.OursMinusClaudeCodePercent));

        var json = Assert.Single(host.Run("ConvertTo-SessionStats -LiteralPath $args[0] -AsJson", transcript).AssertNoErrors().Of<string>());
        Assert.Contains("\"ours_minus_claude_code\": -300", json);
    }
}
