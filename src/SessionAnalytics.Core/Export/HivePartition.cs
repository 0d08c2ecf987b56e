using System.Globalization;
using System.Text;

namespace SessionAnalytics.Core.Export;

/// <summary>
/// Hive-style partition folder names, <c>key=value</c>, with the value escaped as Hive and Spark escape it: every
/// character that a path or the <c>key=value</c> syntax would misread (<c>/ \ : = % " # ' * ? [ ] { } ^ &lt; &gt; |</c>,
/// space, control characters) becomes <c>%XX</c> (upper-case hex of the character), so <c>acme/widget</c> is
/// <c>repository=acme%2Fwidget</c>. Engines that read Hive partitioning decode it back (DuckDB does: the tests check;
/// Spark's partition discovery unescapes the same set). A missing value is Hive's <c>__HIVE_DEFAULT_PARTITION__</c>,
/// which DuckDB and Spark read as NULL.
/// </summary>
public static class HivePartition
{
    public const string NullValue = "__HIVE_DEFAULT_PARTITION__";

    private const string Escaped = "/\\:=%\"#'*?[]{}^<>| \u007F";

    public static string Folder(string key, string? value) => key + "=" + Escape(value);

    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value)) return NullValue;
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c < 0x20 || Escaped.Contains(c)) text.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>The value of a <c>key=value</c> folder name, or null when the name is not of that key (or is the null partition).</summary>
    public static bool TryValue(string folderName, string key, out string? value)
    {
        value = null;
        if (!folderName.StartsWith(key + "=", StringComparison.Ordinal)) return false;
        var text = folderName[(key.Length + 1)..];
        if (text == NullValue) return true;
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length
                && int.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                result.Append((char)code);
                i += 2;
            }
            else result.Append(text[i]);
        }
        value = result.ToString();
        return true;
    }
}
