using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SessionAnalytics.PowerShell.Completion;

/// <summary>Completes -Id with local session ids, the most recently active first; the list shows id, branch and time.</summary>
public sealed class SessionIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var (word, quote) = CompletionText.Unquote(wordToComplete);
        var matches = CompletionText.Matcher(word);
        try
        {
            return LocalSessions.For(fakeBoundParameters, "Id")
                .Where(s => matches(s.Id))
                .OrderByDescending(s => s.LastActivity).ThenBy(s => s.Id, StringComparer.Ordinal)
                .Select(s => CompletionText.Result(s.Id, quote,
                    $"{s.ShortId} {s.Branch ?? "-"} {s.LastActivity?.LocalDateTime:yyyy-MM-dd HH:mm}",
                    $"{s.Id}\n{s.Project ?? s.ProjectDirectory} on {s.Branch ?? "no branch"}\n{s.FirstActivity?.LocalDateTime:yyyy-MM-dd HH:mm} – {s.LastActivity?.LocalDateTime:yyyy-MM-dd HH:mm}"))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PSInvalidOperationException) { return []; }
    }
}
