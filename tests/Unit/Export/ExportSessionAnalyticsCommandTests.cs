using System.Management.Automation;
using CsvHelper;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Export.ExportFixtures;

namespace SessionAnalytics.Tests.Export;

/// <summary>Export-SessionAnalytics through the real engine with the built module.</summary>
public sealed class ExportSessionAnalyticsCommandTests : IDisposable
{
    private readonly ModuleHost _host = new();
    private readonly string _root = Directory.CreateTempSubdirectory("sa-export-").FullName;

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Dir(string name) => Path.Combine(_root, name);

    private static SessionStats[] LocalStats() =>
    [
        Measured("ffff0001-0000-0000-0000-000000000001", 0, 1.25m, branch: "fix/login", skills: ["tdd:ci"]),
        Measured("ffff0002-0000-0000-0000-000000000002", 1, 2.50m, branch: "main", subagents: 2),
    ];

    [Fact]
    public void SessionStats_from_the_pipeline_give_three_files_and_PassThru_returns_them()
    {
        var stats = LocalStats();
        var r = _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -PassThru", stats, Dir("out")).AssertNoErrors();

        var files = r.Of<FileInfo>();
        Assert.Equal(["analytics.csv", "analytics.md", "dashboard.html"], files.Select(f => f.Name));
        Assert.All(files, f => Assert.True(f.Exists && f.Length > 0));
        var back = AnalyticsCsvTests.ReadBack(File.ReadAllBytes(files[0].FullName));
        Assert.Equal(2, back.Count);
        for (var i = 0; i < stats.Length; i++) AnalyticsCsvTests.AssertCsvFieldsEqual(SessionAnalyticsRecord.FromStats(stats[i]), back[i]);
        Assert.All(back, b => Assert.Null(b.PrNumber));
        Assert.Contains("| Total sessions | 2 |", File.ReadAllText(files[1].FullName));
        Assert.Contains(AnalyticsDashboard.ChartJsCdnUrl, File.ReadAllText(files[2].FullName));
    }

    [Fact]
    public void WhatIf_writes_nothing_not_even_the_folder()
    {
        var r = _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -PassThru -WhatIf", LocalStats(), Dir("whatif")).AssertNoErrors();
        Assert.Empty(r.Output);
        Assert.False(Directory.Exists(Dir("whatif")));
    }

    [Fact]
    public void Running_again_overwrites_with_byte_identical_files_whatever_the_input_order()
    {
        var records = Mixed();
        _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -EmbedChartJs", records, Dir("a")).AssertNoErrors();
        var first = Snapshot(Dir("a"));
        _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -EmbedChartJs", Enumerable.Reverse(records).ToList(), Dir("a")).AssertNoErrors();
        var second = Snapshot(Dir("a"));
        Assert.Equal(first.Keys, second.Keys);
        foreach (var name in first.Keys) Assert.True(first[name].SequenceEqual(second[name]), $"{name} changed between runs");
        Assert.Equal(["analytics.csv", "analytics.md", "dashboard.html"], first.Keys.Order()); // no temporary files left
    }

    [Fact]
    public void Format_chooses_the_files_and_labels_reach_the_report()
    {
        _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -Format markdown -Repository 'acme/all' -From 2026-01-01 -To 2026-02-15",
            Mixed(), Dir("md")).AssertNoErrors();
        Assert.Equal(["analytics.md"], Directory.GetFiles(Dir("md")).Select(Path.GetFileName));
        var md = File.ReadAllText(Path.Combine(Dir("md"), "analytics.md"));
        Assert.Contains("**Period:** 2026-01-01 to 2026-02-15", md);
        Assert.Contains("**Repository:** acme/all", md);
    }

    [Fact]
    public void Records_re_imported_like_Import_Csv_bind_and_give_back_the_same_csv()
    {
        _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -Format Csv", Mixed(), Dir("first")).AssertNoErrors();
        var csv = File.ReadAllBytes(Path.Combine(Dir("first"), "analytics.csv"));

        // What Import-Csv produces: one PSCustomObject per row, every property a string named after its column.
        var rows = ImportCsv(csv);
        Assert.Contains(rows, row => (string)row.Properties["pr_title"].Value == "'=HYPERLINK(\"http://evil\",\"x\")");
        _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -Format Csv", rows, Dir("second")).AssertNoErrors();

        Assert.Equal(csv, File.ReadAllBytes(Path.Combine(Dir("second"), "analytics.csv")));
    }

    [Fact]
    public void A_hand_written_pscustomobject_with_column_names_binds()
    {
        var r = _host.Run("""
            [pscustomobject]@{ pr_number = '12'; target_type = 'pr'; pr_title = 'Fix it'; session_id = 'abc-1'; session_started = '2026-02-01T10:00:00Z';
                               estimated_cost_usd = '3.5'; commits_count = '2'; acceptance_status = 'merged'; pr_status = 'merged' } |
                Export-SessionAnalytics -OutputDirectory $args[0] -Format Markdown
            """, Dir("hand")).AssertNoErrors();
        var md = File.ReadAllText(Path.Combine(Dir("hand"), "analytics.md"));
        Assert.Contains("| PR #12 | Fix it |  | merged | 1 | $3.50 | 2 |", md);
        Assert.Contains("| PR acceptance rate | 100% (1 of 1 decided PRs merged; 0 open) |", md);
    }

    [Fact]
    public void Unusable_objects_are_non_terminating_errors_and_the_rest_is_exported()
    {
        var r = _host.Run("""
            @(
                $args[0]
                [pscustomobject]@{ name = 'not analytics' }
                [pscustomobject]@{ session_id = 'bad-1'; total_input_tokens = 'many' }
                'not json'
            ) | Export-SessionAnalytics -OutputDirectory $args[1] -Format Csv -PassThru
            """, LocalStats()[0], Dir("mixed"));

        Assert.Single(r.Of<FileInfo>());
        Assert.Equal(3, r.Errors.Count);
        Assert.StartsWith("AnalyticsInputUnsupported,", r.Errors[0].FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidType, r.Errors[0].CategoryInfo.Category);
        Assert.StartsWith("AnalyticsInputInvalid,", r.Errors[1].FullyQualifiedErrorId);
        Assert.Contains("total_input_tokens", r.Errors[1].ToString());
        Assert.Contains("many", r.Errors[1].ToString());
        Assert.StartsWith("AnalyticsInputInvalid,", r.Errors[2].FullyQualifiedErrorId);
        Assert.Single(AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(Dir("mixed"), "analytics.csv"))));
    }

    [Fact]
    public void Input_of_which_nothing_can_be_used_writes_nothing_and_leaves_the_report_there_as_it_was()
    {
        _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1]", LocalStats(), Dir("kept")).AssertNoErrors();
        var before = Directory.GetFiles(Dir("kept")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        // Rows of Get-ClaudeSession | Export-Csv, say: session ids, but no analytics.
        var r = _host.Run("""
            @([pscustomobject]@{ SessionId = 'ffff0001'; Branch = 'fix/login' }, [pscustomobject]@{ name = 'x' }) |
                Export-SessionAnalytics -OutputDirectory $args[0] -PassThru
            """, Dir("kept"));

        Assert.Empty(r.Of<FileInfo>());
        Assert.Equal(["SessionStatsColumnMissing", "AnalyticsInputUnsupported", "AnalyticsNoUsableInput"],
            r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(ErrorCategory.InvalidData, r.Errors[2].CategoryInfo.Category);
        Assert.Contains("None of the 2 piped objects could be used", r.Errors[2].ToString());
        Assert.Equal(before, Directory.GetFiles(Dir("kept")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes));

        // No input at all is an empty period: the files say so.
        var empty = _host.Run("@() | Export-SessionAnalytics -OutputDirectory $args[0] -Format Csv", Dir("empty"));
        Assert.Empty(empty.Errors);
        Assert.Contains(empty.Warnings, w => w.Contains("No records received", StringComparison.Ordinal));
        Assert.Empty(AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(Dir("empty"), "analytics.csv"))));
    }

    [Fact]
    public void CsvPath_regenerates_the_report_and_dashboard_beside_the_csv()
    {
        _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1]", Mixed(), Dir("full")).AssertNoErrors();
        var csvPath = Path.Combine(Dir("full"), "analytics.csv");
        var csvBefore = File.ReadAllBytes(csvPath);
        File.Delete(Path.Combine(Dir("full"), "analytics.md"));
        File.Delete(Path.Combine(Dir("full"), "dashboard.html"));

        var r = _host.Run("Export-SessionAnalytics -CsvPath $args[0] -EmbedChartJs -PassThru", csvPath).AssertNoErrors();

        Assert.Equal(["analytics.md", "dashboard.html"], r.Of<FileInfo>().Select(f => f.Name));
        Assert.Equal(csvBefore, File.ReadAllBytes(csvPath));
        var fromCsv = AnalyticsSummary.Create(AnalyticsCsvTests.ReadBack(csvBefore));
        Assert.Equal(AnalyticsMarkdownReport.Render(fromCsv), File.ReadAllText(Path.Combine(Dir("full"), "analytics.md")));
        Assert.Equal(AnalyticsDashboard.Render(fromCsv, embedChartJs: true), File.ReadAllText(Path.Combine(Dir("full"), "dashboard.html")));
    }

    [Fact]
    public void Preconditions_stop_with_specific_errors()
    {
        var missing = _host.Run("Export-SessionAnalytics -CsvPath $args[0]", Path.Combine(_root, "nope.csv"));
        Assert.StartsWith("AnalyticsCsvNotFound,", Assert.Single(missing.AllErrors).FullyQualifiedErrorId);

        File.WriteAllText(Path.Combine(_root, "other.csv"), "a,b\n1,2\n");
        var wrong = _host.Run("Export-SessionAnalytics -CsvPath $args[0]", Path.Combine(_root, "other.csv"));
        var e = Assert.Single(wrong.AllErrors);
        Assert.StartsWith("AnalyticsCsvHeaderInvalid,", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);

        var period = _host.Run("$args[0] | Export-SessionAnalytics -OutputDirectory $args[1] -From 2026-03-01 -To 2026-02-01", LocalStats(), Dir("period"));
        Assert.StartsWith("AnalyticsPeriodInvalid,", Assert.Single(period.AllErrors).FullyQualifiedErrorId);
        Assert.False(Directory.Exists(Dir("period")));
    }

    [Fact]
    public void Records_filter_with_Where_Object_and_bind_from_an_array_argument()
    {
        var r = _host.Run("$args[0] | Where-Object TargetType -eq 'pr' | Where-Object EstimatedCostUsd -gt 4 | Export-SessionAnalytics -OutputDirectory $args[1] -Format Csv -PassThru",
            Mixed(), Dir("filtered")).AssertNoErrors();
        var back = AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Assert.Single(r.Of<FileInfo>()).FullName));
        Assert.Equal(3, back.Count); // 12.45, 8.32, 5.00
        var direct = _host.Run("Export-SessionAnalytics -InputObject $args[0] -OutputDirectory $args[1] -Format Csv", Mixed().ToArray(), Dir("direct")).AssertNoErrors();
        Assert.Equal(7, AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(Dir("direct"), "analytics.csv"))).Count);
    }

    [Fact]
    public void Local_transcripts_flow_from_Get_ClaudeSession_to_the_report()
    {
        using var home = new TempClaudeHome();
        var a = new TranscriptBuilder("abcd0001-0000-0000-0000-000000000001", branch: "fix/login");
        a.User("go").Assistant("claude-opus-4-6", new TranscriptBuilder.Usage(10, 100)).Commit("claude-opus-4-6", new TranscriptBuilder.Usage(1, 1), "abc1234", "Fix login");
        home.Write(a);
        var r = _host.Run("Get-ClaudeSession -Path $args[0] | ConvertTo-SessionStats | Export-SessionAnalytics -OutputDirectory $args[1] -PassThru",
            home.ConfigDirectory, Dir("quick")).AssertNoErrors();
        Assert.Equal(3, r.Of<FileInfo>().Count);
        var record = Assert.Single(AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(Dir("quick"), "analytics.csv"))));
        Assert.Equal(("abcd0001-0000-0000-0000-000000000001", 11L, 101L, 1, "abc1234"), (record.SessionId, record.TotalInputTokens, record.TotalOutputTokens, record.CommitsCount, record.CommitShas));
        Assert.Null(record.PrNumber);
        Assert.Contains("| Local: fix/login |", File.ReadAllText(Path.Combine(Dir("quick"), "analytics.md")));
    }

    [Fact]
    public void Help_documents_every_parameter_with_examples_and_the_output_type_is_declared()
    {
        var parameters = _host.Run(
            "(Get-Command Export-SessionAnalytics).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }")
            .AssertNoErrors().Of<string>();
        var doc = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "docs", "Export-SessionAnalytics.md")).ReplaceLineEndings("\n");
        Assert.StartsWith("# Export-SessionAnalytics\n\n## SYNOPSIS\n", doc);
        Assert.Contains("WhatIf", parameters);
        foreach (var p in parameters) Assert.Contains("\n### -" + p + "\n", doc);
        Assert.True(doc.Split("\n### Example ").Length - 1 >= 2, "at least two examples");
        var output = _host.Run("(Get-Command Export-SessionAnalytics).OutputType.Name").AssertNoErrors().Of<string>();
        Assert.Equal(["System.IO.FileInfo"], output);
    }

    private static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    /// <summary>Import-Csv's output, which the hosted engine cannot run: a PSCustomObject of strings per row.</summary>
    private static List<PSObject> ImportCsv(byte[] csv)
    {
        using var reader = CsvReader.Create(csv, CsvReaderOptions.Default with { Separator = ',' });
        var headers = reader.Headers.ToArray();
        var rows = new List<PSObject>();
        while (reader.Read())
        {
            var row = new PSObject();
            for (var i = 0; i < headers.Length; i++) row.Properties.Add(new PSNoteProperty(headers[i], reader.GetString(i) ?? ""));
            rows.Add(row);
        }
        return rows;
    }
}
