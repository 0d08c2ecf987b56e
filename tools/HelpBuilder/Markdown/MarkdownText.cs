using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace SessionAnalytics.HelpBuilder.Markdown;

/// <summary>
/// Markdown → the plain text that help shows. Help is read in a console, so inline markup is dropped
/// (code spans keep their text, links show their address when it differs from the text) and soft line breaks
/// become spaces: the console wraps, not the author.
/// </summary>
internal static class MarkdownText
{
    public static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .UsePreciseSourceLocation()
        .Build();

    public static MarkdownDocument Parse(string markdown) => Markdig.Markdown.Parse(markdown, Pipeline);

    /// <summary>1-based line of a block, for messages.</summary>
    public static int LineOf(Block block) => block.Line + 1;

    public static string Inline(ContainerInline? container)
    {
        if (container is null) return "";
        var text = new StringBuilder();
        Append(container, text);
        return Normalize(text.ToString());
    }

    public static string Heading(HeadingBlock heading) => Inline(heading.Inline);

    public static string Paragraph(ParagraphBlock paragraph) => Inline(paragraph.Inline);

    /// <summary>The code of a fenced or indented block, without the fence, trailing blank lines removed.</summary>
    public static string Code(CodeBlock code)
    {
        var lines = code.Lines.Lines.Take(code.Lines.Count).Select(l => l.Slice.ToString()).ToList();
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1])) lines.RemoveAt(lines.Count - 1);
        return string.Join("\n", lines);
    }

    public static string FenceLanguage(FencedCodeBlock code) => (code.Info ?? "").Trim().ToLowerInvariant();

    /// <summary>The block exactly as written (tables, HTML): for text that must not be re-flowed.</summary>
    public static IReadOnlyList<string> SourceLines(Block block, string source)
    {
        var span = source.Substring(block.Span.Start, Math.Min(block.Span.Length, source.Length - block.Span.Start));
        return span.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
    }

    /// <summary>
    /// Flattens a list into items "- text" (or "1. text"), nested lists indented. Each item's paragraphs are
    /// joined; code inside items is kept on its own lines.
    /// </summary>
    public static IEnumerable<(string Bullet, string Text, int Depth)> ListItems(ListBlock list, int depth = 0)
    {
        var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var bullet = list.IsOrdered ? $"{number++}." : "-";
            var parts = new List<string>();
            var nested = new List<ListBlock>();
            foreach (var child in item)
            {
                switch (child)
                {
                    case ParagraphBlock p: parts.Add(Paragraph(p)); break;
                    case CodeBlock c: parts.Add(Code(c)); break;
                    case ListBlock l: nested.Add(l); break;
                }
            }
            yield return (bullet, string.Join(" ", parts), depth);
            foreach (var l in nested)
                foreach (var sub in ListItems(l, depth + 1))
                    yield return sub;
        }
    }

    /// <summary>
    /// The paragraphs a run of blocks makes for MAML (maml:para): paragraphs as text, list items as "- text",
    /// code blocks and tables verbatim.
    /// </summary>
    public static List<string> Paragraphs(IEnumerable<Block> blocks, string source)
    {
        var paragraphs = new List<string>();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case ParagraphBlock p:
                    paragraphs.Add(Paragraph(p));
                    break;
                case ListBlock list:
                    paragraphs.AddRange(ListItems(list).Select(i => new string(' ', i.Depth * 2) + i.Bullet + " " + i.Text));
                    break;
                case CodeBlock code:
                    paragraphs.Add(Code(code));
                    break;
                case Table or HtmlBlock or QuoteBlock:
                    paragraphs.Add(string.Join("\n", SourceLines(block, source)));
                    break;
            }
        }
        return paragraphs.Where(p => p.Length > 0).ToList();
    }

    private static void Append(ContainerInline container, StringBuilder text)
    {
        foreach (var inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal: text.Append(literal.Content.ToString()); break;
                case CodeInline code: text.Append(code.Content); break;
                case LineBreakInline lineBreak: text.Append(lineBreak.IsHard ? "\n" : " "); break;
                case AutolinkInline autolink: text.Append(autolink.Url); break;
                case LinkInline link:
                {
                    var inner = new StringBuilder();
                    Append(link, inner);
                    var label = inner.ToString();
                    text.Append(label);
                    if (!link.IsImage && !string.IsNullOrEmpty(link.Url) && link.Url != label && !link.Url.StartsWith('#'))
                        text.Append(" (").Append(link.Url).Append(')');
                    break;
                }
                case HtmlEntityInline entity: text.Append(entity.Transcoded.ToString()); break;
                case HtmlInline html: text.Append(html.Tag); break;
                case ContainerInline nested: Append(nested, text); break;
            }
        }
    }

    private static string Normalize(string text)
    {
        // Collapse runs of spaces that soft breaks and indentation leave, but keep hard line breaks.
        var lines = text.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        return string.Join("\n", lines).Trim();
    }
}
