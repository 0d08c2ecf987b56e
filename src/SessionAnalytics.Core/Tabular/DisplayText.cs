using System.Globalization;

namespace SessionAnalytics.Core.Tabular;

/// <summary>Numbers for people in format views, where CSV keeps the exact figure.</summary>
public static class DisplayText
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB"];

    /// <summary>What a cost without a price shows: the tokens are counted, the cost is not invented.</summary>
    public const string Unpriced = "unpriced";

    /// <summary>Bytes in the largest unit that keeps the number at or above 1, one decimal: <c>812 B</c>, <c>4.2 KB</c>, <c>1.4 MB</c>.</summary>
    public static string Size(long bytes)
    {
        decimal value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString("0.0", CultureInfo.CurrentCulture) + " " + Units[unit];
    }

    /// <summary>
    /// Dollars to the cent for a table cell, in the invariant culture as the comments show them: <c>$6.17</c>,
    /// <c>$1,204.50</c>; <c>&lt;$0.01</c> for a cost above zero that rounds to no cents; <see cref="Unpriced"/> for null
    /// (a model without a known price).
    /// </summary>
    public static string Cost(decimal? usd)
    {
        if (usd is not decimal amount) return Unpriced;
        var cents = Math.Round(amount, 2, MidpointRounding.AwayFromZero);
        if (cents == 0 && amount > 0) return "<$0.01";
        return (cents < 0 ? "-$" : "$") + Math.Abs(cents).ToString("#,0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A session's cost: <see cref="Cost(decimal?)"/> of the priced models' sum, with <c>+</c> when some of its
    /// <paramref name="models"/> have no price (<c>$0.17+</c>: the figure is a lower bound), and <see cref="Unpriced"/>
    /// when none has one.
    /// </summary>
    public static string SessionCost(decimal usd, int models, int unpricedModels) =>
        unpricedModels <= 0 ? Cost(usd)
        : unpricedModels >= models ? Unpriced
        : Cost(usd) + "+";
}
