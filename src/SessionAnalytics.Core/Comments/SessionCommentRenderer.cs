using System.Text;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Core.Workflows;
using static SessionAnalytics.Core.Comments.CommentFormatting;
using static SessionAnalytics.Core.Comments.MarkdownEscaping;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// Renders the design's per-session comment ("PR/Issue Comment Templates", "Per-Session Comment"): marker, TL;DR,
/// session line, token table, subagents, skills and tools, workflow diagrams, problems, commits, and the complete
/// stats JSON (<see cref="SessionStatsJson"/>) in a collapsed block, the source of truth extraction reads back.
/// Same input, same output: nothing depends on the clock, the culture or hash order.
/// </summary>
/// <remarks>
/// Size: when the body would exceed <see cref="SessionCommentOptions.MaxLength"/>, the renderer gives things up in
/// this order, stopping as soon as the body fits: (1) collapse the tool table to the top
/// <see cref="CollapsedToolRows"/> tools and an "Other" row, then drop it for one line; (2) drop the workflow
/// diagrams; (3) shorten the subagent, skill, problem and commit lists to <see cref="ListLimits"/> items each,
/// with "... and N more"; (4) write the JSON without indentation. The JSON block is never dropped or cut: when even
/// the smallest body is too large, <see cref="EngineException"/> with ErrorId <c>CommentTooLarge</c>.
/// </remarks>
public static class SessionCommentRenderer
{
    public const string Title = "## Claude Code Session Report";
    public const string JsonSummaryText = "Session Data (JSON)";
    public const string ToolSummaryText = "Tool Usage";
    public const string TooLargeErrorId = "CommentTooLarge";

    /// <summary>Tools kept by degradation step 1a; the rest are summed into one "Other" row.</summary>
    public const int CollapsedToolRows = 10;

    /// <summary>The list lengths degradation step 3 tries, in order.</summary>
    public static IReadOnlyList<int> ListLimits { get; } = [50, 10, 0];

    /// <summary>The Markdown body for <paramref name="stats"/>, with <paramref name="diagrams"/> (the session's annotated workflow diagrams) embedded.</summary>
    /// <exception cref="EngineException">ErrorId <c>CommentTooLarge</c>: the body cannot fit even fully degraded.</exception>
    public static string Render(SessionStats stats, IReadOnlyList<WorkflowDiagram> diagrams, SessionCommentOptions? options = null) =>
        RenderDetailed(stats, diagrams, options).Body;

    /// <summary>Like <see cref="Render"/>, and says what had to be given up to fit.</summary>
    public static RenderedComment RenderDetailed(SessionStats stats, IReadOnlyList<WorkflowDiagram>? diagrams, SessionCommentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        diagrams ??= [];
        options ??= new SessionCommentOptions();
        var safe = PrepareForComment(stats, options);
        var indentedJson = SessionStatsJson.Write(safe, indented: true);
        var compactJson = SessionStatsJson.Write(safe, indented: false);
        if (compactJson.Length > options.MaxLength) throw TooLarge(safe, compactJson.Length, compactJson.Length, options);

        Layout last = default;
        foreach (var layout in Layouts(safe, diagrams))
        {
            last = layout;
            var json = layout.CompactJson ? compactJson : indentedJson;
            var body = Compose(safe, diagrams, layout, json, options);
            if (body.Length <= options.MaxLength)
                return new RenderedComment { Body = body, Degradation = layout.Degradation, ListLimit = layout.ListLimit };
        }

        throw TooLarge(safe, Compose(safe, diagrams, last, compactJson, options).Length, compactJson.Length, options);
    }

    private static EngineException TooLarge(SessionStats safe, int minimal, int jsonLength, SessionCommentOptions options) => new(new EngineError(
        TooLargeErrorId,
        ErrorKind.LimitsExceeded,
        $"The comment for session {safe.SessionId} needs at least {Number(minimal)} characters even with the tool table, diagrams and lists dropped " +
        $"and compact JSON (the JSON alone is {Number(jsonLength)}); the limit is {Number(options.MaxLength)} (GitHub's is {Number(SessionCommentOptions.GitHubMaxLength)}). " +
        "The JSON is the comment's source of truth and is never cut.",
        safe.SessionId)
    {
        RecommendedAction = "Publish the session's figures another way (Export-SessionAnalytics), or split the work into smaller sessions.",
    });

    /// <summary>
    /// The stats as the comment shows them: a copy with every text redacted, and the target and workflow edges
    /// replaced when the options name them. The JSON block is written from this copy; the input is not changed.
    /// </summary>
    public static SessionStats PrepareForComment(SessionStats stats, SessionCommentOptions? options = null)
    {
        var safe = SecretRedactor.Redact(options?.WorkflowEdges is { } edges ? stats with { WorkflowEdges = edges } : stats);
        return options?.TargetType is { } targetType
            ? safe with { TargetType = targetType.ToLowerInvariant(), TargetNumber = options.TargetNumber }
            : safe;
    }

    private enum ToolTable { Full, Collapsed, Omitted }

    private readonly record struct Layout(ToolTable Tools, bool Diagrams, int? ListLimit, bool CompactJson)
    {
        public CommentDegradation Degradation =>
            (Tools == ToolTable.Collapsed ? CommentDegradation.ToolTableCollapsed : 0)
            | (Tools == ToolTable.Omitted ? CommentDegradation.ToolTableOmitted : 0)
            | (Diagrams ? 0 : CommentDegradation.DiagramsOmitted)
            | (ListLimit is null ? 0 : CommentDegradation.ListsShortened)
            | (CompactJson ? CommentDegradation.CompactJson : 0);
    }

    /// <summary>The documented degradation order; steps that would change nothing are skipped.</summary>
    private static IEnumerable<Layout> Layouts(SessionStats s, IReadOnlyList<WorkflowDiagram> diagrams)
    {
        var layout = new Layout(ToolTable.Full, true, null, false);
        yield return layout;
        if (s.Tools.Count > CollapsedToolRows + 1) yield return layout = layout with { Tools = ToolTable.Collapsed };
        if (s.Tools.Count > 0) yield return layout = layout with { Tools = ToolTable.Omitted };
        if (diagrams.Count > 0) yield return layout = layout with { Diagrams = false };
        int longest = new[] { s.Subagents.Count, s.SkillsInvoked.Count, s.ProblemsFaced.Count, s.Commits.Count }.Max();
        foreach (var limit in ListLimits)
            if (longest > limit) yield return layout = layout with { ListLimit = limit };
        yield return layout with { CompactJson = true };
    }

    private static string Compose(SessionStats s, IReadOnlyList<WorkflowDiagram> diagrams, Layout layout, string json, SessionCommentOptions options)
    {
        var sb = new StringBuilder(json.Length + 4096);
        int cell = options.MaxCellLength;

        sb.Append(CommentMarkers.SessionMarker(s.SessionId)).Append('\n');
        sb.Append(Title).Append("\n\n");
        sb.Append("**TL;DR:** ").Append(TlDr(s, cell)).Append("\n\n");
        sb.Append("**Session:** ").Append(Id(s.SessionIdShort));
        if (!string.IsNullOrEmpty(s.Branch)) sb.Append(" | **Branch:** ").Append(Id(s.Branch, cell));
        sb.Append(" | **Duration:** ").Append(Duration(s.DurationMinutes)).Append("\n\n");

        AppendTokenUsage(sb, s, cell);
        AppendSubagents(sb, s, layout.ListLimit, cell);
        AppendSkillsAndTools(sb, s, layout, cell);
        if (layout.Diagrams)
            foreach (var d in diagrams)
            {
                sb.Append("### ").Append(Text(FamilyTitle(d.Family), cell)).Append(" Workflow\n\n");
                sb.Append(FencedBlock(d.Mermaid, "mermaid")).Append("\n\n");
                if (d.Legend.Length > 0) sb.Append('_').Append(Text(d.Legend, int.MaxValue)).Append("_\n\n");
            }
        AppendProblems(sb, s, layout.ListLimit, cell);
        AppendCommits(sb, s, layout.ListLimit, cell);
        AppendDegradationNote(sb, layout, diagrams.Count);

        sb.Append("<details><summary>").Append(JsonSummaryText).Append("</summary>\n\n");
        sb.Append(FencedBlock(json, "json")).Append("\n\n");
        sb.Append("</details>\n");
        return sb.ToString();
    }

    private static string TlDr(SessionStats s, int cell)
    {
        var parts = new List<string> { "Session " + Id(s.SessionIdShort) };
        if (s.Models.Count > 0) parts.Add(Cell(JoinCapped(s.Models.Select(m => ModelShortName(m.Model)).Distinct(StringComparer.Ordinal), 5), cell));
        parts.Add(Duration(s.DurationMinutes));
        parts.Add(Money(s.EstimatedCostUsd));
        parts.Add(Count(s.CommitCount, "commit", "commits"));
        if (s.SkillsInvoked.Count > 0) parts.Add(Cell(JoinCapped(s.SkillsInvoked.Select(k => k.Skill).Distinct(StringComparer.Ordinal), 10), cell));
        return string.Join(" | ", parts);
    }

    /// <summary>"a, b, c" or, past <paramref name="max"/> names, "a, b, c, +N more".</summary>
    internal static string JoinCapped(IEnumerable<string> names, int max)
    {
        var list = names.ToList();
        return list.Count <= max
            ? string.Join(", ", list)
            : string.Join(", ", list.Take(max)) + ", +" + Number(list.Count - max) + " more";
    }

    private static void AppendTokenUsage(StringBuilder sb, SessionStats s, int cell)
    {
        sb.Append("### Token Usage\n\n");
        sb.Append("| Model | Input | Output | Cache Create | Cache Read | Est. Cost |\n");
        sb.Append("|-------|-------|--------|-------------|------------|-----------|\n");
        foreach (var m in s.Models)
            sb.Append("| ").Append(Cell(m.Model, cell))
              .Append(" | ").Append(Tokens(m.InputTokens))
              .Append(" | ").Append(Tokens(m.OutputTokens))
              .Append(" | ").Append(Tokens(m.CacheCreationTokens))
              .Append(" | ").Append(Tokens(m.CacheReadTokens))
              .Append(" | ").Append(m.CostUsd is decimal c ? Money(c) : "unpriced")
              .Append(" |\n");
        sb.Append("| **Total** | **").Append(Tokens(s.InputTokens))
          .Append("** | **").Append(Tokens(s.OutputTokens))
          .Append("** | **").Append(Tokens(s.CacheCreationTokens))
          .Append("** | **").Append(Tokens(s.CacheReadTokens))
          .Append("** | **").Append(Money(s.EstimatedCostUsd))
          .Append("** |\n\n");
        if (s.UnpricedModels.Count > 0)
            sb.Append("_No price known for ").Append(Cell(JoinCapped(s.UnpricedModels, 5), cell))
              .Append(": their tokens are counted, their cost is not included._\n\n");
        AppendOutputNote(sb, s);
        AppendVerification(sb, s);
    }

    /// <summary>
    /// Our cost and output tokens beside Claude Code's own (docs: "Claude Code's own figures"), with what explains a
    /// difference where the data says: output logged mid-stream, unpriced models, figures recorded before the end.
    /// </summary>
    private static void AppendVerification(StringBuilder sb, SessionStats s)
    {
        if (s.ClaudeCodeVerification is not { } v || s.ClaudeCode is not { } report) return;
        sb.Append("**Verified against Claude Code:** ");
        var sentences = new List<string>();
        if (v.Cost is { } cost)
        {
            var reasons = new List<string>();
            if (cost.OursMinusClaudeCode < 0 && s.OutputTokensLowerBound == true) reasons.Add("output tokens logged mid-stream");
            if (s.UnpricedModels.Count > 0) reasons.Add("ours leaves out unpriced models");
            if (RecordedBeforeTheEnd(cost, s) is { } early) reasons.Add(early);
            sentences.Add("Claude Code reported " + Money(cost.ClaudeCode) + " (" + SourceAndTime(cost) + "): "
                          + Comparison(cost, Money(cost.Ours)) + Reasons(reasons) + ".");
        }
        if (v.OutputTokens is { } output)
        {
            var reasons = new List<string>();
            if (output.OursMinusClaudeCode < 0 && s.OutputTokensLowerBound == true) reasons.Add("ours are Claude Code's logged mid-stream counts, a lower bound");
            if (output.Rounded) reasons.Add("/cost rounds its token counts");
            if ((v.Cost is null || v.Cost.Source != output.Source) && RecordedBeforeTheEnd(output, s) is { } early) reasons.Add(early);
            sentences.Add("Output tokens: Claude Code " + Number((long)output.ClaudeCode)
                          + (v.Cost is { } c && c.Source == output.Source ? "" : " (" + SourceAndTime(output) + ")")
                          + ", " + Comparison(output, Number((long)output.Ours)) + Reasons(reasons) + ".");
        }
        // The source not compared with (an earlier /cost, say) is still shown: it is what the user saw.
        foreach (var other in new[] { report.StatusLine, report.CostCommand })
        {
            if (other is null || other.Source == v.Cost?.Source || other.Source == v.OutputTokens?.Source) continue;
            var figures = new List<string>();
            if (other.CostUsd is decimal oc) figures.Add(Money(oc));
            if (other.OutputTokens is long oo) figures.Add(Number(oo) + " output tokens");
            if (figures.Count > 0)
                sentences.Add("Earlier, " + SourceName(other.Source) + (other.RecordedAt is { } at ? " at " + Time(at) : "") + " reported " + string.Join(" and ", figures) + ".");
        }
        sb.Append(string.Join(" ", sentences)).Append("\n\n");
    }

    private static string Comparison(ClaudeCodeCheck check, string ours) => check.OursMinusClaudeCodePercent switch
    {
        null => "ours is " + ours,
        0m => "ours is the same (" + ours + ")",
        var p => "ours is " + Math.Abs(p.Value).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "% " + (p < 0 ? "lower" : "higher") + " (" + ours + ")",
    };

    private static string Reasons(List<string> reasons) => reasons.Count == 0 ? "" : " — " + string.Join("; ", reasons);

    /// <summary>Claude Code's figure covers only what happened before it was recorded; said when lines came more than a minute later.</summary>
    private static string? RecordedBeforeTheEnd(ClaudeCodeCheck check, SessionStats s) =>
        check.RecordedAt is { } at && s.EndedAt is { } end && end - at > TimeSpan.FromMinutes(1)
            ? "Claude Code's figure was recorded before the session's last activity (" + Time(end) + ")"
            : null;

    private static string SourceAndTime(ClaudeCodeCheck check) =>
        SourceName(check.Source) + (check.RecordedAt is { } at ? ", " + Time(at) : "");

    private static string SourceName(string source) => source switch
    {
        ClaudeCodeFigureSources.StatusLine => "status line",
        ClaudeCodeFigureSources.CostCommand => "/cost",
        _ => "Claude Code",
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    /// <summary>Says when output tokens are a lower bound, and how many come from final usage (docs: "Accounting", "Final usage").</summary>
    private static void AppendOutputNote(StringBuilder sb, SessionStats s)
    {
        var corrected = s.OutputTokensCorrection > 0
            ? Number(s.OutputTokensCorrection) + (s.OutputTokensCorrection == 1 ? " output token" : " output tokens") + " from subagents' final usage"
            : null;
        if (s.OutputTokensLowerBound == true)
            sb.Append("_Output tokens are Claude Code's logged mid-stream counts, so they are a lower bound")
              .Append(corrected is null ? "" : " (" + corrected + " included)").Append("._\n\n");
        else if (corrected is not null)
            sb.Append("_Includes ").Append(corrected).Append("._\n\n");
    }

    private static void AppendSubagents(StringBuilder sb, SessionStats s, int? limit, int cell)
    {
        if (s.Subagents.Count == 0) return;
        sb.Append("### Subagents\n\n");
        sb.Append("| ID | Type | Model | Input | Output | Description |\n");
        sb.Append("|----|------|-------|-------|--------|-------------|\n");
        foreach (var a in Take(s.Subagents, limit))
            sb.Append("| ").Append(Cell(a.Id, cell))
              .Append(" | ").Append(Cell(a.Type, cell))
              .Append(" | ").Append(Cell(a.Model, cell))
              .Append(" | ").Append(Tokens(a.InputTokens))
              .Append(" | ").Append(Tokens(a.OutputTokens))
              .Append(" | ").Append(Cell(a.Description, cell))
              .Append(" |\n");
        AppendMoreRow(sb, s.Subagents.Count, limit, columns: 6);
        sb.Append('\n');
    }

    private static void AppendSkillsAndTools(StringBuilder sb, SessionStats s, Layout layout, int cell)
    {
        if (s.SkillsInvoked.Count == 0 && s.Tools.Count == 0) return;
        sb.Append("### Skills & Tools\n\n");
        if (s.SkillsInvoked.Count > 0)
        {
            sb.Append("| Skill | Invocations | Status |\n");
            sb.Append("|-------|-------------|--------|\n");
            foreach (var k in Take(s.SkillsInvoked, layout.ListLimit))
                sb.Append("| ").Append(Cell(k.Skill, cell))
                  .Append(" | ").Append(Number(k.Count))
                  .Append(" | ").Append(Cell(k.Status, cell))
                  .Append(" |\n");
            AppendMoreRow(sb, s.SkillsInvoked.Count, layout.ListLimit, columns: 3);
            sb.Append('\n');
        }
        if (s.Tools.Count == 0) return;

        var tools = s.Tools.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        if (layout.Tools == ToolTable.Omitted)
        {
            sb.Append("**Tools:** ").Append(Count(s.ToolCallCount, "call", "calls")).Append(" across ")
              .Append(Count(tools.Count, "tool", "tools")).Append(" (per-tool counts are in the Session Data JSON).\n\n");
            return;
        }
        sb.Append("<details><summary>").Append(ToolSummaryText).Append("</summary>\n\n");
        sb.Append("| Tool | Count |\n");
        sb.Append("|------|-------|\n");
        var shown = layout.Tools == ToolTable.Collapsed ? tools.Take(CollapsedToolRows).ToList() : tools;
        foreach (var (tool, count) in shown)
            sb.Append("| ").Append(Cell(tool, cell)).Append(" | ").Append(Number(count)).Append(" |\n");
        if (shown.Count < tools.Count)
        {
            var rest = tools.Skip(shown.Count).ToList();
            sb.Append("| Other (").Append(Count(rest.Count, "tool", "tools")).Append(") | ")
              .Append(Number(rest.Sum(t => (long)t.Value))).Append(" |\n");
        }
        sb.Append("\n</details>\n\n");
    }

    private static void AppendProblems(StringBuilder sb, SessionStats s, int? limit, int cell)
    {
        if (s.ProblemsFaced.Count == 0) return;
        sb.Append("### Problems Faced\n\n");
        sb.Append("| Problem | Resolved | Iterations |\n");
        sb.Append("|---------|----------|------------|\n");
        foreach (var p in Take(s.ProblemsFaced, limit))
            sb.Append("| ").Append(Cell(p.Description, cell))
              .Append(" | ").Append(p.Resolved ? "yes" : "no")
              .Append(" | ").Append(Number(p.Iterations))
              .Append(" |\n");
        AppendMoreRow(sb, s.ProblemsFaced.Count, limit, columns: 3);
        sb.Append('\n');
    }

    private static void AppendCommits(StringBuilder sb, SessionStats s, int? limit, int cell)
    {
        if (s.Commits.Count == 0) return;
        sb.Append("### Commits\n\n");
        foreach (var c in Take(s.Commits, limit))
            sb.Append("- ").Append(Id(c.Sha, 40)).Append(" - ").Append(Cell(Subject(c.Message), cell)).Append('\n');
        if (limit is int l && s.Commits.Count > l)
            sb.Append("- ... and ").Append(Number(s.Commits.Count - l)).Append(" more\n");
        sb.Append('\n');
    }

    private static void AppendDegradationNote(StringBuilder sb, Layout layout, int diagramCount)
    {
        if (layout.Degradation == CommentDegradation.None) return;
        var given = new List<string>();
        if (layout.Tools == ToolTable.Collapsed) given.Add("the tool table shows the " + CollapsedToolRows + " most used tools");
        if (layout.Tools == ToolTable.Omitted) given.Add("the tool table is left out");
        if (!layout.Diagrams && diagramCount > 0) given.Add(Count(diagramCount, "workflow diagram is", "workflow diagrams are") + " left out");
        if (layout.ListLimit is int l) given.Add("lists show at most " + Count(l, "item", "items"));
        if (layout.CompactJson) given.Add("the JSON is not indented");
        if (given.Count == 0) return;
        // The note does not print the limit: the body's length must not depend on the limit it is measured against.
        sb.Append("_Shortened to fit GitHub's comment size limit: ")
          .Append(string.Join("; ", given)).Append(". The Session Data JSON below is complete._\n\n");
    }

    /// <summary>"tdd" → "TDD", "ci" → "CI", "test" → "Test": the design's section titles.</summary>
    public static string FamilyTitle(string family) =>
        family.Length == 0 ? family
        : family.Length <= 3 ? family.ToUpperInvariant()
        : char.ToUpperInvariant(family[0]) + family[1..];

    /// <summary>The first line of a commit message.</summary>
    private static string Subject(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    // The stats were redacted once by PrepareForComment; cells only need escaping. Anything not from that copy
    // (diagram families, Mermaid text) goes through the redacting Text/FencedBlock.
    private static string Cell(string? text, int maxLength = int.MaxValue) => EscapeRedacted(text, maxLength);
    private static string Id(string? text, int maxLength = int.MaxValue) => CodeRedacted(text, maxLength);

    private static IEnumerable<T> Take<T>(IReadOnlyList<T> items, int? limit) => limit is int l ? items.Take(l) : items;

    private static void AppendMoreRow(StringBuilder sb, int total, int? limit, int columns)
    {
        if (limit is not int l || total <= l) return;
        sb.Append("| ... and ").Append(Number(total - l)).Append(" more |");
        for (int i = 1; i < columns; i++) sb.Append("  |");
        sb.Append('\n');
    }
}
