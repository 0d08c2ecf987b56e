using System.Globalization;
using System.Text;
using CsvHelper;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;
using static SessionAnalytics.Tests.Export.ExportFixtures;

namespace SessionAnalytics.Tests.Export;

public class AnalyticsCsvTests
{
    /// <summary>The design's "CSV Columns (Extended Set)" table, copied here so the code cannot drift from it unnoticed.</summary>
    private static readonly string[] DesignColumns =
    [
        "pr_number", "target_type", "pr_title", "pr_author", "pr_status", "session_id", "session_started",
        "session_duration_min", "models_used", "total_input_tokens", "total_output_tokens", "total_cache_create",
        "total_cache_read", "estimated_cost_usd", "commits_count", "commit_shas", "ci_runs", "ci_pass_rate",
        "skills_used", "per_skill_tokens", "subagent_count", "per_subagent_tokens", "problems_count",
        "problems_resolved", "review_comments", "lines_added", "lines_removed", "time_to_merge_hours", "acceptance_status",
    ];

    private static readonly string[] Hostile =
    [
        "=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "'quoted", "''", "'", "'=already", "=HYPERLINK(\"http://x\",\"y\")",
        "plain, with comma", "line\nbreak", "crlf\r\nbreak", "\"quoted\"", "-1", "-1.5", "+7", " padded ", "ünïcödé ✓", "\u2028sep", "",
    ];

    [Fact]
    public void Header_is_the_designs_29_columns_in_order_then_repository_and_each_maps_to_a_record_property()
    {
        Assert.Equal(DesignColumns, SessionAnalyticsRecord.CsvColumns);
        Assert.Equal([.. DesignColumns, "repository"], SessionAnalyticsRecord.CsvFileColumns);
        var csv = AnalyticsCsvWriter.WriteToString([]);
        Assert.Equal(string.Join(",", DesignColumns) + ",repository\r\n", csv);
        foreach (var column in SessionAnalyticsRecord.CsvFileColumns)
            Assert.NotNull(typeof(SessionAnalyticsRecord).GetProperty(SessionAnalyticsRecord.PropertyName(column)));
        // The record declares the CSV properties first, in the file's order.
        var declared = typeof(SessionAnalyticsRecord).GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public).Select(p => p.Name).Take(30);
        Assert.Equal(SessionAnalyticsRecord.CsvFileColumns.Select(SessionAnalyticsRecord.PropertyName), declared);
    }

    [Fact]
    public void The_same_PR_number_in_two_repositories_stays_two_PRs_through_the_CSV()
    {
        var records = Mixed().Take(2).Concat(Mixed().Take(2).Select(r => r with { Repository = "acme/other-service" })).ToList();
        var back = ReadBack(AnalyticsCsvWriter.WriteToBytes(records));
        Assert.Equal(records.Select(r => r.Repository), back.Select(r => r.Repository));
        var summary = AnalyticsSummary.Create(back);
        Assert.Equal(4, summary.SessionCount); // not collapsed as duplicates of one PR #12
        Assert.Equal(["acme/other-service PR #12", "acme/widget PR #12"], summary.Targets.Select(t => t.Label));
    }

    [Fact]
    public void A_CSV_of_the_designs_29_columns_from_before_the_repository_column_still_reads()
    {
        var records = Mixed();
        var full = AnalyticsCsvWriter.WriteToString(records).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var old = string.Join("\r\n", full.Select(line => line[..line.LastIndexOf(',')])) + "\r\n"; // no cell of Mixed() holds a comma in repository
        Assert.StartsWith(string.Join(",", DesignColumns) + "\r\n", old);

        var back = ReadBack(Encoding.UTF8.GetBytes(old));
        Assert.Equal(records.Count, back.Count);
        for (var i = 0; i < records.Count; i++) AssertCsvFieldsEqual(records[i], back[i]);
        Assert.All(back, r => Assert.Null(r.Repository));
    }

    [Fact]
    public void Round_trip_gives_back_every_field_of_every_record()
    {
        var records = Mixed();
        var back = ReadBack(AnalyticsCsvWriter.WriteToBytes(records));
        Assert.Equal(records.Count, back.Count);
        for (var i = 0; i < records.Count; i++) AssertCsvFieldsEqual(records[i], back[i]);
        Assert.Equal(records.Select(r => r.Repository), back.Select(r => r.Repository));
        // The CSV carries the design's columns and the repository: the extra detail does not come back.
        Assert.All(back, r => Assert.Null(r.PerModelUsage));
    }

    [Fact]
    public void Hostile_text_in_every_text_column_round_trips_exactly()
    {
        var records = Hostile.Select((h, i) => new SessionAnalyticsRecord
        {
            SessionId = "s" + i + h, // starts with a letter so every row has an id
            PrNumber = i, TargetType = h, PrTitle = h, PrAuthor = h, PrStatus = h, ModelsUsed = h, CommitShas = h,
            SkillsUsed = h, AcceptanceStatus = h, TotalInputTokens = -i, EstimatedCostUsd = -1.5m * i, LinesAdded = -i,
        }).ToList();
        var back = ReadBack(AnalyticsCsvWriter.WriteToBytes(records));
        Assert.Equal(records.Count, back.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var expected = Hostile[i].Length == 0 ? null : Hostile[i];
            Assert.Equal(expected, back[i].PrTitle);
            Assert.Equal(expected, back[i].TargetType);
            Assert.Equal(Hostile[i], back[i].ModelsUsed);
            Assert.Equal(Hostile[i], back[i].CommitShas);
            Assert.Equal(records[i].SessionId, back[i].SessionId);
            Assert.Equal(-1.5m * i, back[i].EstimatedCostUsd);
        }
    }

    [Fact]
    public void Formula_cells_are_neutralised_but_numbers_stay_numbers()
    {
        var record = new SessionAnalyticsRecord
        {
            SessionId = "s1", PrTitle = "=cmd|' /C calc'!A0", PrAuthor = "@evil", ModelsUsed = "+x", SkillsUsed = "-y",
            CommitShas = "\tz", AcceptanceStatus = "'kept", LinesAdded = -5, CiPassRate = -1.5m, TimeToMergeHours = -0.25m,
        };
        var raw = RawCells(AnalyticsCsvWriter.WriteToBytes([record]))[1];
        string Cell(string column) => raw[Array.IndexOf(DesignColumns, column)];

        Assert.Equal("'=cmd|' /C calc'!A0", Cell("pr_title"));
        Assert.Equal("'@evil", Cell("pr_author"));
        Assert.Equal("'+x", Cell("models_used"));
        Assert.Equal("'-y", Cell("skills_used"));
        Assert.Equal("'\tz", Cell("commit_shas"));
        Assert.Equal("''kept", Cell("acceptance_status"));
        // Typed numbers are never prefixed: a spreadsheet reads them as numbers, which cannot run anything.
        Assert.Equal("-5", Cell("lines_added"));
        Assert.Equal("-1.5", Cell("ci_pass_rate"));
        Assert.Equal("-0.25", Cell("time_to_merge_hours"));
        // What a spreadsheet would evaluate: no text cell of the file starts with a formula character.
        var textColumns = new[] { "pr_title", "pr_author", "models_used", "skills_used", "commit_shas", "acceptance_status" };
        Assert.All(textColumns, c => Assert.DoesNotContain(Cell(c)[0], "=+-@\t\r"));
    }

    [Fact]
    public void Dates_are_ISO_8601_UTC_numbers_invariant_and_missing_GitHub_data_is_empty()
    {
        var local = SessionAnalyticsRecord.FromStats(Measured("bbbb0001-0000-0000-0000-000000000001", 0, 1234.5m, branch: "main"));
        var previous = CultureInfo.CurrentCulture;
        byte[] bytes;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            bytes = AnalyticsCsvWriter.WriteToBytes([local with { SessionStarted = new DateTimeOffset(2026, 2, 2, 10, 30, 0, TimeSpan.FromHours(1)) }]);
        }
        finally { CultureInfo.CurrentCulture = previous; }

        var row = RawCells(bytes)[1];
        string Cell(string column) => row[Array.IndexOf(DesignColumns, column)];
        Assert.Equal("2026-02-02T09:30:00Z", Cell("session_started"));
        Assert.Equal("1234.5", Cell("estimated_cost_usd"));
        Assert.Equal("4000000", Cell("total_cache_read"));
        foreach (var github in new[] { "pr_number", "target_type", "pr_title", "pr_author", "pr_status", "ci_runs", "ci_pass_rate", "review_comments", "lines_added", "lines_removed", "time_to_merge_hours", "acceptance_status" })
            Assert.Equal("", Cell(github));
        Assert.Equal("bbbb000", Cell("commit_shas"));
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "no byte order mark");
    }

    [Fact]
    public void Same_records_give_the_same_bytes_and_fractional_seconds_survive()
    {
        var records = Mixed();
        Assert.Equal(AnalyticsCsvWriter.WriteToBytes(records), AnalyticsCsvWriter.WriteToBytes(Mixed()));
        // Records from stats are to the second (FromStats); a record with a fraction, e.g. from another tool, keeps it.
        records[0] = records[0] with { SessionStarted = records[0].SessionStarted!.Value.AddMilliseconds(123) };
        var back = ReadBack(AnalyticsCsvWriter.WriteToBytes(records));
        Assert.Equal(123, back[0].SessionStarted!.Value.Millisecond);
    }

    [Fact]
    public void Per_skill_and_per_subagent_columns_hold_the_designs_json_plus_counts()
    {
        var r = Mixed()[0];
        Assert.Equal("""{"tdd:ci":{"in":100,"out":200,"count":1,"status":"pass"},"rca:ci":{"in":200,"out":400,"count":2,"status":"fail"}}""", r.PerSkillTokens);
        Assert.Equal("""{"Explore":{"in":20,"out":40,"count":2},"unknown":{"in":10,"out":20,"count":1}}""", r.PerSubagentTokens);
        Assert.Equal("tdd:ci,rca:ci", r.SkillsUsed);
        Assert.Equal(3, r.SubagentCount);
        Assert.Equal((2, 1), (r.ProblemsCount, r.ProblemsResolved));
        Assert.Equal((4.25m, "merged", 75m, 4), (r.TimeToMergeHours!.Value, r.AcceptanceStatus, r.CiPassRate!.Value, r.CiRuns!.Value));
    }

    [Fact]
    public void Reader_reports_bad_rows_with_their_line_and_keeps_the_rest()
    {
        var good = AnalyticsCsvWriter.WriteToString(Mixed().Take(2));
        var lines = good.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        var bad = lines[1].Replace("2026-02-02T09:30:00Z", "yesterday");
        var shortRow = "1,pr,short";
        var text = string.Join("\r\n", lines[0], bad, shortRow, lines[2]) + "\r\n";
        var diagnostics = new CollectingDiagnostics();

        var records = AnalyticsCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "in.csv", diagnostics);

        Assert.Equal("aaaa0002-0000-0000-0000-000000000002", Assert.Single(records).SessionId);
        Assert.Equal(2, diagnostics.Errors.Count);
        Assert.All(diagnostics.Errors, e => Assert.Equal("AnalyticsCsvRowInvalid", e.ErrorId));
        Assert.Contains(diagnostics.Errors, e => e.Message.StartsWith("in.csv:2:") && e.Message.Contains("session_started") && e.Message.Contains("yesterday"));
        Assert.Contains(diagnostics.Errors, e => e.Message.StartsWith("in.csv:3:"));
    }

    [Fact]
    public void Reader_takes_columns_in_any_order_ignores_extra_ones_and_reads_Export_Csv_property_names()
    {
        var reordered = "extra,estimated_cost_usd,session_id,pr_title\r\nx,1.5,abc,'=t\r\n";
        var d = new CollectingDiagnostics();
        var r = Assert.Single(AnalyticsCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(reordered)), "r.csv", d));
        Assert.Equal(("abc", 1.5m, "=t"), (r.SessionId, r.EstimatedCostUsd, r.PrTitle));
        Assert.Contains(d.Warnings, w => w.Contains("pr_number"));

        // Export-Csv quotes every field and does not neutralise: nothing is stripped.
        var exportCsv = "\"SessionId\",\"PrTitle\",\"TotalInputTokens\",\"Repository\"\r\n\"abc\",\"'quoted\",\"42\",\"acme/widget\"\r\n";
        var p = Assert.Single(AnalyticsCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(exportCsv)), "p.csv", new CollectingDiagnostics()));
        Assert.Equal(("abc", "'quoted", 42L, "acme/widget"), (p.SessionId, p.PrTitle, p.TotalInputTokens, p.Repository));
    }

    [Fact]
    public void Property_name_cells_in_the_current_culture_parse_but_analytics_csv_cells_must_be_invariant()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var exportCsv = SessionAnalyticsRecord.FromCells(new Dictionary<string, string?>
            {
                ["SessionId"] = "s", ["EstimatedCostUsd"] = "1,25", ["SessionStarted"] = "02.02.2026 09:30:00 +00:00",
            });
            Assert.Equal((1.25m, new DateTimeOffset(2026, 2, 2, 9, 30, 0, TimeSpan.Zero)), (exportCsv.EstimatedCostUsd, exportCsv.SessionStarted!.Value));
            var e = Assert.Throws<FormatException>(() => SessionAnalyticsRecord.FromCells(new Dictionary<string, string?> { ["session_id"] = "s", ["estimated_cost_usd"] = "1,25" }));
            Assert.Contains("estimated_cost_usd", e.Message);
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    [Fact]
    public void A_file_without_a_session_id_column_is_refused()
    {
        var e = Assert.Throws<EngineException>(() => AnalyticsCsvReader.Read(new MemoryStream("a,b\r\n1,2\r\n"u8.ToArray()), "x.csv", new CollectingDiagnostics()));
        Assert.Equal("AnalyticsCsvHeaderInvalid", e.Error.ErrorId);
        var empty = Assert.Throws<EngineException>(() => AnalyticsCsvReader.Read(new MemoryStream([]), "e.csv", new CollectingDiagnostics()));
        Assert.Equal("AnalyticsCsvEmpty", empty.Error.ErrorId);
    }

    internal static List<SessionAnalyticsRecord> ReadBack(byte[] csv)
    {
        var diagnostics = new CollectingDiagnostics();
        var records = AnalyticsCsvReader.Read(new MemoryStream(csv), "mem.csv", diagnostics).ToList();
        Assert.Empty(diagnostics.Errors);
        Assert.Empty(diagnostics.Warnings);
        return records;
    }

    internal static void AssertCsvFieldsEqual(SessionAnalyticsRecord expected, SessionAnalyticsRecord actual)
    {
        foreach (var column in DesignColumns)
        {
            var property = typeof(SessionAnalyticsRecord).GetProperty(SessionAnalyticsRecord.PropertyName(column))!;
            var (e, a) = (property.GetValue(expected), property.GetValue(actual));
            if (e is string s && s.Length == 0 && a is null) continue; // an empty text cell reads back as null for optional columns
            Assert.True(Equals(e, a), $"{column}: expected <{e}> but read back <{a}>");
        }
    }

    /// <summary>The file's cells as a spreadsheet would get them: unquoted, nothing restored.</summary>
    private static List<string[]> RawCells(byte[] csv)
    {
        using var reader = CsvReader.Create(csv, CsvReaderOptions.Default with { HasHeader = false, Separator = ',' });
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i)).ToArray());
        return rows;
    }
}
