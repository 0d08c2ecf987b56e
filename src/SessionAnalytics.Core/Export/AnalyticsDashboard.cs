using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Comments;
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
        ("Cache read", true), ("Commits", true), ("CI pass %", true), ("Skills", false),
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
            w.WriteEndArray();
        }
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
