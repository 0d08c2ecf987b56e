using System.Globalization;
using System.Text.RegularExpressions;
using Markdig;
using SessionAnalytics.Core.Export;
using static SessionAnalytics.Tests.Export.ExportFixtures;

namespace SessionAnalytics.Tests.Export;

public class AnalyticsMarkdownReportTests
{
    private static readonly MarkdownPipeline Gfm = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    [Fact]
    public void Report_has_the_designs_shape()
    {
        var md = AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(Mixed(), new AnalyticsReportOptions
        {
            Repository = "acme/widget", From = new DateOnly(2026, 1, 1), To = new DateOnly(2026, 2, 15),
        }));
        Assert.StartsWith("# Claude Code Analytics Report\n\n**Period:** 2026-01-01 to 2026-02-15\n\n**Repository:** acme/widget\n\n## Summary\n", md);
        var headings = md.Split('\n').Where(l => l.StartsWith("## ")).ToList();
        Assert.Equal(["## Summary", "## Per-PR Breakdown", "## Model Usage Distribution", "## Skill Effectiveness"], headings);
        foreach (var metric in new[] { "PRs with session data", "Issues with session data", "Total sessions", "Total cost", "Total commits", "Average cost per PR", "PR acceptance rate", "Average time to merge" })
            Assert.Contains($"| {metric} | ", md);
        Assert.EndsWith("\n", md);
        Assert.DoesNotContain("\r", md);
    }

    [Fact]
    public void Report_totals_equal_the_sums_of_the_records()
    {
        var records = Mixed();
        var md = AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(records));
        var summary = SummaryTable(md);

        Assert.Equal(records.Where(r => r.TargetType == "pr").Select(r => r.PrNumber).Distinct().Count(), int.Parse(summary["PRs with session data"], CultureInfo.InvariantCulture));
        Assert.Equal(records.Where(r => r.TargetType == "issue").Select(r => r.PrNumber).Distinct().Count(), int.Parse(summary["Issues with session data"], CultureInfo.InvariantCulture));
        Assert.Equal(records.Count, int.Parse(summary["Total sessions"], CultureInfo.InvariantCulture));
        Assert.Equal(records.Sum(r => r.EstimatedCostUsd), Money(summary["Total cost"]));
        Assert.Equal(records.Sum(r => r.CommitsCount), int.Parse(summary["Total commits"], CultureInfo.InvariantCulture));
        var prCosts = records.Where(r => r.TargetType == "pr").GroupBy(r => r.PrNumber).Select(g => g.Sum(r => r.EstimatedCostUsd)).ToList();
        Assert.Equal(Math.Round(prCosts.Average(), 2), Money(summary["Average cost per PR"]));
        Assert.StartsWith("50% (1 of 2 decided PRs merged; 1 open)", summary["PR acceptance rate"]);
        Assert.Equal("4.3h", summary["Average time to merge"]); // one merged PR, 4.25 h

        // The per-PR table's rows add up to its totals row, which equals the records' sums.
        var breakdown = Table(md, "## Per-PR Breakdown");
        var body = breakdown.Where(r => r[0] != "**Total**").ToList();
        var total = breakdown.Single(r => r[0] == "**Total**");
        Assert.Equal(records.Count, body.Sum(r => Count(r[4])));
        Assert.Equal(records.Count, Count(total[4]));
        Assert.Equal(records.Sum(r => r.EstimatedCostUsd), body.Sum(r => Money(r[5])));
        Assert.Equal(records.Sum(r => r.EstimatedCostUsd), Money(total[5]));
        Assert.Equal(records.Sum(r => r.CommitsCount), body.Sum(r => Count(r[6])));
        Assert.Equal(records.Sum(r => r.TotalInputTokens), body.Sum(r => Count(r[7])));
        Assert.Equal(records.Sum(r => r.TotalOutputTokens), Count(total[8]));

        // Model table: tokens per model add up to the records' tokens (every fixture session has its per-model split).
        var models = Table(md, "## Model Usage Distribution").Where(r => r[0] != "**Total**").ToList();
        Assert.Equal(records.Sum(r => r.TotalInputTokens), models.Sum(r => Count(r[2])));
        Assert.Equal(records.Sum(r => r.TotalCacheRead), models.Sum(r => Count(r[5])));
        Assert.Equal(records.Sum(r => r.EstimatedCostUsd), models.Sum(r => Money(r[6])));

        // Skill table: invocations are the per-skill counts summed over sessions.
        var skills = Table(md, "## Skill Effectiveness").ToDictionary(r => r[0], r => r);
        Assert.Equal(3, Count(skills["tdd:ci"][2])); // 1 + 1 + 1
        Assert.Equal(3, Count(skills["rca:ci"][2])); // 2 (second skill of session 1) + 1
        Assert.Equal("1 of 1", skills["tdd:ci"][7]);
    }

    [Fact]
    public void Report_from_the_CSV_alone_keeps_every_total()
    {
        var records = Mixed();
        var fromCsv = AnalyticsCsvTests.ReadBack(AnalyticsCsvWriter.WriteToBytes(records));
        var a = SummaryTable(AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(records)));
        var b = SummaryTable(AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(fromCsv)));
        Assert.Equal(a, b);
        // Without the per-model split, sessions with several models go into one honest bucket.
        var models = Table(AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(fromCsv)), "## Model Usage Distribution");
        Assert.Contains(models, r => r[0] == AnalyticsMarkdownReport.Escape(AnalyticsSummary.UnsplitModels) && Count(r[1]) == 2);
        Assert.Equal(records.Sum(r => r.EstimatedCostUsd), models.Where(r => r[0] != "**Total**").Sum(r => Money(r[6])));
    }

    [Fact]
    public void Text_from_GitHub_cannot_add_markup_or_break_a_table_row()
    {
        var hostile = new[]
        {
            HostileTitle, "a | b | c", "**bold** _it_ `code`", "[x](javascript:alert(1))", "![img](http://x/y.png)",
            "<img src=x onerror=alert(1)>", "line\nbreak\r\n| injected | row |", "&lt;script&gt;", "$x^2$", "~~strike~~", "\\|",
            "leaked ghp_0123456789abcdefghijABCDEFGHIJ token",
        };
        var records = hostile.Select((t, i) => SessionAnalyticsRecord.FromStats(Measured($"cccc{i:0000}-0000-0000-0000-000000000000", i, 1m), Pr(100 + i, "open", t, author: t))).ToList();
        var md = AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(records, new AnalyticsReportOptions { Repository = "<b>repo</b>", Notes = ["# not a heading", "1. not a list"] }));
        var html = Markdown.ToHtml(md, Gfm);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", html);
        Assert.DoesNotContain("<strong>bold", html);
        Assert.DoesNotContain("<code>", html);
        Assert.DoesNotContain("<del>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&amp;lt;script&amp;gt;", html); // an entity in a title stays literal text
        Assert.Single(Regex.Matches(html, "<h1"));
        Assert.DoesNotContain("<ol", html);
        Assert.DoesNotContain("ghp_0123456789", md); // secrets are redacted as in the comments
        Assert.Contains("leaked [REDACTED] token", System.Net.WebUtility.HtmlDecode(html));

        // Every row of the per-PR table has exactly its 11 cells.
        var section = html[html.IndexOf("Per-PR Breakdown", StringComparison.Ordinal)..html.IndexOf("Model Usage Distribution", StringComparison.Ordinal)];
        var rows = Regex.Matches(section, "<tr>(.*?)</tr>", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(hostile.Length + 2, rows.Count); // header, one per PR, totals
        Assert.All(rows, r => Assert.Equal(11, Regex.Matches(r, "<t[dh][ >]").Count));
        // The title text survives as text.
        Assert.Contains("a | b | c", System.Net.WebUtility.HtmlDecode(section));
    }

    [Fact]
    public void Local_sessions_give_a_report_with_empty_GitHub_figures()
    {
        var local = new[] { Measured("dddd0001-0000-0000-0000-000000000000", 0, 1.5m, branch: "main"), Measured("dddd0002-0000-0000-0000-000000000000", 1, 2.5m, branch: "main") }
            .Select(s => SessionAnalyticsRecord.FromStats(s)).ToList();
        var md = AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(local));
        var summary = SummaryTable(md);
        Assert.Equal("0", summary["PRs with session data"]);
        Assert.Equal("2", summary["Sessions without a PR or issue"]);
        Assert.Equal("$4.00", summary["Total cost"]);
        Assert.Equal("n/a", summary["Average cost per PR"]);
        Assert.StartsWith("n/a", summary["PR acceptance rate"]);
        Assert.Contains("| Local: main |", md);
        Assert.Contains("**Repository:** local sessions of acme/widget", md); // the sessions' project
    }

    [Fact]
    public void Record_order_does_not_change_the_report()
    {
        var records = Mixed();
        var reversed = Enumerable.Reverse(records).ToList();
        Assert.Equal(AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(records)), AnalyticsMarkdownReport.Render(AnalyticsSummary.Create(reversed)));
    }

    [Fact]
    public void The_same_session_on_the_same_PR_counts_once_keeping_the_larger_measurement()
    {
        var records = Mixed();
        var larger = records[1] with { TotalOutputTokens = records[1].TotalOutputTokens + 1, EstimatedCostUsd = 9m };
        var diagnostics = new SessionAnalytics.Core.Diagnostics.CollectingDiagnostics();
        var summary = AnalyticsSummary.Create([.. records, larger], diagnostics: diagnostics);
        Assert.Equal(records.Count, summary.SessionCount);
        Assert.Contains(larger, summary.Records);
        Assert.Contains(diagnostics.Warnings, w => w.Contains(records[1].SessionId) && w.Contains("PR #12"));
        // The same session on another PR is a record of its own.
        var elsewhere = records[1] with { PrNumber = 99 };
        Assert.Equal(records.Count + 1, AnalyticsSummary.Create([.. records, elsewhere]).SessionCount);
    }

    private static Dictionary<string, string> SummaryTable(string md) => Table(md, "## Summary").ToDictionary(r => r[0], r => r[1]);

    /// <summary>The body rows of the first table after <paramref name="heading"/>, cells split on unescaped pipes.</summary>
    internal static List<string[]> Table(string md, string heading)
    {
        var lines = md.Split('\n');
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"'{heading}' missing");
        var table = lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        return table.Skip(2).Select(l => Regex.Split(l.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray()).ToList();
    }

    private static decimal Money(string cell) => decimal.Parse(cell.Replace("**", "").Replace("$", "").Replace(",", ""), CultureInfo.InvariantCulture);
    private static long Count(string cell) => long.Parse(cell.Replace("**", "").Replace(",", ""), CultureInfo.InvariantCulture);
}
