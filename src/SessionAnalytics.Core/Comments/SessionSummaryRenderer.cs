using System.Diagnostics.CodeAnalysis;
using System.Text;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;
using static SessionAnalytics.Core.Comments.CommentFormatting;
using static SessionAnalytics.Core.Comments.MarkdownEscaping;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// Renders the design's pinned summary ("Pinned Summary Comment"): marker, TL;DR, sessions/cost/commits line,
/// aggregate token usage per model, session history, totals verification with the explicit sums, what was not
/// counted (<see cref="SummaryOptions.Notes"/>), and the summary JSON (<see cref="SessionSummaryJson"/>). Always
/// computed from the complete list of sessions, never incremented.
/// </summary>
/// <remarks>
/// Size: over <see cref="SummaryOptions.MaxLength"/> the session history is shortened to
/// <see cref="SessionCommentRenderer.ListLimits"/> rows ("... and N more"), then the JSON is written without
/// indentation. If that is still too large (a few hundred sessions), the per-session rows are collapsed: the JSON
/// keeps its totals, <c>session_count</c> and the session ids (then not even the ids), the totals verification keeps
/// its addends (then only the count of them), and a note says so. A summary that degrades this way still goes up on
/// every run instead of failing on every run. Only a summary whose totals alone pass the limit (thousands of model
/// names) fails, with <see cref="EngineException"/> ErrorId <c>SummaryTooLarge</c>.
/// </remarks>
public static class SessionSummaryRenderer
{
    public const string JsonSummaryText = "Summary Data (JSON)";
    public const string TooLargeErrorId = "SummaryTooLarge";

    public static string Render(IReadOnlyList<SessionStats> sessions, SummaryOptions? options = null) =>
        RenderDetailed(sessions, options).Body;

    public static RenderedComment RenderDetailed(IReadOnlyList<SessionStats> sessions, SummaryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        options ??= new SummaryOptions();
        var data = SessionSummaryData.Aggregate(sessions, options);
        return RenderDetailed(data, options);
    }

    /// <summary>How one attempt lays the summary out, from the fullest to the most collapsed.</summary>
    private sealed record Layout(int? Limit, bool CompactJson, SessionSummaryJson.SummaryRows Rows, bool Addends)
    {
        public CommentDegradation Degradation =>
            (Limit is null ? 0 : CommentDegradation.ListsShortened)
            | (CompactJson ? CommentDegradation.CompactJson : 0)
            | (Rows == SessionSummaryJson.SummaryRows.All ? 0 : CommentDegradation.RowsCollapsed);
    }

    /// <summary>Renders already aggregated data (e.g. to re-render a parsed summary).</summary>
    public static RenderedComment RenderDetailed(SessionSummaryData data, SummaryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new SummaryOptions();
        var json = new Dictionary<(bool, SessionSummaryJson.SummaryRows), string>();
        string body = "";
        foreach (var layout in Layouts(data))
        {
            var key = (layout.CompactJson, layout.Rows);
            if (!json.TryGetValue(key, out var text)) json[key] = text = SessionSummaryJson.Write(data, !layout.CompactJson, layout.Rows);
            body = Compose(data, layout, text, options);
            if (body.Length <= options.MaxLength)
                return new RenderedComment { Body = body, ListLimit = layout.Limit, Degradation = layout.Degradation };
        }
        throw TooLarge(data, body.Length, options);
    }

    private static IEnumerable<Layout> Layouts(SessionSummaryData data)
    {
        var layout = new Layout(null, false, SessionSummaryJson.SummaryRows.All, true);
        yield return layout;
        foreach (var limit in SessionCommentRenderer.ListLimits)
            if (data.Sessions.Count > limit) yield return layout = layout with { Limit = limit };
        yield return layout = layout with { CompactJson = true };
        if (data.SessionCount == 0) yield break;
        yield return layout = layout with { Rows = SessionSummaryJson.SummaryRows.IdsOnly };
        yield return layout = layout with { Rows = SessionSummaryJson.SummaryRows.None };
        yield return layout with { Addends = false };
    }

    private static EngineException TooLarge(SessionSummaryData data, int minimal, SummaryOptions options) => new(new EngineError(
        TooLargeErrorId,
        ErrorKind.LimitsExceeded,
        $"The summary of {Count(data.SessionCount, "session", "sessions")} needs at least {Number(minimal)} characters even with its per-session rows " +
        $"collapsed; the limit is {Number(options.MaxLength)} (GitHub's is {Number(SessionCommentOptions.GitHubMaxLength)}).",
        data.TargetNumber)
    {
        RecommendedAction = "Report this PR's sessions with Export-SessionAnalytics instead of a summary comment.",
    });

    /// <summary>Claude Code's own figures beside ours, over the sessions that have them (docs: "Claude Code's own figures").</summary>
    private static void AppendClaudeCode(StringBuilder sb, SessionSummaryData d)
    {
        if (d.ClaudeCode is not { } t) return;
        if (t.CostSessions > 0)
            sb.Append("- Claude Code reported ").Append(Money(t.CostUsd)).Append(" for ").Append(Number(t.CostSessions)).Append(" of ")
              .Append(Count(d.SessionCount, "session", "sessions")).Append("; ours for ").Append(t.CostSessions == 1 ? "that one" : "those " + Number(t.CostSessions))
              .Append(": ").Append(Money(t.OursCostUsd)).Append(Percent(t.OursCostUsd, t.CostUsd)).Append('\n');
        if (t.OutputSessions > 0)
            sb.Append("- Claude Code reported ").Append(Number(t.OutputTokens)).Append(" output tokens for ").Append(Number(t.OutputSessions)).Append(" of ")
              .Append(Count(d.SessionCount, "session", "sessions")).Append("; ours for ").Append(t.OutputSessions == 1 ? "that one" : "those " + Number(t.OutputSessions))
              .Append(": ").Append(Number(t.OursOutputTokens)).Append(Percent(t.OursOutputTokens, t.OutputTokens)).Append('\n');
        sb.Append('\n');
    }

    /// <summary>" (12.1% lower)", " (3.0% higher)", "" when equal or Claude Code's figure is 0.</summary>
    private static string Percent(decimal ours, decimal claudeCode) =>
        ClaudeCodeCheck.Percent(ours, claudeCode) is { } p && p != 0
            ? " (" + Math.Abs(p).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "% " + (p < 0 ? "lower" : "higher") + ")"
            : "";

    private static string Compose(SessionSummaryData d, Layout layout, string json, SummaryOptions options)
    {
        int cell = options.MaxCellLength;
        var sb = new StringBuilder(json.Length + 4096);
        bool issue = string.Equals(d.TargetType ?? options.TargetType, "issue", StringComparison.OrdinalIgnoreCase);
        bool collapsed = layout.Rows != SessionSummaryJson.SummaryRows.All;
        sb.Append(CommentMarkers.SummaryMarker).Append('\n');
        sb.Append("## Claude Code ").Append(issue ? "Issue" : "PR").Append(" Summary\n\n");

        sb.Append("**TL;DR:** ").Append(Count(d.SessionCount, "session", "sessions"))
          .Append(" | ").Append(Money(d.TotalCostUsd)).Append(" total")
          .Append(" | ").Append(Count(d.TotalCommits, "commit", "commits"));
        if (!string.IsNullOrWhiteSpace(d.Status)) sb.Append(" | ").Append(Text(d.Status, cell));
        sb.Append("\n\n");
        sb.Append("**Sessions:** ").Append(Number(d.SessionCount))
          .Append(" | **Total Cost:** ").Append(Money(d.TotalCostUsd))
          .Append(" | **Commits:** ").Append(Number(d.TotalCommits)).Append("\n\n");

        sb.Append("### Aggregate Token Usage\n\n");
        sb.Append("| Model | Input | Output | Cache Create | Cache Read | Est. Cost |\n");
        sb.Append("|-------|-------|--------|-------------|------------|-----------|\n");
        foreach (var m in d.Models)
            sb.Append("| ").Append(Text(m.Model, cell))
              .Append(" | ").Append(TokensShort(m.InputTokens))
              .Append(" | ").Append(TokensShort(m.OutputTokens))
              .Append(" | ").Append(TokensShort(m.CacheCreationTokens))
              .Append(" | ").Append(TokensShort(m.CacheReadTokens))
              .Append(" | ").Append(m.CostUsd is decimal c ? Money(c) : "unpriced")
              .Append(" |\n");
        if (d.Models.Count != 1)
            sb.Append("| **Total** | **").Append(TokensShort(d.InputTokens))
              .Append("** | **").Append(TokensShort(d.OutputTokens))
              .Append("** | **").Append(TokensShort(d.CacheCreationTokens))
              .Append("** | **").Append(TokensShort(d.CacheReadTokens))
              .Append("** | **").Append(Money(d.TotalCostUsd))
              .Append("** |\n");
        sb.Append('\n');
        if (d.OutputTokensLowerBoundSessions > 0)
            sb.Append("_Output tokens of ").Append(Number(d.OutputTokensLowerBoundSessions)).Append(" of ").Append(Count(d.SessionCount, "session", "sessions"))
              .Append(" are Claude Code's logged mid-stream counts, so the output totals are a lower bound")
              .Append(d.OutputTokensCorrection > 0 ? " (" + Number(d.OutputTokensCorrection) + " output tokens from subagents' final usage included)" : "")
              .Append("._\n\n");

        if (d.SessionCount > 0)
        {
            sb.Append("### Session History\n\n");
            if (collapsed)
                sb.Append("_").Append(Count(d.SessionCount, "session", "sessions"))
                  .Append(": the rows are collapsed to fit GitHub's comment size limit; each session's own comment has its figures._\n\n");
            else
            {
                sb.Append("| # | Session | Duration | Cost | Skills | Commits | Status |\n");
                sb.Append("|---|---------|----------|------|--------|---------|--------|\n");
                var shown = layout.Limit is int l ? d.Sessions.Take(l) : d.Sessions;
                int index = 0;
                foreach (var s in shown)
                    sb.Append("| ").Append(Number(++index))
                      .Append(" | ").Append(Code(s.SessionIdShort))
                      .Append(" | ").Append(Duration(s.DurationMinutes))
                      .Append(" | ").Append(Money(s.CostUsd))
                      .Append(" | ").Append(Text(SessionCommentRenderer.JoinCapped(s.Skills, 5), cell))
                      .Append(" | ").Append(Number(s.Commits))
                      .Append(" | ").Append(Text(s.Status, cell))
                      .Append(" |\n");
                if (layout.Limit is int lim && d.SessionCount > lim)
                    sb.Append("| ... and ").Append(Number(d.SessionCount - lim)).Append(" more |  |  |  |  |  |  |\n");
                sb.Append('\n');
            }

            sb.Append("### Totals Verification\n\n");
            if (layout.Addends)
            {
                sb.Append("- Sum of session costs: ").Append(string.Join(" + ", d.Sessions.Select(s => Money(s.CostUsd))))
                  .Append(" = **").Append(Money(d.TotalCostUsd)).Append("**\n");
                sb.Append("- Sum of session commits: ").Append(string.Join(" + ", d.Sessions.Select(s => Number(s.Commits))))
                  .Append(" = **").Append(Number(d.TotalCommits)).Append("**\n\n");
            }
            else
            {
                sb.Append("- Sum of ").Append(Count(d.SessionCount, "session cost", "session costs")).Append(" = **").Append(Money(d.TotalCostUsd)).Append("**\n");
                sb.Append("- Sum of ").Append(Count(d.SessionCount, "session's commits", "sessions' commits")).Append(" = **").Append(Number(d.TotalCommits)).Append("**\n\n");
            }
            AppendClaudeCode(sb, d);
        }

        foreach (var note in options.Notes)
            sb.Append('_').Append(Text(note, int.MaxValue)).Append("_\n\n");

        if (layout.Degradation != CommentDegradation.None)
        {
            var given = new List<string>();
            if (layout.Limit is int l && !collapsed) given.Add("the session history shows the first " + Count(l, "session", "sessions"));
            if (collapsed) given.Add("the per-session rows are collapsed" + (layout.Addends ? "" : " (the sums show their totals only)"));
            if (layout.CompactJson) given.Add("the JSON is not indented");
            sb.Append("_Shortened to fit GitHub's comment size limit: ")
              .Append(string.Join("; ", given))
              .Append(collapsed ? ". The Summary Data JSON below has every total; the per-session figures are in each session's comment._\n\n"
                                : ". The Summary Data JSON below is complete._\n\n");
        }

        sb.Append("<details><summary>").Append(JsonSummaryText).Append("</summary>\n\n");
        sb.Append(FencedBlock(json, "json")).Append("\n\n");
        sb.Append("</details>\n");
        return sb.ToString();
    }
}

/// <summary>Reads the pinned summary back from its JSON.</summary>
public static class SummaryParser
{
    /// <summary>True when the body carries <c>&lt;!-- SESSION_SUMMARY --&gt;</c> as a top-level HTML comment.</summary>
    public static bool IsSummaryComment(string? body) =>
        !string.IsNullOrEmpty(body) && body.Contains(CommentMarkers.SummaryMarker, StringComparison.Ordinal)
        && CommentDocument.HasSummaryMarker(CommentDocument.Parse(body));

    public static bool TryParse(string? body, [NotNullWhen(true)] out SessionSummaryData? summary, [NotNullWhen(false)] out string? error)
    {
        summary = null;
        if (string.IsNullOrEmpty(body)) { error = "The comment is empty."; return false; }
        var doc = CommentDocument.Parse(body);
        if (!CommentDocument.HasSummaryMarker(doc)) { error = "The comment has no " + CommentMarkers.SummaryMarker + " marker."; return false; }
        var json = CommentDocument.JsonBlock(doc, SessionSummaryRenderer.JsonSummaryText, out error);
        if (json is null) { error ??= "The comment has no JSON block."; return false; }
        try
        {
            summary = SessionSummaryJson.Read(json);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            error = "The Summary Data JSON is not readable: " + e.Message;
            return false;
        }
        error = null;
        return true;
    }
}
