using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Redaction;

namespace SessionAnalytics.Core.Export;

/// <summary>
/// Writes <c>dashboard.html</c>: the summary table, five Chart.js charts (token usage over time, cost per PR, skills
/// frequency, acceptance rate trend, model distribution) and a sortable table of the sessions.
/// </summary>
/// <remarks>
/// Safety: text from the data is redacted like the report's (<see cref="SecretRedactor"/>); the data goes into the page once, as JSON in a <c>&lt;script type="application/json"&gt;</c> block with
/// <c>&lt; &gt; &amp;</c>, quotes, U+2028/U+2029 and all other non-ASCII escaped as <c>\uXXXX</c>, so no text can close
/// the block; the page's script reads it with <c>JSON.parse</c> and puts every string into the page with
/// <c>textContent</c>. A Content-Security-Policy admits only the page's own scripts (by hash) and the pinned Chart.js,
/// so even a mistake in escaping could not run injected script. No timestamps: the same records give the same bytes.
/// Chart.js comes from a pinned CDN URL with Subresource Integrity, or, with <c>embedChartJs</c>, from the copy
/// shipped inside this assembly (chart.js 4.5.1, MIT), which makes the file work offline and as a CI artifact.
/// </remarks>
public static class AnalyticsDashboard
{
    public const string ChartJsVersion = "4.5.1";
    public const string ChartJsCdnUrl = "https://cdn.jsdelivr.net/npm/chart.js@4.5.1/dist/chart.umd.min.js";
    /// <summary>SHA-384 of chart.umd.min.js from the npm package chart.js 4.5.1, which jsDelivr serves unchanged.</summary>
    public const string ChartJsIntegrity = "sha384-jb8JQMbMoBUzgWatfe6COACi2ljcDdZQ2OxczGA3bGNeWe+6DChMTBJemed7ZnvJ";

    /// <summary>The canvas ids of the five charts, in page order.</summary>
    public static IReadOnlyList<string> ChartIds { get; } = ["chart-tokens", "chart-cost", "chart-skills", "chart-acceptance", "chart-models"];

    private const string ResourcePrefix = "SessionAnalytics.Core.Export.";

    public static string Render(AnalyticsSummary summary, bool embedChartJs = false)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var style = Text("Dashboard.dashboard.css");
        var script = Text("Dashboard.dashboard.js");
        var data = DataJson(summary);
        string chartTag, chartSource;
        var scriptSources = new List<string> { Hash(script) };
        if (embedChartJs)
        {
            var library = ChartJsLibrary();
            // Inside <script> only "</script" (any case) could end the element early; the library has none.
            if (library.Contains("</script", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException("The embedded Chart.js contains '</script' and cannot be inlined.");
            chartTag = "<script>" + library + "</script>";
            chartSource = "embedded in this file";
            scriptSources.Add(Hash(library));
        }
        else
        {
            chartTag = $"<script src=\"{ChartJsCdnUrl}\" integrity=\"{ChartJsIntegrity}\" crossorigin=\"anonymous\" referrerpolicy=\"no-referrer\"></script>";
            chartSource = "loaded from " + ChartJsCdnUrl;
            scriptSources.Add(ChartJsCdnUrl);
        }
        var csp = $"default-src 'none'; script-src {string.Join(" ", scriptSources)}; style-src {Hash(style)}; img-src data:; base-uri 'none'; form-action 'none'";

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CSP"] = csp,
            ["STYLE"] = style,
            ["DATA"] = data,
            ["CHARTJS"] = chartTag,
            ["CHARTJS_VERSION"] = ChartJsVersion,
            ["CHARTJS_SOURCE"] = chartSource,
            ["SCRIPT"] = script,
        };
        // One pass: text put in is never scanned for placeholders again.
        return Regex.Replace(Text("Dashboard.dashboard.html"), @"\{\{([A-Z_]+)\}\}", m => values[m.Groups[1].Value]);
    }

    /// <summary>The page's data as JSON that is safe inside a script element (see the remarks on the class).</summary>
    public static string DataJson(AnalyticsSummary summary)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default }))
        {
            w.WriteStartObject();
            w.WriteString("period", Shown(summary.PeriodLabel));
            w.WriteString("repository", Shown(summary.RepositoryLabel));
            w.WriteStartArray("summary");
            foreach (var (metric, value) in summary.SummaryRows)
            {
                w.WriteStartArray();
                w.WriteStringValue(metric);
                w.WriteStringValue(value);
                w.WriteEndArray();
            }
            w.WriteEndArray();

            w.WriteStartObject("charts");
            WriteChart(w, "tokens", summary.TokensByDay.Select(d => AnalyticsFormat.Date(d.Day)), "No dated sessions.",
                ("Input", summary.TokensByDay.Select(d => (decimal)d.InputTokens)),
                ("Output", summary.TokensByDay.Select(d => (decimal)d.OutputTokens)),
                ("Cache creation", summary.TokensByDay.Select(d => (decimal)d.CacheCreateTokens)),
                ("Cache read", summary.TokensByDay.Select(d => (decimal)d.CacheReadTokens)));
            WriteChart(w, "cost", summary.Targets.Select(t => t.Label), "No sessions.",
                [("Estimated cost (USD)", summary.Targets.Select(t => t.CostUsd))],
                titles: summary.Targets.Select(t => t.Title ?? ""));
            WriteChart(w, "skills", summary.Skills.Select(s => s.Skill), "No skills were invoked.",
                ("Invocations", summary.Skills.Select(s => (decimal)s.Invocations)));
            WriteChart(w, "acceptance", summary.AcceptanceByWeek.Select(a => "week of " + AnalyticsFormat.Date(a.WeekStart)), "No merged or closed PRs.",
                ("Merged, % of decided PRs", summary.AcceptanceByWeek.Select(a => a.RatePercent)));
            WriteChart(w, "models", summary.Models.Select(m => m.Model), "No model usage.",
                ("Estimated cost (USD)", summary.Models.Select(m => m.CostUsd)));
            w.WriteEndObject();

            WriteTable(w, summary);
            WriteFacts(w, summary);
            w.WriteEndObject();
        }
        var json = Encoding.UTF8.GetString(buffer.ToArray());
        // The encoder guarantees this; checked because the page's safety rests on it.
        if (json.IndexOfAny(['<', '>', '&', '\u2028', '\u2029']) >= 0)
            throw new InvalidOperationException("Dashboard data JSON contains a character that is unsafe inside a script element.");
        return json;
    }

    /// <summary>chart.umd.min.js of chart.js 4.5.1, as shipped (byte for byte the npm package's file).</summary>
    public static byte[] ChartJsLibraryBytes() => Bytes("Vendor.chart.umd.min.js");

    /// <summary>Chart.js's MIT license text.</summary>
    public static string ChartJsLicense() => Text("Vendor.chart.js.LICENSE.md");

    private static string ChartJsLibrary() => Encoding.UTF8.GetString(ChartJsLibraryBytes());

    private static void WriteChart(Utf8JsonWriter w, string name, IEnumerable<string> labels, string empty,
        params (string Label, IEnumerable<decimal> Values)[] datasets) => WriteChart(w, name, labels, empty, datasets, titles: null);

    private static void WriteChart(Utf8JsonWriter w, string name, IEnumerable<string> labels, string empty,
        (string Label, IEnumerable<decimal> Values)[] datasets, IEnumerable<string>? titles)
    {
        w.WriteStartObject(name);
        w.WriteStartArray("labels");
        foreach (var l in labels) w.WriteStringValue(Shown(l));
        w.WriteEndArray();
        w.WriteStartArray("datasets");
        foreach (var (label, values) in datasets)
        {
            w.WriteStartObject();
            w.WriteString("label", label);
            w.WriteStartArray("data");
            foreach (var v in values) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (titles is not null)
        {
            w.WriteStartArray("titles");
            foreach (var t in titles) w.WriteStringValue(Shown(t));
            w.WriteEndArray();
        }
        w.WriteString("empty", empty);
        w.WriteEndObject();
    }

    private static readonly (string Label, bool Numeric)[] TableColumns =
    [
        ("PR/Issue", false), ("Title", false), ("Author", false), ("Status", false), ("Session", false), ("Started (UTC)", false),
        ("Minutes", true), ("Models", false), ("Cost (USD)", true), ("Input", true), ("Output", true), ("Cache create", true),
        ("Cache read", true), ("Commits", true), ("CI pass %", true), ("Skills", false), ("Repository", false),
    ];

    /// <summary>The sessions table: one row per record; each cell is [shown text, sort key].</summary>
    private static void WriteTable(Utf8JsonWriter w, AnalyticsSummary summary)
    {
        w.WriteStartObject("table");
        w.WriteStartArray("columns");
        foreach (var (label, numeric) in TableColumns)
        {
            w.WriteStartObject();
            w.WriteString("label", label);
            w.WriteBoolean("numeric", numeric);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var r in summary.Records)
        {
            w.WriteStartArray();
            var kind = AnalyticsSummary.KindOf(r);
            Cell(w, kind switch
            {
                TargetKind.PullRequest => $"PR #{r.PrNumber}",
                TargetKind.Issue => $"Issue #{r.PrNumber}",
                _ => r.Branch is { Length: > 0 } b ? "Local: " + b : "Local",
            }, kind == TargetKind.Local ? null : r.PrNumber);
            Cell(w, r.PrTitle);
            Cell(w, r.PrAuthor);
            Cell(w, r.AcceptanceStatus ?? r.PrStatus);
            Cell(w, r.SessionIdShort);
            var started = r.SessionStarted is { } s ? AnalyticsFormat.Date(s) : null;
            Cell(w, started);
            Cell(w, AnalyticsFormat.Count(r.SessionDurationMin), r.SessionDurationMin);
            Cell(w, r.ModelsUsed.Replace(",", ", "));
            Cell(w, AnalyticsFormat.Cost(r.EstimatedCostUsd).TrimStart('$'), r.EstimatedCostUsd);
            Cell(w, AnalyticsFormat.Count(r.TotalInputTokens), r.TotalInputTokens);
            Cell(w, AnalyticsFormat.Count(r.TotalOutputTokens), r.TotalOutputTokens);
            Cell(w, AnalyticsFormat.Count(r.TotalCacheCreate), r.TotalCacheCreate);
            Cell(w, AnalyticsFormat.Count(r.TotalCacheRead), r.TotalCacheRead);
            Cell(w, AnalyticsFormat.Count(r.CommitsCount), r.CommitsCount);
            Cell(w, r.CiPassRate is { } ci ? AnalyticsFormat.Percent(ci) : null, r.CiPassRate);
            Cell(w, r.SkillsUsed.Replace(",", ", "));
            Cell(w, r.Repository);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// What the page's filter (repository, period) needs to redraw the charts and hide table rows: one row per record, in
    /// the table's order, with its repository, month (UTC, of the session start), day, start instant, target, tokens,
    /// cost, skills and models, plus the targets' labels and outcomes. The unfiltered charts come from "charts" (the
    /// report's own figures); a filtered view adds these rows up the same way (the browser test checks both agree).
    /// </summary>
    private static void WriteFacts(Utf8JsonWriter w, AnalyticsSummary summary)
    {
        var repositories = summary.Records.Select(r => r.Repository).Where(r => !string.IsNullOrEmpty(r)).Select(r => r!)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var months = summary.Records.Select(AnalyticsParquetDataset.MonthOf).Where(m => m is not null).Select(m => m!).Distinct().Order(StringComparer.Ordinal).ToList();
        var targetIndex = summary.Targets
            .Select((t, i) => (Key: (t.Kind, t.Kind == TargetKind.Local ? "" : t.Repository?.ToLowerInvariant() ?? "", t.Kind == TargetKind.Local ? t.Branch ?? "" : "", t.Number ?? 0), Index: i))
            .ToDictionary(x => x.Key, x => x.Index);
        var skills = new List<string>();
        var models = new List<string>();
        int IndexOf(List<string> names, string name)
        {
            var i = names.IndexOf(name);
            if (i >= 0) return i;
            names.Add(name);
            return names.Count - 1;
        }

        w.WriteStartObject("facts");
        w.WriteStartArray("repositories");
        foreach (var r in repositories) w.WriteStringValue(Shown(r));
        w.WriteEndArray();
        w.WriteStartArray("months");
        foreach (var m in months) w.WriteStringValue(m);
        w.WriteEndArray();
        w.WriteStartArray("targets");
        foreach (var t in summary.Targets)
        {
            w.WriteStartObject();
            w.WriteString("label", Shown(t.Label));
            w.WriteString("title", Shown(t.Title ?? ""));
            w.WriteString("kind", t.Kind.ToString());
            w.WriteString("outcome", t.Outcome.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var r in summary.Records)
        {
            w.WriteStartObject();
            var repository = repositories.FindIndex(x => string.Equals(x, r.Repository, StringComparison.OrdinalIgnoreCase));
            w.WriteNumber("repository", repository);
            if (AnalyticsParquetDataset.MonthOf(r) is { } month) w.WriteString("month", month); else w.WriteNull("month");
            if (r.SessionStarted is { } started)
            {
                w.WriteString("day", AnalyticsFormat.Date(DateOnly.FromDateTime(started.UtcDateTime)));
                w.WriteNumber("started", started.ToUnixTimeMilliseconds());
            }
            w.WriteNumber("target", targetIndex[AnalyticsSummary.TargetKeyOf(r)]);
            w.WriteStartArray("tokens");
            w.WriteNumberValue(r.TotalInputTokens);
            w.WriteNumberValue(r.TotalOutputTokens);
            w.WriteNumberValue(r.TotalCacheCreate);
            w.WriteNumberValue(r.TotalCacheRead);
            w.WriteEndArray();
            w.WriteNumber("cost", r.EstimatedCostUsd);
            w.WriteStartArray("skills");
            foreach (var (skill, invocations, _) in AnalyticsSummary.SkillUses(r, NullDiagnostics.Instance))
            {
                w.WriteStartArray();
                w.WriteNumberValue(IndexOf(skills, skill));
                w.WriteNumberValue(invocations);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("models");
            foreach (var m in SessionModelRows.For(r))
            {
                w.WriteStartArray();
                w.WriteNumberValue(IndexOf(models, m.Model));
                w.WriteNumberValue(m.CostUsd ?? 0m);
                w.WriteNumberValue(m.TotalTokens);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("skills");
        foreach (var skill in skills) w.WriteStringValue(Shown(skill));
        w.WriteEndArray();
        w.WriteStartArray("models");
        foreach (var model in models) w.WriteStringValue(Shown(model));
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Cell(Utf8JsonWriter w, string? text)
    {
        w.WriteStartArray();
        w.WriteStringValue(Shown(text));
        w.WriteStringValue(Shown(text));
        w.WriteEndArray();
    }

    /// <summary>Text from the data as the page shows it: with secrets redacted, as in the report and the comments.</summary>
    private static string Shown(string? text) => SecretRedactor.Redact(text) ?? "";

    private static void Cell(Utf8JsonWriter w, string? text, decimal? sortKey)
    {
        w.WriteStartArray();
        w.WriteStringValue(Shown(text));
        if (sortKey is { } k) w.WriteNumberValue(k); else w.WriteNullValue();
        w.WriteEndArray();
    }

    /// <summary>A CSP source for an inline element's exact text.</summary>
    private static string Hash(string inline) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline))) + "'";

    private static byte[] Bytes(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"Resource {ResourcePrefix + name} is missing from SessionAnalytics.Core.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // Templates are normalised to LF so a checkout with CRLF line ends still gives the same bytes.
    private static string Text(string name) => Encoding.UTF8.GetString(Bytes(name)).Replace("\r\n", "\n");
}
