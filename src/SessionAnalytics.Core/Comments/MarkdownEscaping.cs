using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Redaction;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// Makes session text (skill names, descriptions, commit subjects, problem texts, branch and model names) inert in a
/// GitHub comment. Every helper redacts secrets first (<see cref="SecretRedactor"/>), then:
/// <list type="bullet">
/// <item>line breaks and other control characters become spaces, so text cannot end a table row or start a block;</item>
/// <item><c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> become entities, so no HTML can appear: no <c>&lt;!--</c>, <c>--&gt;</c>,
/// <c>&lt;/details&gt;</c>, and the raw body never contains a marker that did not come from the renderer;</item>
/// <item>Markdown punctuation (<c>\ ` * _ [ ] | ~ $</c>) is backslash-escaped: no emphasis, links, code, math or cell breaks;</item>
/// <item><c>@name</c> gets a zero-width joiner after the <c>@</c>, so a commit subject cannot notify people.</item>
/// </list>
/// What readers see is the original text; the exact text is in the comment's JSON.
/// </summary>
public static partial class MarkdownEscaping
{
    /// <summary>Inserted after <c>@</c> to keep GitHub from turning <c>@name</c> into a mention.</summary>
    public const char MentionBreaker = '\u2060';

    /// <summary>
    /// Escaped inline text for paragraphs, list items and table cells. Text longer than <paramref name="maxLength"/>
    /// characters (before escaping) is cut at a character boundary and ends with <c>…</c>.
    /// </summary>
    public static string Text(string? text, int maxLength = int.MaxValue) =>
        string.IsNullOrEmpty(text) ? "" : EscapeRedacted(SecretRedactor.Redact(text)!, maxLength);

    /// <summary><see cref="Text"/> for text that is already redacted (the renderers' redacted copy of the stats).</summary>
    internal static string EscapeRedacted(string? text, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var plain = Truncate(SingleLine(text), maxLength);
        var sb = new StringBuilder(plain.Length + 16);
        for (int i = 0; i < plain.Length; i++)
        {
            char c = plain[i];
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '~' or '$':
                    sb.Append('\\').Append(c);
                    break;
                case '@':
                    sb.Append(c);
                    bool atWordStart = i == 0 || !(char.IsLetterOrDigit(plain[i - 1]) || plain[i - 1] is '.' or '-' or '_');
                    if (atWordStart && i + 1 < plain.Length && (char.IsAsciiLetterOrDigit(plain[i + 1]))) sb.Append(MentionBreaker);
                    break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// An identifier (sha, short id, branch, skill) as inline code when that is safe, i.e. it has no backtick, no
    /// <c>&lt; &gt; &amp; |</c>, no backslash and no control character; otherwise as escaped plain text, because
    /// code spans show entities literally and GFM tables split code spans at <c>|</c>.
    /// </summary>
    public static string Code(string? text, int maxLength = int.MaxValue) =>
        string.IsNullOrEmpty(text) ? "" : CodeRedacted(SecretRedactor.Redact(text)!, maxLength);

    /// <summary><see cref="Code"/> for text that is already redacted.</summary>
    internal static string CodeRedacted(string? text, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var plain = Truncate(SingleLine(text), maxLength);
        return SafeInCodeSpan().IsMatch(plain) ? "`" + plain + "`" : EscapeRedacted(plain);
    }

    [GeneratedRegex(@"^[^\s`<>&|\\\p{C}](?:[^`<>&|\\\p{C}\r\n]*[^\s`<>&|\\\p{C}])?$")]
    private static partial Regex SafeInCodeSpan();

    /// <summary>
    /// A fenced code block whose fence is longer than any backtick run in <paramref name="content"/>, so the content
    /// cannot close it. The content is redacted; it is otherwise verbatim (code blocks interpret nothing).
    /// </summary>
    public static string FencedBlock(string content, string info)
    {
        var body = (SecretRedactor.Redact(content) ?? "").Replace("\r\n", "\n").TrimEnd('\n');
        int longest = 0, run = 0;
        foreach (var c in body)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        var fence = new string('`', Math.Max(3, longest + 1));
        return fence + info + "\n" + body + "\n" + fence;
    }

    /// <summary>Line breaks, tabs and other control or separator characters become single spaces.</summary>
    public static string SingleLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var category = char.GetUnicodeCategory(c);
            bool breaks = char.IsControl(c) || category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            sb.Append(breaks ? ' ' : c);
        }
        return sb.ToString();
    }

    /// <summary>At most <paramref name="maxLength"/> UTF-16 units, never splitting a surrogate pair, with <c>…</c> when cut.</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        if (maxLength <= 1) return "…";
        var cut = maxLength - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut].TrimEnd() + "…";
    }
}
