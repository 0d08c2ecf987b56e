using Markdig.Extensions.Tables;
using Markdig.Syntax;
using SessionAnalytics.HelpBuilder.Model;

namespace SessionAnalytics.HelpBuilder.Markdown;

/// <summary>
/// Reads docs/about_&lt;Topic&gt;.md: "# about_Topic", then "## SHORT DESCRIPTION" (one paragraph), then
/// "## LONG DESCRIPTION" and any further "## SECTION"s, with ### and #### subsections inside.
/// </summary>
internal sealed class AboutTopicReader(HelpDiagnostics diagnostics)
{
    public AboutTopic? Read(string path, string displayPath)
    {
        var source = File.ReadAllText(path);
        var document = MarkdownText.Parse(source);
        var blocks = document.Where(b => b is not Markdig.Extensions.Yaml.YamlFrontMatterBlock && !IsComment(b)).ToList();
        var expected = Path.GetFileNameWithoutExtension(path);

        if (blocks.FirstOrDefault() is not HeadingBlock { Level: 1 } title)
        {
            diagnostics.Error(displayPath, 1, "HB101", $"An about topic starts with '# {expected}'.");
            return null;
        }
        var name = MarkdownText.Heading(title);
        if (name != expected) diagnostics.Error(displayPath, MarkdownText.LineOf(title), "HB102", $"The title '{name}' does not match the file name '{expected}.md'.");

        if (blocks.ElementAtOrDefault(1) is not HeadingBlock { Level: 2 } shortHeading || MarkdownText.Heading(shortHeading) != "SHORT DESCRIPTION")
        {
            diagnostics.Error(displayPath, MarkdownText.LineOf(title), "HB103", "'## SHORT DESCRIPTION' must follow the title.");
            return null;
        }
        var shortText = blocks.Skip(2).TakeWhile(b => b is not HeadingBlock).OfType<ParagraphBlock>().Select(MarkdownText.Paragraph).ToList();
        if (shortText.Count != 1) diagnostics.Error(displayPath, MarkdownText.LineOf(shortHeading), "HB104", "SHORT DESCRIPTION is one paragraph.");

        var rest = blocks.Skip(2).SkipWhile(b => b is not HeadingBlock).ToList();
        if (rest.FirstOrDefault() is not HeadingBlock { Level: 2 } longHeading || MarkdownText.Heading(longHeading) != "LONG DESCRIPTION")
            diagnostics.Error(displayPath, rest.Count > 0 ? MarkdownText.LineOf(rest[0]) : MarkdownText.LineOf(shortHeading), "HB105", "'## LONG DESCRIPTION' must follow SHORT DESCRIPTION.");

        var body = new List<AboutBlock>();
        foreach (var block in rest)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    var text = MarkdownText.Heading(heading);
                    if (heading.Level > 4)
                        diagnostics.Error(displayPath, MarkdownText.LineOf(heading), "HB107", "Headings go no deeper than ####.");
                    body.Add(new AboutHeading(heading.Level, text));
                    break;
                case ParagraphBlock paragraph:
                    body.Add(new AboutParagraph(MarkdownText.Paragraph(paragraph)));
                    break;
                case ListBlock list:
                    body.AddRange(MarkdownText.ListItems(list).Select(i => new AboutListItem(i.Bullet, i.Text, i.Depth)));
                    break;
                case CodeBlock code:
                    body.Add(new AboutPreformatted(MarkdownText.Code(code).Split('\n'), 8, MarkdownText.LineOf(code) + 1));
                    break;
                case Table or QuoteBlock or HtmlBlock:
                    body.Add(new AboutPreformatted(MarkdownText.SourceLines(block, source), 4, MarkdownText.LineOf(block)));
                    break;
                case ThematicBreakBlock or LinkReferenceDefinitionGroup:
                    break;
                default:
                    diagnostics.Error(displayPath, MarkdownText.LineOf(block), "HB108", $"Unsupported Markdown block ({block.GetType().Name}).");
                    break;
            }
        }
        return new AboutTopic(name, shortText.FirstOrDefault() ?? "", body);
    }

    /// <summary>An HTML comment on its own is a note to the doc's authors, not help text.</summary>
    private static bool IsComment(Block block) => block is HtmlBlock { Type: HtmlBlockType.Comment };
}
