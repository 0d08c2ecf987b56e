using System.Globalization;

namespace SessionAnalytics.Core.Tabular;

/// <summary>Numbers for people in format views, where CSV keeps the exact figure.</summary>
public static class DisplayText
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB"];

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
}
