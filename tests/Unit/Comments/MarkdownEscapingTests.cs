using SessionAnalytics.Core.Comments;

namespace SessionAnalytics.Tests.Comments;

public class MarkdownEscapingTests
{
    [Theory]
    [InlineData("a | b", @"a \| b")]
    [InlineData("line1\nline2\r\nline3", "line1 line2  line3")]
    [InlineData("end -->", "end --&gt;")]
    [InlineData("<!-- SESSION_SUMMARY -->", "&lt;!-- SESSION\\_SUMMARY --&gt;")]
    [InlineData("</details>", "&lt;/details&gt;")]
    [InlineData("use `code` here", "use \\`code\\` here")]
    [InlineData("*bold* _it_ [link](x) ~~s~~", "\\*bold\\* \\_it\\_ \\[link\\](x) \\~\\~s\\~\\~")]
    [InlineData("a & b &amp;", "a &amp; b &amp;amp;")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("costs $5 and $6", "costs \\$5 and \\$6")]
    [InlineData("para\u2028sep\u2029x\tt", "para sep x t")]
    public void TextIsInert(string input, string expected) =>
        Assert.Equal(expected, MarkdownEscaping.Text(input));

    [Fact]
    public void MentionsAreBrokenButEmailsAreNot()
    {
        Assert.Equal("thanks @\u2060octocat", MarkdownEscaping.Text("thanks @octocat"));
        Assert.Equal("mail dev@example.com", MarkdownEscaping.Text("mail dev@example.com"));
    }

    [Fact]
    public void LongTextIsCutAtACharacterBoundary()
    {
        var text = new string('a', 9) + "😀" + "tail";
        var cut = MarkdownEscaping.Text(text, 10);
        Assert.Equal(new string('a', 9) + "…", cut);
        Assert.Equal("abc", MarkdownEscaping.Text("abc", 3));
    }

    [Theory]
    [InlineData("fix/keycloak-652", "`fix/keycloak-652`")]
    [InlineData("abc1234", "`abc1234`")]
    [InlineData("feat/`x`", "feat/\\`x\\`")]
    [InlineData("a|b", "a\\|b")]
    [InlineData("x<!--y", "x&lt;!--y")]
    [InlineData(" padded", " padded")]
    public void CodeSpansOnlyWhenSafe(string input, string expected) =>
        Assert.Equal(expected, MarkdownEscaping.Code(input));

    [Fact]
    public void FenceIsLongerThanAnyBacktickRunInside()
    {
        var block = MarkdownEscaping.FencedBlock("flowchart TD\n  A[\"```\"] --> B[\"````\"]\n", "mermaid");
        Assert.StartsWith("`````mermaid\n", block);
        Assert.EndsWith("\n`````", block);
        Assert.Equal("```json\n{}\n```", MarkdownEscaping.FencedBlock("{}", "json"));
    }

    [Fact]
    public void EscapingRedactsFirst()
    {
        var token = "ghp_" + "0123456789abcdefghijABCDEFGHIJ0123";
        Assert.Equal("push \\[REDACTED\\]", MarkdownEscaping.Text("push " + token));
        Assert.Equal("`[REDACTED]`", MarkdownEscaping.Code(token));
    }
}
