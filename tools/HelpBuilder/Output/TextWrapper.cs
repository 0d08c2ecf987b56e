using System.Text;

namespace SessionAnalytics.HelpBuilder.Output;

internal static class TextWrapper
{
    /// <summary>
    /// Greedy word wrap: each line is at most <paramref name="width"/> columns including its indent; a single word
    /// longer than a line (a long URL) stands alone rather than being cut. Hard line breaks in the text are kept.
    /// </summary>
    public static IEnumerable<string> Wrap(string text, int width, string firstIndent, string indent)
    {
        var first = true;
        foreach (var hardLine in text.Split('\n'))
        {
            var line = new StringBuilder(first ? firstIndent : indent);
            var lineHasWord = false;
            foreach (var word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (lineHasWord && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString();
                    line.Clear().Append(indent);
                    lineHasWord = false;
                }
                if (lineHasWord) line.Append(' ');
                line.Append(word);
                lineHasWord = true;
            }
            yield return line.ToString();
            first = false;
        }
    }
}
