using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SessionAnalytics.PowerShell.Completion;

/// <summary>Completes -Branch with the branches local sessions ran on, the most recently active first.</summary>
public sealed class BranchCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var (word, quote) = CompletionText.Unquote(wordToComplete);
        var matches = CompletionText.Matcher(word);
        try
        {
            return LocalSessions.For(fakeBoundParameters, "Branch")
                .SelectMany(s => s.Branches.Select(b => (Branch: b, Session: s)))
                .Where(x => matches(x.Branch))
                .GroupBy(x => x.Branch, StringComparer.Ordinal)
                .Select(g => (g.Key, Count: g.Select(x => x.Session.Id).Distinct().Count(), Last: g.Max(x => x.Session.LastActivity)))
                .OrderByDescending(b => b.Last).ThenBy(b => b.Key, StringComparer.Ordinal)
                .Select(b => CompletionText.Result(b.Key, quote, b.Key,
                    $"{b.Key}: {b.Count} session{(b.Count == 1 ? "" : "s")}, last active {b.Last?.LocalDateTime:yyyy-MM-dd HH:mm}"))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PSInvalidOperationException) { return []; }
    }
}
