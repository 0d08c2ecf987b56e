using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Reads the text Claude Code's <c>/cost</c> command prints. Liberal in what it accepts (ANSI colours, the
/// <c>&lt;local-command-stdout&gt;</c> wrapper, any spacing and letter case, thousands separators, k/m suffixes,
/// lines in any order, lines it does not know) and explicit about what it found: every figure it did not find is
/// listed in <see cref="ClaudeCodeFigures.Missing"/>. The shapes known (integrations/claude-code/statusline/README.md):
/// <code>
/// Total cost:            $0.0859
/// Total duration (API):  21.5s
/// Total duration (wall): 1m 10.3s
/// Total code changes:    12 lines added, 3 lines removed
/// Usage by model:
///        claude-sonnet:  5 input, 626 output, 15.7k cache read, 17.1k cache write ($0.0845)
/// </code>
/// and, for subscribers, "With your Claude Max subscription, no need to monitor cost — …" with no amount.
/// </summary>
public static partial class CostCommandOutput
{
    /// <summary>The figures /cost can print, by their <see cref="ClaudeCodeFigures"/> JSON names.</summary>
    private static readonly string[] Figures =
    [
        "cost_usd", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "api_duration_ms", "wall_duration_ms", "lines_added", "lines_removed",
    ];

    /// <summary>
    /// The figures in one /cost output; null when the text has none of the lines /cost is known to print.
    /// </summary>
    public static ClaudeCodeFigures? Parse(string text, string? location = null, DateTimeOffset? recordedAt = null, string? sessionId = null)
    {
        var plain = StripAnsi(Unwrap(text) ?? text);
        decimal? cost = null;
        long? apiMs = null, wallMs = null, added = null, removed = null;
        var models = new List<ClaudeCodeModelFigures>();
        var notes = new List<string>();
        var rounded = false;
        var recognized = false;
        var inModels = false;

        foreach (var raw in plain.ReplaceLineEndings("\n").Split('\n'))
        {
            // Terminal captures prefix the output with "⎿"; the transcript does not, but a pasted one may.
            var line = raw.Trim().TrimStart('⎿', '│').Trim();
            if (line.Length == 0) continue;
            Match m;
            if ((m = TotalCostLine().Match(line)).Success)
            {
                recognized = true;
                inModels = false;
                cost = ParseAmount(m.Groups["amount"].Value);
                var remark = m.Groups["rest"].Value.Trim().Trim('(', ')').Trim();
                if (remark.Length > 0) notes.Add(remark);
            }
            else if ((m = DurationLine().Match(line)).Success)
            {
                recognized = true;
                inModels = false;
                var ms = ParseDurationMs(m.Groups["value"].Value);
                if (m.Groups["kind"].Value.Equals("api", StringComparison.OrdinalIgnoreCase)) apiMs = ms; else wallMs = ms;
            }
            else if ((m = CodeChangesLine().Match(line)).Success)
            {
                recognized = true;
                inModels = false;
                added = ParseWhole(m.Groups["added"].Value);
                removed = ParseWhole(m.Groups["removed"].Value);
            }
            else if (UsageByModelLine().IsMatch(line))
            {
                recognized = true;
                inModels = true;
            }
            else if (SubscriptionLine().IsMatch(line))
            {
                recognized = true;
                inModels = false;
                notes.Add(line);
            }
            else if (inModels && (m = ModelRow().Match(line)).Success && ParseModelRow(m, ref rounded) is { } row)
            {
                models.Add(row);
            }
        }
        if (!recognized) return null;

        long? Sum(Func<ClaudeCodeModelFigures, long?> of) =>
            models.Any(r => of(r).HasValue) ? models.Sum(r => of(r) ?? 0) : null;

        var figures = new ClaudeCodeFigures
        {
            Source = ClaudeCodeFigureSources.CostCommand,
            SessionId = sessionId,
            CostUsd = cost,
            InputTokens = Sum(r => r.InputTokens),
            OutputTokens = Sum(r => r.OutputTokens),
            CacheReadTokens = Sum(r => r.CacheReadTokens),
            CacheWriteTokens = Sum(r => r.CacheWriteTokens),
            TokensRounded = rounded,
            ApiDurationMs = apiMs,
            WallDurationMs = wallMs,
            LinesAdded = added,
            LinesRemoved = removed,
            RecordedAt = recordedAt,
            Location = location,
            Models = models,
            Notes = notes,
        };
        return figures with { Missing = figures.Absent(Figures) };
    }

    /// <summary>The text between &lt;local-command-stdout&gt; and its end tag (or the end); null when there is no such tag.</summary>
    public static string? Unwrap(string content)
    {
        const string open = "<local-command-stdout>", close = "</local-command-stdout>";
        var start = content.IndexOf(open, StringComparison.Ordinal);
        if (start < 0) return null;
        start += open.Length;
        var end = content.IndexOf(close, start, StringComparison.Ordinal);
        return end < 0 ? content[start..] : content[start..end];
    }

    /// <summary>Removes terminal escape sequences (colours and other CSI, OSC links and titles, two-character escapes).</summary>
    public static string StripAnsi(string text) => text.Contains('\u001b') ? AnsiEscape().Replace(text, "") : text;

    /// <summary>"1d 2h 3m 4.5s", "21.5s", "41m 09s", "850ms" → milliseconds; null when no part is recognised.</summary>
    public static long? ParseDurationMs(string text)
    {
        decimal total = 0;
        var any = false;
        foreach (Match part in DurationPart().Matches(text))
        {
            if (!decimal.TryParse(part.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) continue;
            any = true;
            total += part.Groups["unit"].Value.ToLowerInvariant() switch
            {
                "d" => n * 86_400_000m,
                "h" => n * 3_600_000m,
                "m" => n * 60_000m,
                "s" => n * 1_000m,
                _ => n, // ms
            };
        }
        return any ? (long)decimal.Round(total, MidpointRounding.AwayFromZero) : null;
    }

    private static ClaudeCodeModelFigures? ParseModelRow(Match row, ref bool rounded)
    {
        long? input = null, output = null, cacheRead = null, cacheWrite = null, webSearches = null;
        var any = false;
        foreach (Match part in CountPart().Matches(row.Groups["parts"].Value))
        {
            if (!TryParseCount(part.Groups["n"].Value, part.Groups["suffix"].Value, out var value, out var isRounded)) continue;
            any = true;
            rounded |= isRounded;
            switch (string.Join(' ', part.Groups["kind"].Value.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            {
                case "input": input = (input ?? 0) + value; break;
                case "output": output = (output ?? 0) + value; break;
                case "cache read": cacheRead = (cacheRead ?? 0) + value; break;
                case "cache write": cacheWrite = (cacheWrite ?? 0) + value; break;
                default: webSearches = (webSearches ?? 0) + value; break;
            }
        }
        if (!any) return null;
        return new ClaudeCodeModelFigures
        {
            Model = row.Groups["name"].Value.Trim(),
            InputTokens = input,
            OutputTokens = output,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            WebSearchRequests = webSearches,
            CostUsd = row.Groups["cost"].Success ? ParseAmount(row.Groups["cost"].Value) : null,
        };
    }

    /// <summary>"1,234" → 1234 (exact); "15.7k" → 15700, "189.5m" → 189500000 (rounded).</summary>
    internal static bool TryParseCount(string number, string suffix, out long value, out bool rounded)
    {
        value = 0;
        rounded = suffix.Length > 0;
        if (!decimal.TryParse(number.Replace(",", ""), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
        n *= suffix.ToLowerInvariant() switch { "k" => 1_000m, "m" => 1_000_000m, "b" => 1_000_000_000m, _ => 1m };
        if (n > long.MaxValue) return false;
        value = (long)decimal.Round(n, MidpointRounding.AwayFromZero);
        return true;
    }

    private static decimal? ParseAmount(string text) =>
        decimal.TryParse(text.Replace("$", "").Replace(",", "").Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
            ? d : null;

    private static long? ParseWhole(string text) =>
        long.TryParse(text.Replace(",", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex(@"^total\s+cost\s*:\s*(?<amount>\$?\s*\d[\d,]*(?:\.\d+)?|\$?\s*\.\d+)(?<rest>.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TotalCostLine();

    [GeneratedRegex(@"^total\s+duration\s*\(\s*(?<kind>api|wall)\s*\)\s*:\s*(?<value>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationLine();

    [GeneratedRegex(@"^total\s+code\s+changes\s*:\s*(?<added>\d[\d,]*)\s+lines?\s+added\s*,\s*(?<removed>\d[\d,]*)\s+lines?\s+removed", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CodeChangesLine();

    [GeneratedRegex(@"^usage\s+by\s+model\s*:?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UsageByModelLine();

    [GeneratedRegex(@"subscription.*(no\s+need\s+to\s+monitor\s+cost|includes\s+claude\s+code\s+usage)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SubscriptionLine();

    // The name ends at the first colon followed by blanks and a digit (Bedrock ARNs hold colons of their own).
    [GeneratedRegex(@"^(?<name>.+?):\s+(?<parts>\d.*?)(?:\s*\(\s*(?<cost>\$\s*[\d,]*\.?\d+)\s*\))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelRow();

    [GeneratedRegex(@"(?<n>\d[\d,]*(?:\.\d+)?)\s*(?<suffix>[kmb]?)\s+(?<kind>input|output|cache\s+read|cache\s+write|web\s+search(?:es)?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CountPart();

    [GeneratedRegex(@"(?<n>\d+(?:\.\d+)?)\s*(?<unit>ms|d|h|m|s)(?![a-z])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])", RegexOptions.CultureInvariant)]
    private static partial Regex AnsiEscape();
}
