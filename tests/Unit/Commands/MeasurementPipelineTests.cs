using System.Management.Automation;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Commands;

/// <summary>Real pipelines in the hosted engine against the built module.</summary>
public sealed class MeasurementPipelineTests : IDisposable
{
    private const string Opus = "claude-opus-4-6";
    private readonly TempClaudeHome _home = new();
    private readonly ModuleHost _host;

    public MeasurementPipelineTests()
    {
        var fix = new TranscriptBuilder("aaaa1111-0000-0000-0000-000000000001", branch: "fix/login");
        fix.User("go").Assistant(Opus, new Usage(10, 100, 1000, 10000)).Commit(Opus, new Usage(1, 1), "abc1234", "Fix login");
        _home.Write(fix);
        var feat = new TranscriptBuilder("bbbb2222-0000-0000-0000-000000000002", branch: "feature/x");
        feat.User("go").Assistant(Opus, new Usage(5, 50));
        _home.Write(feat);
        _host = new ModuleHost(new Dictionary<string, string?> { ["CLAUDE_CONFIG_DIR"] = _home.ConfigDirectory });
    }

    public void Dispose()
    {
        _host.Dispose();
        _home.Dispose();
    }

    [Fact]
    public void Sessions_filtered_with_Where_Object_flow_into_stats()
    {
        var r = _host.Run("Get-ClaudeSession -Path $args[0] | Where-Object Branch -like 'fix/*' | ConvertTo-SessionStats", _home.ConfigDirectory).AssertNoErrors();
        var s = Assert.Single(r.Of<SessionStats>());
        Assert.Equal(("aaaa1111", "fix/login", 11L, 101L, 1000L, 10000L, 1), (s.SessionIdShort, s.Branch, s.InputTokens, s.OutputTokens, s.CacheCreationTokens, s.CacheReadTokens, s.CommitCount));
        Assert.Contains(r.Progress, p => p.RecordType == ProgressRecordType.Completed);
    }

    [Fact]
    public void Without_a_path_CLAUDE_CONFIG_DIR_is_searched_and_Branch_takes_wildcards()
    {
        var r = _host.Run("Get-ClaudeSession -Branch 'feature/*'").AssertNoErrors();
        Assert.Equal("bbbb2222", Assert.Single(r.Of<ClaudeSession>()).ShortId);
    }

    [Fact]
    public void Ids_bind_by_property_name_and_AsJson_emits_the_design_json()
    {
        var r = _host.Run("[pscustomobject]@{ session_id = 'bbbb2222' } | Get-ClaudeSession | ConvertTo-SessionStats -AsJson").AssertNoErrors();
        var json = Assert.Single(r.Of<string>());
        Assert.Equal("bbbb2222-0000-0000-0000-000000000002", SessionStatsJson.Read(json).SessionId);
    }

    [Fact]
    public void Hook_input_json_from_the_pipeline_finds_the_ending_session()
    {
        var path = Path.Combine(_home.ProjectDirectory("/home/dev/widget"), "aaaa1111-0000-0000-0000-000000000001.jsonl");
        var hook = $"{{\"session_id\":\"aaaa1111-0000-0000-0000-000000000001\",\"transcript_path\":\"{path.Replace("\\", "\\\\")}\",\"hook_event_name\":\"SessionEnd\"}}";
        var r = _host.Run("$args[0] | Get-ClaudeSession | ConvertTo-SessionStats", hook).AssertNoErrors();
        Assert.Equal("aaaa1111", Assert.Single(r.Of<SessionStats>()).SessionIdShort);
    }

    [Fact]
    public void Transcript_paths_measure_directly_and_a_broken_line_is_a_non_terminating_error_naming_file_and_line()
    {
        var path = Path.Combine(_home.ProjectDirectory("/home/dev/widget"), "aaaa1111-0000-0000-0000-000000000001.jsonl");
        var badLine = File.ReadAllLines(path).Length + 1;
        File.AppendAllText(path, "{not json\n");
        var r = _host.Run("ConvertTo-SessionStats -LiteralPath $args[0]", path);
        Assert.Single(r.Of<SessionStats>());
        var e = Assert.Single(r.Errors);
        Assert.Equal("TranscriptLineMalformed,SessionAnalytics.PowerShell.Commands.ConvertToSessionStatsCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
        Assert.Contains($"{path}:{badLine}", e.ToString());
    }

    [Fact]
    public void A_missing_path_is_an_ObjectNotFound_error()
    {
        var r = _host.Run("Get-ClaudeSession -LiteralPath $args[0]", Path.Combine(_home.Root, "missing"));
        Assert.Empty(r.Output);
        var e = Assert.Single(r.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.StartsWith("SessionRootNotFound", e.FullyQualifiedErrorId);
    }

    [Fact]
    public void An_invalid_pricing_file_stops_with_a_clear_error()
    {
        var pricing = Path.Combine(_home.Root, "prices.json");
        File.WriteAllText(pricing, "{\"models\": {\"x\": {\"input\": \"free\"}}}");
        var r = _host.Run("Get-ClaudeSession | ConvertTo-SessionStats -PricingFile $args[0]", pricing);
        Assert.Empty(r.Output);
        var e = Assert.Single(r.AllErrors);
        Assert.StartsWith("PricingFileInvalid", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
    }

    [Fact]
    public void A_pricing_file_prices_an_unknown_model()
    {
        var s = new TranscriptBuilder("dddd4444-0000-0000-0000-000000000004");
        s.User("go").Assistant("claude-future-7", new Usage(1_000_000, 0));
        var path = _home.Write(s);
        var pricing = Path.Combine(_home.Root, "prices.json");
        File.WriteAllText(pricing, "{\"models\": {\"claude-future-7\": {\"input\": 2, \"output\": 10}}}");
        var r = _host.Run("ConvertTo-SessionStats -LiteralPath $args[0] -PricingFile $args[1]", path, pricing).AssertNoErrors();
        Assert.Equal(2m, Assert.Single(r.Of<SessionStats>()).EstimatedCostUsd);
        Assert.Empty(r.Warnings);
    }
}
