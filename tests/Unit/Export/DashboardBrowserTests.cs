using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Export.ExportFixtures;

namespace SessionAnalytics.Tests.Export;

/// <summary>
/// The dashboard in headless Chromium, offline (tests/browser/check-dashboard.mjs blocks every request): no errors,
/// the five charts drawn with the expected points, hostile titles shown as text, the table sorts. The screenshot is
/// kept as TestResults/dashboard.png.
/// </summary>
public sealed class DashboardBrowserTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sa-dashboard-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [BrowserFact]
    public void Embedded_dashboard_works_offline_draws_five_charts_and_keeps_hostile_text_as_text()
    {
        var summary = AnalyticsSummary.Create(AnalyticsDashboardTests.HostileRecords());
        var html = Path.Combine(_directory, AnalyticsExport.DashboardFileName);
        File.WriteAllText(html, AnalyticsDashboard.Render(summary, embedChartJs: true));
        var screenshot = Path.Combine(_directory, "dashboard.png");

        var page = Observe(html, screenshot);

        Assert.Empty(Strings(page, "pageErrors"));
        Assert.Empty(Strings(page, "consoleErrors"));
        Assert.Empty(Strings(page, "dialogs"));
        Assert.Empty(Strings(page, "blockedRequests")); // nothing even tried the network
        Assert.True(page.GetProperty("chartJsLoaded").GetBoolean());

        var charts = page.GetProperty("charts").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.Equal(AnalyticsDashboard.ChartIds.Order(), charts.Keys.Order());
        var expected = new Dictionary<string, (string Type, int Points, int Datasets)>
        {
            ["chart-tokens"] = ("line", summary.TokensByDay.Count, 4),
            ["chart-cost"] = ("bar", summary.Targets.Count, 1),
            ["chart-skills"] = ("pie", summary.Skills.Count, 1),
            ["chart-acceptance"] = ("line", summary.AcceptanceByWeek.Count, 1),
            ["chart-models"] = ("doughnut", summary.Models.Count, 1),
        };
        foreach (var (id, (type, points, datasets)) in expected)
        {
            var chart = charts[id];
            Assert.True(points > 0, $"{id}: the fixture should give it data");
            Assert.Equal(type, chart.GetProperty("type").GetString());
            Assert.True(chart.GetProperty("viaGetChart").GetBoolean());
            Assert.Equal(points, chart.GetProperty("labels").GetArrayLength());
            Assert.Equal(datasets, chart.GetProperty("datasets").GetArrayLength());
            Assert.All(chart.GetProperty("datasets").EnumerateArray(), d => Assert.Equal(points, d.GetProperty("points").GetInt32()));
            Assert.True(chart.GetProperty("paintedPixels").GetInt32() > 1000, $"{id} drew (almost) nothing");
        }
        Assert.Contains("</script><script>alert(2)</script>", charts["chart-skills"].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        // Hostile titles are text in the table; nothing they contain became an element or ran.
        var titles = Strings(page, "titles");
        Assert.Contains(HostileTitle, titles);
        Assert.Contains("<img src=x onerror=\"window.__pwned=true;alert(3)\">\u2028&amp;</script>", titles);
        var injection = page.GetProperty("injection");
        Assert.False(injection.GetProperty("pwned").GetBoolean());
        Assert.Equal(0, injection.GetProperty("imgElements").GetInt32());
        Assert.Equal(3, injection.GetProperty("scriptElements").GetInt32()); // data, Chart.js, the page's script
        Assert.Equal(0, injection.GetProperty("scriptsContainingHostileMarkup").GetInt32());

        Assert.Equal(summary.PeriodLabel, page.GetProperty("period").GetString());
        Assert.Equal(summary.SummaryRows.Select(r => new[] { r.Key, r.Value }),
            page.GetProperty("summary").EnumerateArray().Select(r => new[] { r[0].GetString()!, r[1].GetString()! }));

        // Sorting: cost largest first, then reversed; session ids A to Z.
        var costs = summary.Records.Select(r => r.EstimatedCostUsd).ToList();
        Assert.Equal("descending", page.GetProperty("sortCostFirst").GetProperty("ariaSort").GetString());
        Assert.Equal(costs.OrderDescending(), Numbers(page.GetProperty("sortCostFirst")));
        Assert.Equal("ascending", page.GetProperty("sortCostSecond").GetProperty("ariaSort").GetString());
        Assert.Equal(costs.Order(), Numbers(page.GetProperty("sortCostSecond")));
        Assert.Equal(summary.Records.Select(r => r.SessionIdShort).Order(StringComparer.Ordinal),
            page.GetProperty("sortSession").GetProperty("values").EnumerateArray().Select(v => v.GetString()));

        Assert.True(new FileInfo(screenshot).Length > 10_000);
        var artifacts = Directory.CreateDirectory(Path.Combine(ModuleHost.RepoRoot, "TestResults")).FullName;
        File.Copy(screenshot, Path.Combine(artifacts, "dashboard.png"), overwrite: true);
    }

    [BrowserFact]
    public void CDN_dashboard_offline_says_why_the_charts_are_missing_and_still_shows_the_table()
    {
        var summary = AnalyticsSummary.Create(Mixed());
        var html = Path.Combine(_directory, AnalyticsExport.DashboardFileName);
        File.WriteAllText(html, AnalyticsDashboard.Render(summary));

        var page = Observe(html, Path.Combine(_directory, "cdn.png"));

        Assert.Empty(Strings(page, "pageErrors"));
        Assert.Equal([AnalyticsDashboard.ChartJsCdnUrl], Strings(page, "blockedRequests"));
        Assert.False(page.GetProperty("chartJsLoaded").GetBoolean());
        Assert.Contains("-EmbedChartJs", page.GetProperty("chartStatus").GetString());
        Assert.Equal(summary.Records.Count, Strings(page, "titles").Count);
    }

    /// <summary>
    /// Four repositories over two months: choosing a repository, then a month, redraws every chart with exactly the
    /// figures the report would give for those records alone (AnalyticsSummary of the subset) and hides the other rows
    /// of the table; "Show all" brings back the report's own figures and every row.
    /// </summary>
    [BrowserFact]
    public void With_several_repositories_the_filter_redraws_charts_and_table_with_the_subsets_figures()
    {
        var records = ParquetDatasetTests.SeveralRepositories();
        var summary = AnalyticsSummary.Create(records);
        var html = Path.Combine(_directory, AnalyticsExport.DashboardFileName);
        File.WriteAllText(html, AnalyticsDashboard.Render(summary, embedChartJs: true));

        var page = Observe(html, Path.Combine(_directory, "filter.png"));

        Assert.Empty(Strings(page, "pageErrors"));
        Assert.Empty(Strings(page, "consoleErrors"));
        var filter = page.GetProperty("filter");
        Assert.True(filter.GetProperty("repositoryShown").GetBoolean());
        Assert.True(filter.GetProperty("periodShown").GetBoolean());
        Assert.Equal(["2026-01", "2026-02"], filter.GetProperty("months").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["acme/billing-service", "acme/docs", "acme/widget"],
            filter.GetProperty("repositories").EnumerateArray().Where(o => o[0].GetString() != "").Select(o => o[1].GetString()));
        AssertCharts(summary, page.GetProperty("chartValues"));

        var views = filter.GetProperty("views").EnumerateArray().ToList();
        Assert.Equal(4, views.Count);
        foreach (var view in views)
        {
            var repository = view.GetProperty("repository").GetString();
            var month = view.GetProperty("from").GetString();
            var subset = summary.Records.Where(r => r.Repository == repository && (month is null || AnalyticsParquetDataset.MonthOf(r) == month)).ToList();
            Assert.NotEmpty(subset);
            var rows = view.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(subset.Count, rows.Count);
            Assert.All(rows, row => Assert.Equal(repository, row[row.GetArrayLength() - 1].GetString()));
            Assert.Equal(subset.Select(r => r.SessionIdShort), rows.Select(row => row[4].GetString()));
            Assert.Contains($"Showing {subset.Count} of {records.Count} sessions", view.GetProperty("status").GetString());
            AssertCharts(AnalyticsSummary.Create(subset), view.GetProperty("charts"), byTarget: true);
        }
        // billing-service in February only: its January session is gone from every chart and the table.
        var february = views[^1];
        Assert.Equal(("acme/billing-service", "2026-02"), (february.GetProperty("repository").GetString(), february.GetProperty("from").GetString()));
        Assert.Single(february.GetProperty("rows").EnumerateArray());

        var reset = filter.GetProperty("afterReset");
        Assert.Equal(records.Count, reset.GetProperty("rows").GetInt32());
        AssertCharts(summary, reset.GetProperty("charts"));
        Assert.True(File.Exists(Path.Combine(_directory, "filter-filtered.png")));
        File.Copy(Path.Combine(_directory, "filter-filtered.png"), Path.Combine(Directory.CreateDirectory(Path.Combine(ModuleHost.RepoRoot, "TestResults")).FullName, "dashboard-filtered.png"), overwrite: true);
    }

    /// <summary>The drawn charts hold the summary's figures (cost per target by value; labels differ when a subset has one repository).</summary>
    private static void AssertCharts(AnalyticsSummary expected, JsonElement drawn, bool byTarget = false)
    {
        var charts = drawn.EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        static List<decimal> Data(JsonElement chart, int dataset = 0) => chart.GetProperty("data")[dataset].EnumerateArray().Select(v => v.GetDecimal()).ToList();
        static List<string> Labels(JsonElement chart) => chart.GetProperty("labels").EnumerateArray().Select(v => v.GetString()!).ToList();
        static void Near(IEnumerable<decimal> want, IEnumerable<decimal> got) =>
            Assert.Equal(want.Select(v => Math.Round(v, 6)), got.Select(v => Math.Round(v, 6)));

        Assert.Equal(expected.TokensByDay.Select(d => AnalyticsFormat.Date(d.Day)), Labels(charts["chart-tokens"]));
        Near(expected.TokensByDay.Select(d => (decimal)d.CacheReadTokens), Data(charts["chart-tokens"], 3));
        Near(expected.Targets.Select(t => t.CostUsd), Data(charts["chart-cost"]));
        if (!byTarget) Assert.Equal(expected.Targets.Select(t => t.Label), Labels(charts["chart-cost"]));
        else Assert.Equal(expected.Targets.Count, Labels(charts["chart-cost"]).Count);
        Assert.Equal(expected.Skills.Select(x => x.Skill), Labels(charts["chart-skills"]));
        Near(expected.Skills.Select(x => (decimal)x.Invocations), Data(charts["chart-skills"]));
        Assert.Equal(expected.AcceptanceByWeek.Select(a => "week of " + AnalyticsFormat.Date(a.WeekStart)), Labels(charts["chart-acceptance"]));
        Near(expected.AcceptanceByWeek.Select(a => a.RatePercent), Data(charts["chart-acceptance"]));
        Assert.Equal(expected.Models.Select(m => m.Model), Labels(charts["chart-models"]));
        Near(expected.Models.Select(m => m.CostUsd), Data(charts["chart-models"]));
    }

    private static JsonElement Observe(string html, string screenshot)
    {
        var start = new ProcessStartInfo("node", ["check-dashboard.mjs", html, screenshot])
        {
            WorkingDirectory = BrowserEnvironment.BrowserTestsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SESSIONANALYTICS_CHROMIUM"] = BrowserEnvironment.ChromiumPath;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        if (!node.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            node.Kill(entireProcessTree: true);
            Assert.Fail("check-dashboard.mjs did not finish within 2 minutes: " + stderr.Result);
        }
        Assert.True(node.ExitCode == 0, $"check-dashboard.mjs failed ({node.ExitCode}): {stderr.Result}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }

    private static List<string> Strings(JsonElement page, string name) =>
        page.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToList();

    private static List<decimal> Numbers(JsonElement sort) =>
        sort.GetProperty("values").EnumerateArray().Select(v => decimal.Parse(v.GetString()!, CultureInfo.InvariantCulture)).ToList();
}
