using System.Text;
using SessionAnalytics.Core.Comments;

namespace SessionAnalytics.Core.Export;

/// <summary>
/// Writes <c>analytics.md</c> in the design's shape: title, period, repository, the summary metrics table, then the
/// per-PR breakdown, the model usage distribution and skill effectiveness, each table with a totals row where sums
/// make sense. Every text that comes from data (titles, authors, branches, model and skill names) is escaped, so a
/// PR title cannot add Markdown or HTML to the report. No timestamps: the same records give the same bytes.
/// </summary>
public static class AnalyticsMarkdownReport
{
    public const string Title = "Claude Code Analytics Report";

    public static string Render(AnalyticsSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var md = new StringBuilder();
        md.Append("# ").Append(Title).Append("\n\n");
        md.Append("**Period:** ").Append(Escape(summary.PeriodLabel)).Append("\n\n");
        md.Append("**Repository:** ").Append(Escape(summary.RepositoryLabel)).Append("\n\n");

        md.Append("## Summary\n\n");
        Table(md, ["Metric", "Value"], [Align.Left, Align.Left],
            summary.SummaryRows.Select(r => new[] { r.Key, r.Value }));

        md.Append("## Per-PR Breakdown\n\n");
        if (summary.Targets.Count == 0) md.Append("_No sessions._\n\n");
        else
        {
            var rows = summary.Targets.Select(t => new[]
            {
                Escape(t.Label), Escape(t.Title ?? ""), Escape(t.Author ?? ""), Escape(t.AcceptanceStatus ?? t.Status ?? ""),
                AnalyticsFormat.Count(t.Sessions), AnalyticsFormat.Cost(t.CostUsd), AnalyticsFormat.Count(t.Commits),
                AnalyticsFormat.Count(t.InputTokens), AnalyticsFormat.Count(t.OutputTokens),
                t.CiPassRate is { } ci ? $"{AnalyticsFormat.Percent(ci)} of {t.CiRuns}" : "",
                t.TimeToMergeHours is { } h ? AnalyticsFormat.Hours(h) : "",
            }).ToList();
            rows.Add(
            [
                "**Total**", "", "", "",
                Bold(AnalyticsFormat.Count(summary.SessionCount)), Bold(AnalyticsFormat.Cost(summary.TotalCostUsd)),
                Bold(AnalyticsFormat.Count(summary.TotalCommits)), Bold(AnalyticsFormat.Count(summary.TotalInputTokens)),
                Bold(AnalyticsFormat.Count(summary.TotalOutputTokens)), "", "",
            ]);
            Table(md, ["PR/Issue", "Title", "Author", "Status", "Sessions", "Cost", "Commits", "Input", "Output", "CI pass rate", "Time to merge"],
                [Align.Left, Align.Left, Align.Left, Align.Left, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right], rows);
        }

        md.Append("## Model Usage Distribution\n\n");
        if (summary.Models.Count == 0) md.Append("_No model usage._\n\n");
        else
        {
            var modelCost = summary.Models.Sum(m => m.CostUsd);
            var rows = summary.Models.Select(m => new[]
            {
                Escape(m.Model) + (m.UnpricedSessions > 0 ? " (no price)" : ""), AnalyticsFormat.Count(m.Sessions),
                AnalyticsFormat.Count(m.InputTokens), AnalyticsFormat.Count(m.OutputTokens),
                AnalyticsFormat.Count(m.CacheCreateTokens), AnalyticsFormat.Count(m.CacheReadTokens),
                AnalyticsFormat.Cost(m.CostUsd), modelCost > 0 ? AnalyticsFormat.Percent(Math.Round(100m * m.CostUsd / modelCost, 1)) : "",
            }).ToList();
            rows.Add(
            [
                "**Total**", "", Bold(AnalyticsFormat.Count(summary.TotalInputTokens)), Bold(AnalyticsFormat.Count(summary.TotalOutputTokens)),
                Bold(AnalyticsFormat.Count(summary.TotalCacheCreate)), Bold(AnalyticsFormat.Count(summary.TotalCacheRead)),
                Bold(AnalyticsFormat.Cost(summary.TotalCostUsd)), "",
            ]);
            Table(md, ["Model", "Sessions", "Input", "Output", "Cache Create", "Cache Read", "Est. Cost", "Share of Cost"],
                [Align.Left, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right], rows);
            md.Append("A session that used several models counts once for each. Per-model costs are not rounded per session, so they can differ from the total by a few cents.\n\n");
        }

        md.Append("## Skill Effectiveness\n\n");
        if (summary.Skills.Count == 0) md.Append("_No skills were invoked._\n\n");
        else
        {
            Table(md, ["Skill", "Sessions", "Invocations", "Passed", "Failed", "Input", "Output", "PRs merged"],
                [Align.Left, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right, Align.Right],
                summary.Skills.Select(s => new[]
                {
                    Escape(s.Skill), AnalyticsFormat.Count(s.Sessions), AnalyticsFormat.Count(s.Invocations),
                    AnalyticsFormat.Count(s.PassedSessions), AnalyticsFormat.Count(s.FailedSessions),
                    AnalyticsFormat.Count(s.InputTokens), AnalyticsFormat.Count(s.OutputTokens),
                    s.PullRequestsDecided > 0 ? $"{s.PullRequestsMerged} of {s.PullRequestsDecided}" : "",
                }));
            md.Append("Passed and Failed count sessions by the skill's last status; tokens are those attributed to the skill's own turns.\n\n");
        }

        if (summary.Notes.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var note in summary.Notes) md.Append("- ").Append(EscapeLineStart(note)).Append('\n');
            md.Append('\n');
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>
    /// Text from the data made inert in Markdown, also inside a table cell: the comments' escaping
    /// (<see cref="MarkdownEscaping.Text"/>: secrets redacted, line breaks to spaces, &lt; &gt; &amp; as entities,
    /// Markdown punctuation backslash-escaped, @mentions broken), so a report and a comment treat text the same way.
    /// </summary>
    public static string Escape(string text) => MarkdownEscaping.Text(text);

    /// <summary>
    /// <see cref="Escape"/> for text that starts a line or a list item, where block syntax counts too: a heading, a
    /// nested list, an ordered list, a setext underline.
    /// </summary>
    public static string EscapeLineStart(string text)
    {
        var sb = new StringBuilder(Escape(text));
        if (sb.Length > 0 && sb[0] is '#' or '-' or '+' or '=') sb.Insert(0, '\\');
        var digits = 0;
        while (digits < sb.Length && char.IsAsciiDigit(sb[digits])) digits++;
        if (digits > 0 && digits < sb.Length && sb[digits] is '.' or ')') sb.Insert(digits, '\\');
        return sb.ToString();
    }

    private enum Align { Left, Right }

    private static string Bold(string s) => "**" + s + "**";

    private static void Table(StringBuilder md, string[] headers, Align[] align, IEnumerable<string[]> rows)
    {
        md.Append("| ").Append(string.Join(" | ", headers)).Append(" |\n");
        md.Append('|').Append(string.Join("|", align.Select(a => a == Align.Right ? "---:" : "---"))).Append("|\n");
        foreach (var row in rows)
            md.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        md.Append('\n');
    }
}
