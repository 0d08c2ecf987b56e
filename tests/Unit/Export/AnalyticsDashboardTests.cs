using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.Export.ExportFixtures;

namespace SessionAnalytics.Tests.Export;

/// <summary>The dashboard's HTML as text; DashboardBrowserTests opens it in Chromium.</summary>
public class AnalyticsDashboardTests
{
    internal static List<SessionAnalyticsRecord> HostileRecords()
    {
        var records = Mixed();
        records.Add(SessionAnalyticsRecord.FromStats(Measured("eeee0001-0000-0000-0000-000000000000", 3, 0.5m, skills: ["</script><script>alert(2)</script>"]),
            Pr(31, "merged", "<img src=x onerror=\"window.__pwned=true;alert(3)\">\u2028&amp;</script>", author: "<b>bold</b>", hoursToMerge: 1)));
        return records;
    }

    [Fact]
    public void Data_block_cannot_be_closed_by_data_and_parses_back_to_the_same_text()
    {
        var html = AnalyticsDashboard.Render(AnalyticsSummary.Create(HostileRecords()));
        var json = DataBlock(html);
        Assert.Equal(-1, json.IndexOfAny(['<', '>', '&', '\u2028', '\u2029']));
        using var doc = JsonDocument.Parse(json);
        var titles = doc.RootElement.GetProperty("table").GetProperty("rows").EnumerateArray().Select(r => r[1][0].GetString()).ToList();
        Assert.Contains(HostileTitle, titles);
        Assert.Contains("<img src=x onerror=\"window.__pwned=true;alert(3)\">\u2028&amp;</script>", titles);
        Assert.Contains("</script><script>alert(2)</script>", doc.RootElement.GetProperty("charts").GetProperty("skills").GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        // The hostile text appears nowhere in the page as markup.
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>bold", html);
        // Strings reach the page through textContent only.
        var script = InlineScripts(html).Single(s => s.Contains("analytics-data"));
        Assert.DoesNotContain("innerHTML", script);
        Assert.DoesNotContain("insertAdjacentHTML", script);
        Assert.DoesNotContain("document.write", script);
    }

    [Fact]
    public void Secrets_in_text_are_redacted_in_the_page()
    {
        var records = Mixed();
        records[0] = records[0] with { PrTitle = "token ghp_0123456789abcdefghijABCDEFGHIJ here" };
        var html = AnalyticsDashboard.Render(AnalyticsSummary.Create(records));
        Assert.DoesNotContain("ghp_0123456789", html);
        Assert.Contains("token [REDACTED] here", html);
    }

    [Fact]
    public void Default_mode_loads_the_pinned_Chart_js_from_the_CDN_with_integrity()
    {
        var html = AnalyticsDashboard.Render(AnalyticsSummary.Create(Mixed()));
        Assert.Contains($"<script src=\"https://cdn.jsdelivr.net/npm/chart.js@4.5.1/dist/chart.umd.min.js\" integrity=\"{AnalyticsDashboard.ChartJsIntegrity}\" crossorigin=\"anonymous\"", html);
        Assert.DoesNotContain("Chart.js v4.5.1", html); // the library's banner: not inlined
        AssertCspAdmitsOnlyThePagesScripts(html, expectCdn: true);
    }

    [Fact]
    public void Embed_mode_inlines_Chart_js_and_needs_no_network()
    {
        var html = AnalyticsDashboard.Render(AnalyticsSummary.Create(Mixed()), embedChartJs: true);
        Assert.Contains("Chart.js v4.5.1", html);
        Assert.Contains("Released under the MIT License", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain("https://cdn", html);
        Assert.DoesNotMatch(new Regex("<(link|img|iframe|object)\\b", RegexOptions.IgnoreCase), html);
        AssertCspAdmitsOnlyThePagesScripts(html, expectCdn: false);
    }

    [Fact]
    public void Vendored_Chart_js_is_the_npm_4_5_1_file_and_matches_the_integrity_value()
    {
        var bytes = AnalyticsDashboard.ChartJsLibraryBytes();
        Assert.Equal(AnalyticsDashboard.ChartJsIntegrity, "sha384-" + Convert.ToBase64String(SHA384.HashData(bytes)));
        Assert.StartsWith("/*!\n * Chart.js v4.5.1", Encoding.UTF8.GetString(bytes));
        Assert.Contains("MIT License", AnalyticsDashboard.ChartJsLicense());
        Assert.Contains("\"chart.js\": \"4.5.1\"", File.ReadAllText(Path.Combine(BrowserEnvironment.BrowserTestsDirectory, "package.json")));
        var installed = Path.Combine(BrowserEnvironment.BrowserTestsDirectory, "node_modules", "chart.js", "dist", "chart.umd.min.js");
        if (File.Exists(installed)) Assert.Equal(File.ReadAllBytes(installed), bytes);
    }

    [Fact]
    public void Same_records_in_any_order_give_the_same_bytes()
    {
        var records = HostileRecords();
        var a = AnalyticsDashboard.Render(AnalyticsSummary.Create(records), embedChartJs: true);
        var b = AnalyticsDashboard.Render(AnalyticsSummary.Create(Enumerable.Reverse(records)), embedChartJs: true);
        Assert.Equal(a, b);
        Assert.DoesNotContain("\r", AnalyticsDashboard.Render(AnalyticsSummary.Create(records)));
    }

    [Fact]
    public void Chart_data_has_one_point_per_day_target_skill_week_and_model()
    {
        var summary = AnalyticsSummary.Create(Mixed());
        using var doc = JsonDocument.Parse(AnalyticsDashboard.DataJson(summary));
        var charts = doc.RootElement.GetProperty("charts");
        int Points(string chart) => charts.GetProperty(chart).GetProperty("datasets")[0].GetProperty("data").GetArrayLength();
        Assert.Equal(6, Points("tokens"));     // 6 distinct session days
        Assert.Equal(5, Points("cost"));       // PR 12, 15, 20, issue 7, the local branch
        Assert.Equal(2, Points("skills"));     // tdd:ci, rca:ci
        Assert.Equal(1, Points("acceptance")); // the merged and the closed PR both last worked on in the week of 2026-02-02
        Assert.Equal(4, Points("models"));
        Assert.Equal(4, charts.GetProperty("tokens").GetProperty("datasets").GetArrayLength());
        Assert.Equal(50m, charts.GetProperty("acceptance").GetProperty("datasets")[0].GetProperty("data")[0].GetDecimal());
        Assert.Equal(summary.Records.Count, doc.RootElement.GetProperty("table").GetProperty("rows").GetArrayLength());
    }

    internal static string DataBlock(string html)
    {
        var m = Regex.Match(html, "<script type=\"application/json\" id=\"analytics-data\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(m.Success);
        return m.Groups[1].Value;
    }

    private static List<string> InlineScripts(string html) =>
        Regex.Matches(html, "<script>(.*?)</script>", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();

    private static void AssertCspAdmitsOnlyThePagesScripts(string html, bool expectCdn)
    {
        var csp = Regex.Match(html, "http-equiv=\"Content-Security-Policy\" content=\"([^\"]+)\"").Groups[1].Value;
        Assert.StartsWith("default-src 'none'; script-src ", csp);
        var scriptSources = csp.Split(';').Single(d => d.Trim().StartsWith("script-src")).Trim().Split(' ').Skip(1).ToList();
        var inline = InlineScripts(html);
        Assert.Equal(expectCdn ? 1 : 2, inline.Count);
        foreach (var script in inline)
            Assert.Contains("'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script))) + "'", scriptSources);
        Assert.Equal(inline.Count + (expectCdn ? 1 : 0), scriptSources.Count);
        Assert.Equal(expectCdn, scriptSources.Contains(AnalyticsDashboard.ChartJsCdnUrl));
        Assert.DoesNotContain("'unsafe-inline'", csp);
    }
}
