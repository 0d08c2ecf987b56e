using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// How numbers, token counts, durations and money look in comments. Always the invariant culture: a comment posted
/// from a German machine must read exactly like one posted from CI, and the summary's sums must be checkable.
/// </summary>
public static partial class CommentFormatting
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>At and above this many tokens the per-session tables abbreviate (<c>56.7M</c>); below, they show every digit.</summary>
    public const long AbbreviationThreshold = 1_000_000;

    /// <summary>Thousands separators: <c>241,558</c>.</summary>
    public static string Number(long value) => value.ToString("#,0", Invariant);

    /// <summary>
    /// Token counts in per-session tables: every digit below <see cref="AbbreviationThreshold"/> (<c>835,336</c>),
    /// else millions or billions with one decimal, <c>.0</c> dropped (<c>56.7M</c>, <c>458.6M</c>, <c>170M</c>, <c>1.4B</c>).
    /// </summary>
    public static string Tokens(long value) =>
        Math.Abs(value) < AbbreviationThreshold ? Number(value) : Abbreviate(value, allowThousands: false);

    /// <summary>
    /// Token counts in the summary, where sessions add up to large numbers: thousands too (<c>723K</c>), from 1,000 up.
    /// Below 1,000 the plain number.
    /// </summary>
    public static string TokensShort(long value) =>
        Math.Abs(value) < 1_000 ? Number(value) : Abbreviate(value, allowThousands: true);

    private static readonly (decimal Size, string Suffix)[] Units = [(1_000_000_000m, "B"), (1_000_000m, "M"), (1_000m, "K")];

    private static string Abbreviate(long value, bool allowThousands)
    {
        var units = allowThousands ? Units : Units[..2];
        decimal magnitude = Math.Abs((decimal)value);
        for (int i = 0; i < units.Length; i++)
        {
            if (magnitude < units[i].Size) continue;
            var unit = units[i];
            var scaled = Math.Round(magnitude / unit.Size, 1, MidpointRounding.AwayFromZero);
            // 999,960 is "1M", not "1000K": rounding may carry into the next larger unit.
            if (scaled >= 1000m && i > 0)
            {
                unit = units[i - 1];
                scaled = Math.Round(magnitude / unit.Size, 1, MidpointRounding.AwayFromZero);
            }
            return (value < 0 ? "-" : "") + scaled.ToString("#,0.#", Invariant) + unit.Suffix;
        }
        return Number(value);
    }

    /// <summary>
    /// The design's durations: <c>45m</c> under an hour, else hours and two-digit minutes (<c>1h 18m</c>, <c>2h 05m</c>).
    /// Negative values (clock skew) show as <c>0m</c>.
    /// </summary>
    public static string Duration(int minutes)
    {
        if (minutes <= 0) return "0m";
        if (minutes < 60) return minutes.ToString(Invariant) + "m";
        return (minutes / 60).ToString(Invariant) + "h " + (minutes % 60).ToString("00", Invariant) + "m";
    }

    /// <summary>Rounds to cents the way the summary's sums do: half away from zero.</summary>
    public static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>Dollars and cents with thousands separators: <c>$12.45</c>, <c>$1,204.50</c>.</summary>
    public static string Money(decimal amount)
    {
        var cents = Cents(amount);
        return (cents < 0 ? "-$" : "$") + Math.Abs(cents).ToString("#,0.00", Invariant);
    }

    /// <summary><c>1 commit</c>, <c>2 commits</c>.</summary>
    public static string Count(int count, string singular, string plural) =>
        Number(count) + " " + (count == 1 ? singular : plural);

    /// <summary>
    /// The model's name as the TL;DR shows it: without the <c>claude-</c> prefix and without a date suffix
    /// (<c>claude-opus-4-6</c> → <c>opus-4-6</c>, <c>claude-sonnet-4-5-20250929</c> → <c>sonnet-4-5</c>).
    /// </summary>
    public static string ModelShortName(string model)
    {
        var name = model.StartsWith("claude-", StringComparison.OrdinalIgnoreCase) ? model["claude-".Length..] : model;
        name = DateSuffix().Replace(name, "");
        return name.Length == 0 ? model : name;
    }

    [GeneratedRegex(@"[-@]\d{8}$")]
    private static partial Regex DateSuffix();
}
