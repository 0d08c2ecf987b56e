using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// Finds the module's parts in a comment body with a CommonMark parser (Markdig), not with text searches: a marker
/// or a <c>&lt;details&gt;</c> block only counts when it is a real top-level HTML block, so look-alike text inside
/// code spans, code blocks or quotes (or typed by a person) is never taken for it.
/// </summary>
internal static partial class CommentDocument
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().Build();

    public static MarkdownDocument Parse(string body) => Markdown.Parse(body, Pipeline);

    [GeneratedRegex(@"^<!-- SESSION:(?<id>[A-Za-z0-9._-]+) -->$")]
    private static partial Regex SessionMarkerLine();

    /// <summary>The id of the first top-level <c>&lt;!-- SESSION:id --&gt;</c> HTML block, or null.</summary>
    public static string? SessionMarkerId(MarkdownDocument doc)
    {
        foreach (var block in doc)
            if (block is HtmlBlock html && SessionMarkerLine().Match(Text(html).Trim()) is { Success: true } m)
                return m.Groups["id"].Value;
        return null;
    }

    public static bool HasSummaryMarker(MarkdownDocument doc) =>
        doc.OfType<HtmlBlock>().Any(h => Text(h).Trim() == CommentMarkers.SummaryMarker);

    /// <summary>
    /// The text of the fenced <c>json</c> block right after the top-level <c>&lt;details&gt;&lt;summary&gt;<paramref name="summaryText"/>&lt;/summary&gt;</c>
    /// block; null with <paramref name="error"/> saying what is missing.
    /// </summary>
    public static string? JsonBlock(MarkdownDocument doc, string summaryText, out string? error)
    {
        var summaryTag = "<summary>" + summaryText + "</summary>";
        for (int i = 0; i < doc.Count; i++)
        {
            if (doc[i] is not HtmlBlock html || !Text(html).Contains(summaryTag, StringComparison.Ordinal)) continue;
            if (i + 1 < doc.Count && doc[i + 1] is FencedCodeBlock fenced && IsJson(fenced.Info))
            {
                error = null;
                return fenced.Lines.ToString();
            }
            // Hand-edited bodies may lack the blank line after <summary>: the HTML block then swallows the fence.
            if (FenceInside(Text(html)) is string swallowed)
            {
                error = null;
                return swallowed;
            }
            error = $"The '{summaryText}' block has no ```json code block.";
            return null;
        }
        error = $"The comment has no '{summaryText}' block.";
        return null;
    }

    private static bool IsJson(string? info) => string.Equals(info?.Trim(), "json", StringComparison.OrdinalIgnoreCase);

    private static string Text(HtmlBlock html) => html.Lines.ToString();

    private static string? FenceInside(string text)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var open = lines[i].Trim();
            int ticks = open.TakeWhile(c => c == '`').Count();
            if (ticks < 3 || !IsJson(open[ticks..])) continue;
            var fence = new string('`', ticks);
            var content = new List<string>();
            for (int j = i + 1; j < lines.Length; j++)
            {
                var line = lines[j].Trim();
                if (line.StartsWith(fence, StringComparison.Ordinal) && line.Trim('`').Length == 0) return string.Join("\n", content);
                content.Add(lines[j]);
            }
            return null;
        }
        return null;
    }
}
