using System.Globalization;
using System.Text;

namespace SessionAnalytics.Core.Tabular;

/// <summary>
/// The one-cell text form of collections and its parser. Items are separated by <c>"; "</c>; a map's entries are
/// <c>key=value</c>. Inside an item a backslash escapes <c>;</c>, <c>=</c> and itself, so any text survives the round
/// trip (except whitespace around an item, which the parser trims).
/// </summary>
public static class CellText
{
    public const string Separator = "; ";

    /// <summary>Invariant text of a value: numbers with '.' and no grouping, dates in ISO 8601.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        ICellText c => c.ToCellText(),
        DateTimeOffset d => d.ToString("o", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("o", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string Escape(string item)
    {
        if (item.AsSpan().IndexOfAny(';', '=', '\\') < 0) return item;
        var text = new StringBuilder(item.Length + 4);
        foreach (var c in item)
        {
            if (c is ';' or '=' or '\\') text.Append('\\');
            text.Append(c);
        }
        return text.ToString();
    }

    public static string Join<T>(IEnumerable<T> items) => string.Join(Separator, items.Select(i => Escape(Format(i))));

    public static string JoinMap<TValue>(IEnumerable<KeyValuePair<string, TValue>> entries) =>
        string.Join(Separator, entries.Select(e => Escape(e.Key) + "=" + Escape(Format(e.Value))));

    /// <summary>The items of a list cell, unescaped; an empty or blank cell is an empty list.</summary>
    public static CellList<string> ParseList(string? cell) => [.. Split(cell, ';').Select(Unescape)];

    /// <summary>The items of a list cell, each converted by <paramref name="parseItem"/>.</summary>
    public static CellList<T> ParseList<T>(string? cell, Func<string, T> parseItem) => [.. ParseList(cell).Select(parseItem)];

    /// <summary>
    /// The entries of a map cell (<c>key=value; key=value</c>). Throws <see cref="FormatException"/> naming the entry
    /// that has no unescaped <c>=</c>, or a repeated key.
    /// </summary>
    public static CellMap<TValue> ParseMap<TValue>(string? cell, Func<string, TValue> parseValue)
    {
        var map = new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var entry in Split(cell, ';'))
        {
            var parts = Split(entry, '=', keepEmpty: true);
            if (parts.Count != 2) throw new FormatException($"'{entry}' is not a key=value entry.");
            var key = Unescape(parts[0]);
            if (!map.TryAdd(key, parseValue(Unescape(parts[1]))))
                throw new FormatException($"The key '{key}' appears twice in '{cell}'.");
        }
        return new CellMap<TValue>(map);
    }

    /// <summary>Invariant numbers for <see cref="ParseMap{TValue}"/>: <c>CellText.ParseMap(cell, CellText.Decimal)</c>.</summary>
    public static decimal Decimal(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static long Long(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>Splits at unescaped <paramref name="separator"/>s, leaving escapes in place; items are trimmed.</summary>
    private static List<string> Split(string? text, char separator, bool keepEmpty = false)
    {
        var parts = new List<string>();
        if (string.IsNullOrWhiteSpace(text)) return parts;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] != separator) continue;
            Add(text[start..i]);
            start = i + 1;
        }
        Add(text[start..]);
        return parts;

        void Add(string part)
        {
            part = part.Trim();
            if (keepEmpty || part.Length > 0) parts.Add(part);
        }
    }

    private static string Unescape(string item)
    {
        if (!item.Contains('\\')) return item;
        var text = new StringBuilder(item.Length);
        for (var i = 0; i < item.Length; i++)
        {
            if (item[i] == '\\' && i + 1 < item.Length) i++;
            text.Append(item[i]);
        }
        return text.ToString();
    }
}
