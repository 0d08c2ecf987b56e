using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SessionAnalytics.PowerShell.Completion;

/// <summary>What every completer of the module shares: matching what was typed, quoting, and the session's location.</summary>
internal static class CompletionText
{
    private static readonly char[] NeedsQuotes = [' ', '\t', '$', '`', '\'', '"', ';', '(', ')', '{', '}', '@', '#', ',', '&', '|', '<', '>'];

    /// <summary>The typed word without its opening quote, and that quote (or null).</summary>
    public static (string Word, char? Quote) Unquote(string? wordToComplete)
    {
        var word = wordToComplete ?? "";
        if (word.Length > 0 && word[0] is '\'' or '"')
        {
            var quote = word[0];
            word = word[1..];
            if (word.Length > 0 && word[^1] == quote) word = word[..^1];
            return (word, quote);
        }
        return (word, null);
    }

    /// <summary>Values starting with the typed word (case-insensitive); a word with wildcards is used as a pattern.</summary>
    public static Func<string, bool> Matcher(string word) =>
        new WildcardPattern(WildcardPattern.ContainsWildcardCharacters(word) ? word : WildcardPattern.Escape(word) + "*", WildcardOptions.IgnoreCase).IsMatch;

    /// <summary>The text to insert: quoted like the user started it, or single-quoted when PowerShell would misread it.</summary>
    public static string Quote(string value, char? quote)
    {
        if (quote == '"') return "\"" + value.Replace("`", "``").Replace("\"", "`\"").Replace("$", "`$") + "\"";
        if (quote == '\'' || value.IndexOfAny(NeedsQuotes) >= 0) return "'" + value.Replace("'", "''") + "'";
        return value;
    }

    public static CompletionResult Result(string value, char? quote, string listItem, string toolTip) =>
        new(Quote(value, quote), listItem, CompletionResultType.ParameterValue, string.IsNullOrEmpty(toolTip) ? value : toolTip);

    /// <summary>The strings already bound to a parameter on the command line being completed (string or array).</summary>
    public static IReadOnlyList<string> Bound(IDictionary? fakeBoundParameters, string name)
    {
        if (fakeBoundParameters is null || !fakeBoundParameters.Contains(name)) return [];
        var value = fakeBoundParameters[name];
        if (value is PSObject ps) value = ps.BaseObject;
        return value switch
        {
            null => [],
            string s => [s],
            IEnumerable e => e.Cast<object?>().Select(o => o is PSObject p ? p.BaseObject : o).OfType<string>().ToList(),
            _ => [value.ToString() ?? ""],
        };
    }

    /// <summary>
    /// Runs a small script in the session the completion happens in (completers run on its pipeline thread), so
    /// paths resolve against the user's current location rather than the process's working directory.
    /// </summary>
    public static IReadOnlyList<string> InSession(string script, params object[] args)
    {
        if (Runspace.DefaultRunspace is null) return [];
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddScript(script);
        foreach (var a in args) ps.AddArgument(a);
        return ps.Invoke().Where(o => o is not null).Select(o => o.BaseObject.ToString() ?? "").ToList();
    }

    public static string CurrentDirectory() =>
        InSession("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").FirstOrDefault() ?? Directory.GetCurrentDirectory();
}
