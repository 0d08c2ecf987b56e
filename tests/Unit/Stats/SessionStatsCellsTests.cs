using System.Globalization;
using System.Reflection;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Tabular;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// SessionStats in a CSV row (issue #11): every collection prints a compact text form, and the row read back gives the
/// record the direct pipeline makes. Rows here are made as Export-Csv makes them: each property's ToString() in the
/// current culture (Pester does the same in real pwsh).
/// </summary>
public sealed class SessionStatsCellsTests : MeasurementTest
{
    /// <summary>A session with a bit of everything, its first line at a time with milliseconds (as real transcripts have).</summary>
    private SessionStats Rich(bool oneModel = false)
    {
        var b = new TranscriptBuilder("5d1f0c2a-7b1e-4d52-9a0c-5e8f1d2b6a71", cwd: "/home/dev/acme-widget", branch: "fix/login",
                start: new DateTimeOffset(2026, 2, 9, 9, 12, 5, 481, TimeSpan.Zero))
            .User("fix the login timeout")
            .Skill(Opus, new Usage(10, 200, 1000, 5000), "tdd:ci")
            .Bash(Opus, new Usage(5, 50), "npm test", "FAIL src/auth/client.test.ts", isError: true)
            .Bash(Opus, new Usage(5, 50, 0, 6000), "npm test", "PASS")
            .Commit(Opus, new Usage(3, 30), "b41c9e2", "Make the login timeout configurable");
        if (!oneModel)
            b.Task(Opus, new Usage(2, 20), "a3d04c8", "Explore", "Explore the login code", sub =>
                sub.Assistant(Haiku, new Usage(100, 700, 2000, 9000)), reportedUsage: new Usage(100, 700, 2000, 9000));
        b.Advance(TimeSpan.FromMinutes(78)).Assistant(Opus, new Usage(1, 10));
        return Measure(b);
    }

    /// <summary>The cells Export-Csv writes for an object: every public property's ToString(), numbers and dates in the current culture.</summary>
    internal static Dictionary<string, string?> CsvCells(object value) =>
        value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(p => p.Name, p => p.GetValue(value) switch
        {
            null => "",
            IFormattable f => f.ToString(null, CultureInfo.CurrentCulture),
            var v => v.ToString(),
        });

    [Fact]
    public void Every_collection_prints_a_compact_form_and_no_type_name()
    {
        var s = Rich();
        var cells = CsvCells(s);
        Assert.Equal("claude-opus-4-6=" + Exact(s.Models[0].CostUsd!.Value) + "; claude-haiku-4-5-20251001=" + Exact(s.Models[1].CostUsd!.Value), cells["Models"]);
        Assert.Equal("Bash=3; Skill=1; Task=1", cells["Tools"]);
        Assert.Matches(@"^tdd:ci=1 pass \(in \d+, out \d+\)$", cells["SkillsInvoked"]);
        Assert.Equal("tdd:ci", cells["SkillSequence"]);
        Assert.Equal("a3d04c8=Explore claude-haiku-4-5-20251001 (in 100, out 700)", cells["Subagents"]);
        Assert.Equal("b41c9e2 Make the login timeout configurable", cells["Commits"]);
        Assert.Equal("Bash 'npm test' failed: FAIL src/auth/client.test.ts (resolved, 1x, tool_error)", cells["ProblemsFaced"]);
        Assert.Equal("fix/login", cells["Branches"]);
        foreach (var (name, text) in cells)
            Assert.DoesNotMatch(@"System\.|SessionAnalytics\.|`\d|<>", text ?? "");

        static string Exact(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Item_forms_keep_any_text_apart()
    {
        ModelUsage unpriced = new() { Model = "claude-future-9", CostUsd = null };
        SkillUsage skill = new() { Skill = "odd;name=x\\y", Count = 3, Status = "fail", InputTokens = 7, OutputTokens = 9 };
        SubagentUsage agent = new() { Id = "-", Type = "two words", Model = null, InputTokens = 1, OutputTokens = 2, Source = "tool_result" };
        CommitRecord commit = new() { Sha = "abc1234", Message = "Subject; with = signs\nand a body" };
        ProblemRecord problem = new() { Description = "looks like (resolved, 9x); but is not", Resolved = false, Iterations = 2, Kind = null };

        SkillInvocation failed = new() { Skill = "tdd:ci", Succeeded = false, FailedTestOrCi = "dotnet test --filter 'A;B'" };
        Assert.Equal("tdd:ci", new SkillInvocation { Skill = "tdd:ci" }.ToCellText());
        Assert.Equal(@"tdd:ci (failed), then 'dotnet test --filter 'A\;B'' failed", failed.ToCellText());
        Assert.Equal(failed, SkillInvocation.FromCellText(failed.ToCellText()));
        Assert.Equal(failed with { Succeeded = true }, SkillInvocation.FromCellText((failed with { Succeeded = true }).ToCellText()));

        Assert.Equal("claude-future-9=unpriced", unpriced.ToCellText());
        Assert.Equal(@"odd\;name\=x\\y=3 fail (in 7, out 9)", skill.ToCellText());
        Assert.Equal(@"-=two\ words - (in 1, out 2, tool_result)", agent.ToCellText());
        Assert.Equal(@"abc1234 Subject\; with \= signs and a body", commit.ToCellText());
        Assert.Equal(@"looks like (resolved, 9x)\; but is not (unresolved, 2x)", problem.ToCellText());

        CellList<SkillUsage> skills = [skill, skill with { Skill = "b" }];
        Assert.Equal([skill, skill with { Skill = "b" }], CellText.Items(skills.ToString()).Select(SkillUsage.FromCellText));
        Assert.Equal(agent, SubagentUsage.FromCellText(agent.ToCellText()));
        Assert.Equal(unpriced, ModelUsage.FromCellText(unpriced.ToCellText()));
        Assert.Equal(commit with { Message = "Subject; with = signs and a body" }, CommitRecord.FromCellText(commit.ToCellText()));
        Assert.Equal(problem, ProblemRecord.FromCellText(CellText.Items(new CellList<ProblemRecord>([problem]).ToString()).Single()));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("de-DE")]
    [InlineData("en-GB")]
    public void A_row_read_back_gives_the_same_analytics_row_as_the_stats(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            foreach (var s in new[] { Rich(), Rich(oneModel: true) })
            {
                var direct = SessionAnalyticsRecord.FromStats(s);
                var cells = CsvCells(s);
                var back = StatsRowRecords.FromStatsRow(cells);

                Assert.Equal(AnalyticsCsvWriter.WriteToString([direct]), AnalyticsCsvWriter.WriteToString([back]));
                Assert.True(StatsRowRecords.IsStatsRow(cells));
                if (s.Models.Count == 1) Assert.Equal(direct, back);
                // Several models: the CSV has each one's cost, not its tokens; the split is left unknown, never zero.
                else Assert.Equal(direct with { PerModelUsage = null }, back);
                Assert.Equal(new DateTimeOffset(2026, 2, 9, 9, 12, 5, TimeSpan.Zero), back.SessionStarted);
            }
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    [Fact]
    public void The_stats_read_back_carry_every_collection()
    {
        var s = Rich();
        var row = SessionStatsCells.Read(CsvCells(s));
        Assert.False(row.ModelTokensKnown);
        var back = row.Stats;
        Assert.Equal(s.Models.Select(m => (m.Model, m.CostUsd)), back.Models.Select(m => (m.Model, m.CostUsd)));
        Assert.Equal(s.Tools, back.Tools);
        Assert.Equal(s.SkillsInvoked, back.SkillsInvoked);
        Assert.Equal(s.SkillSequence, back.SkillSequence);
        Assert.Equal(s.SkillInvocations, back.SkillInvocations);
        Assert.Equal(s.Subagents.Select(a => (a.Id, a.Type, a.Model, a.InputTokens, a.OutputTokens, a.Source)),
            back.Subagents.Select(a => (a.Id, a.Type, a.Model, a.InputTokens, a.OutputTokens, a.Source)));
        Assert.Equal(s.Commits.Select(c => (c.Sha, c.Message)), back.Commits.Select(c => (c.Sha, c.Message)));
        Assert.Equal(s.ProblemsFaced, back.ProblemsFaced);
        Assert.Equal(s.Branches, back.Branches);
        Assert.Equal(s.TranscriptPaths, back.TranscriptPaths);
        Assert.Equal((s.TotalTokens, s.EstimatedCostUsd, s.DurationMinutes, s.ActiveMinutes, s.MessageCount, s.Cwd, s.Version),
            (back.TotalTokens, back.EstimatedCostUsd, back.DurationMinutes, back.ActiveMinutes, back.MessageCount, back.Cwd, back.Version));
    }

    [Fact]
    public void Workflow_edges_print_as_family_edge_equals_count_and_read_back()
    {
        var s = Rich();
        s.WorkflowEdges = new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            ["tdd"] = new Dictionary<string, int> { ["RCACI->TDDCI"] = 1, ["TDDCI->HS"] = 2 },
            ["my family"] = new Dictionary<string, int> { ["A->B"] = 3 },
        };
        Assert.Equal(@"tdd RCACI->TDDCI=1; tdd TDDCI->HS=2; my\ family A->B=3", s.WorkflowEdges.ToString());
        var back = SessionStatsCells.Read(CsvCells(s)).Stats.WorkflowEdges;
        Assert.Equal(2, back["tdd"]["TDDCI->HS"]);
        Assert.Equal(3, back["my family"]["A->B"]);
    }

    [Fact]
    public void A_row_without_a_column_analytics_needs_is_an_error_naming_it()
    {
        var cells = CsvCells(Rich());
        foreach (var column in new[] { "StartedAt", "Models", "InputTokens" }) cells.Remove(column);

        var e = Assert.Throws<SessionStatsRowException>(() => StatsRowRecords.FromStatsRow(cells));
        Assert.Equal(StatsErrors.RowColumnMissing, e.ErrorId);
        Assert.Equal(["StartedAt", "InputTokens", "Models"], e.MissingColumns);
        Assert.Contains("has no StartedAt, InputTokens, Models columns", e.Message);
        Assert.Contains("5d1f0c2a-7b1e-4d52-9a0c-5e8f1d2b6a71", e.Message);
    }

    [Fact]
    public void A_row_with_only_an_id_and_a_cost_is_a_stats_row_that_lacks_columns_not_a_session_of_zeros()
    {
        var cells = new Dictionary<string, string?> { ["SessionId"] = "5d1f0c2a", ["EstimatedCostUsd"] = "6.17" };
        Assert.True(StatsRowRecords.IsStatsRow(cells));
        var e = Assert.Throws<SessionStatsRowException>(() => StatsRowRecords.FromStatsRow(cells));
        Assert.Contains("StartedAt", e.MissingColumns);
        // Rows of analytics.csv and of exported records are not stats rows.
        Assert.False(StatsRowRecords.IsStatsRow(new Dictionary<string, string?> { ["session_id"] = "x", ["estimated_cost_usd"] = "1" }));
        Assert.False(StatsRowRecords.IsStatsRow(CsvCells(SessionAnalyticsRecord.FromStats(Rich(oneModel: true)))));
    }

    [Theory]
    [InlineData("CommitCount", "3", "Column 'CommitCount' is '3' but Commits gives '1'")]
    [InlineData("ModelsUsed", "claude-opus-4-6", "Column 'ModelsUsed'")]
    [InlineData("Subagents", "a3d04c8=Explore", "Column 'Subagents': 'a3d04c8=Explore' is not of the form")]
    [InlineData("Models", "claude-opus-4-6=lots", "Column 'Models'")]
    [InlineData("DurationMinutes", "long", "Column 'DurationMinutes' should be a whole number but is 'long'")]
    [InlineData("ProblemsFaced", "Bash 'npm test' failed: FAIL src/auth/cli", "Column 'ProblemsFaced'")]
    public void A_cell_that_is_not_in_its_form_or_disagrees_with_its_count_is_an_error_naming_the_column(string column, string value, string message)
    {
        var cells = CsvCells(Rich());
        cells[column] = value;
        var e = Assert.Throws<SessionStatsRowException>(() => SessionStatsCells.Read(cells));
        Assert.Equal(StatsErrors.RowInvalid, e.ErrorId);
        Assert.Contains(message, e.Message);
    }
}
