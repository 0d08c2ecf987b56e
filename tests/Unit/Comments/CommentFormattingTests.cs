using System.Globalization;
using SessionAnalytics.Core.Comments;

namespace SessionAnalytics.Tests.Comments;

public class CommentFormattingTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(241_558, "241,558")]
    [InlineData(835_336, "835,336")]
    [InlineData(-1_234, "-1,234")]
    public void NumberUsesInvariantThousandsSeparators(long value, string expected) =>
        Assert.Equal(expected, CommentFormatting.Number(value));

    [Theory]
    [InlineData(241_558, "241,558")]
    [InlineData(999_999, "999,999")]
    [InlineData(1_000_000, "1M")]
    [InlineData(56_722_690, "56.7M")]
    [InlineData(458_575_867, "458.6M")]
    [InlineData(170_000_000, "170M")]
    [InlineData(999_960_000, "1B")]
    [InlineData(1_400_100_000, "1.4B")]
    [InlineData(2_345_678_901_234, "2,345.7B")]
    public void TokensAbbreviateFromOneMillion(long value, string expected) =>
        Assert.Equal(expected, CommentFormatting.Tokens(value));

    [Theory]
    [InlineData(999, "999")]
    [InlineData(1_000, "1K")]
    [InlineData(723_000, "723K")]
    [InlineData(723_049, "723K")]
    [InlineData(723_450, "723.5K")]
    [InlineData(999_960, "1M")]
    [InlineData(2_499_000, "2.5M")]
    [InlineData(170_100_000, "170.1M")]
    [InlineData(1_400_100_000, "1.4B")]
    public void SummaryTokensAbbreviateFromOneThousand(long value, string expected) =>
        Assert.Equal(expected, CommentFormatting.TokensShort(value));

    [Theory]
    [InlineData(-5, "0m")]
    [InlineData(0, "0m")]
    [InlineData(45, "45m")]
    [InlineData(59, "59m")]
    [InlineData(60, "1h 00m")]
    [InlineData(78, "1h 18m")]
    [InlineData(125, "2h 05m")]
    [InlineData(1_505, "25h 05m")]
    public void DurationsFollowTheDesign(int minutes, string expected) =>
        Assert.Equal(expected, CommentFormatting.Duration(minutes));

    [Theory]
    [InlineData("12.45", "$12.45")]
    [InlineData("0", "$0.00")]
    [InlineData("0.005", "$0.01")]
    [InlineData("0.0049", "$0.00")]
    [InlineData("1204.5", "$1,204.50")]
    [InlineData("34.2149", "$34.21")]
    public void MoneyIsDollarsAndCents(string amount, string expected) =>
        Assert.Equal(expected, CommentFormatting.Money(decimal.Parse(amount, CultureInfo.InvariantCulture)));

    [Fact]
    public void FormattingIgnoresTheCurrentCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("241,558", CommentFormatting.Number(241_558));
            Assert.Equal("56.7M", CommentFormatting.Tokens(56_722_690));
            Assert.Equal("$1,204.50", CommentFormatting.Money(1204.5m));
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    [Theory]
    [InlineData("claude-opus-4-6", "opus-4-6")]
    [InlineData("claude-sonnet-4-5-20250929", "sonnet-4-5")]
    [InlineData("claude-3-5-haiku-20241022", "3-5-haiku")]
    [InlineData("claude-opus-4-1@20250805", "opus-4-1")]
    [InlineData("gpt-4o", "gpt-4o")]
    [InlineData("claude-", "claude-")]
    public void ModelShortNameDropsPrefixAndDate(string model, string expected) =>
        Assert.Equal(expected, CommentFormatting.ModelShortName(model));
}
