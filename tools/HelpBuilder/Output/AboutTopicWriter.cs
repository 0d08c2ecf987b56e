using System.Text;
using SessionAnalytics.HelpBuilder.Model;

namespace SessionAnalytics.HelpBuilder.Output;

/// <summary>
/// Writes an about topic in the classic help.txt layout: TOPIC / SHORT DESCRIPTION / LONG DESCRIPTION and the
/// other ## sections in upper case at column 0, text indented four spaces and wrapped at 80 columns, ###
/// subsections in upper case indented two, code indented eight. Code and tables cannot be wrapped: a line of
/// them wider than 80 columns is reported as a warning with its source line (the about-topic test fails on it).
/// </summary>
internal static class AboutTopicWriter
{
    public const int Width = 80;

    public static string Render(AboutTopic topic, string sourcePath, HelpDiagnostics diagnostics)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line.TrimEnd()).Append('\n');

        Line("TOPIC");
        Line("    " + topic.Name);
        Line();
        Line("SHORT DESCRIPTION");
        foreach (var line in TextWrapper.Wrap(topic.ShortDescription, Width, "    ", "    ")) Line(line);

        AboutBlock? previous = null;
        foreach (var block in topic.Body)
        {
            switch (block)
            {
                case AboutHeading { Level: 2 } heading:
                    Line();
                    Line(heading.Text.ToUpperInvariant());
                    break;
                case AboutHeading { Level: 3 } heading:
                    Line();
                    Line("  " + heading.Text.ToUpperInvariant());
                    break;
                case AboutHeading heading:
                    Line();
                    Line("    " + heading.Text);
                    break;
                case AboutParagraph paragraph:
                    if (previous is not AboutHeading) Line();
                    foreach (var line in TextWrapper.Wrap(paragraph.Text, Width, "    ", "    ")) Line(line);
                    break;
                case AboutListItem item:
                    if (previous is not AboutListItem and not AboutHeading) Line();
                    var indent = new string(' ', 4 + item.Depth * 2);
                    var hanging = indent + new string(' ', item.Bullet.Length + 1);
                    foreach (var line in TextWrapper.Wrap(item.Text, Width, indent + item.Bullet + " ", hanging)) Line(line);
                    break;
                case AboutPreformatted pre:
                    if (previous is not AboutHeading) Line();
                    var pad = new string(' ', pre.Indent);
                    for (var i = 0; i < pre.Lines.Count; i++)
                    {
                        var line = pad + pre.Lines[i];
                        if (line.TrimEnd().Length > Width)
                            diagnostics.Warning(sourcePath, pre.SourceLine + i, "HB110",
                                $"This line is {line.TrimEnd().Length} columns in the about topic ({pre.Indent} of indent added), more than {Width}; it cannot be wrapped, so shorten it.");
                        Line(line);
                    }
                    break;
            }
            previous = block;
        }
        return text.ToString();
    }
}
