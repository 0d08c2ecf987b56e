using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SessionAnalytics.PowerShell.Completion;

/// <summary>
/// Completes -Project with the projects local sessions belong to. -Project matches a project's name (the last
/// folder of its directory) or its full directory, so the name is offered, or the directory when two projects share
/// a name; typing a path completes full directories.
/// </summary>
public sealed class ProjectCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var (word, quote) = CompletionText.Unquote(wordToComplete);
        var matches = CompletionText.Matcher(word);
        var typingPath = word.Contains('/') || word.Contains('\\');
        try
        {
            var projects = LocalSessions.For(fakeBoundParameters, "Project")
                .GroupBy(s => s.Cwd ?? s.ProjectDirectory, StringComparer.Ordinal)
                .Select(g => (Directory: g.Key, Name: g.First().Project ?? g.Key, Count: g.Count(), Last: g.Max(s => s.LastActivity)))
                .ToList();
            var sharedNames = projects.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            return projects
                .Select(p => (p.Directory, p.Name, p.Count, p.Last, Text: typingPath || sharedNames.Contains(p.Name) ? p.Directory : p.Name))
                .Where(p => matches(p.Text) || (!typingPath && matches(p.Name)))
                .OrderByDescending(p => p.Last).ThenBy(p => p.Text, StringComparer.Ordinal)
                .Select(p => CompletionText.Result(p.Text, quote, p.Name,
                    $"{p.Directory}: {p.Count} session{(p.Count == 1 ? "" : "s")}, last active {p.Last?.LocalDateTime:yyyy-MM-dd HH:mm}"))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PSInvalidOperationException) { return []; }
    }
}
