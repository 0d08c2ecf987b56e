using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SessionAnalytics.Core.Git;
using SessionAnalytics.Core.GitHub;

namespace SessionAnalytics.PowerShell.Completion;

/// <summary>
/// Completes -Repository with owner/name from the git remotes of the current directory's repository (origin first)
/// and GITHUB_REPOSITORY. Reads the git configuration like the cmdlets do (no git process, no network). Tooltips
/// show the remote's URL without credentials.
/// </summary>
public sealed class RepositoryCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var (word, quote) = CompletionText.Unquote(wordToComplete);
        var matches = CompletionText.Matcher(word);
        var candidates = new List<(string Repository, string Source)>();
        try
        {
            if (Environment.GetEnvironmentVariable("GITHUB_REPOSITORY") is { Length: > 0 } fromEnvironment && RepositoryRef.TryParse(fromEnvironment, out var env))
                candidates.Add((env.ToString(), "GITHUB_REPOSITORY"));
            if (GitRemote.FindConfigFile(CompletionText.CurrentDirectory()) is { } config)
            {
                foreach (var (remote, url) in GitRemote.ReadRemotes(File.ReadAllLines(config)).OrderBy(r => r.Remote == "origin" ? 0 : 1))
                    if (GitRemote.TryParseUrl(url, out var repository, out _))
                        candidates.Add((repository.ToString(), $"{remote}: {WithoutCredentials(url)}"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PSInvalidOperationException) { }

        return candidates
            .GroupBy(c => c.Repository, StringComparer.OrdinalIgnoreCase)
            .Where(g => matches(g.Key))
            .Select(g => CompletionText.Result(g.Key, quote, g.Key, string.Join("\n", g.Select(c => c.Source))))
            .ToList();
    }

    /// <summary>https://user:token@host/... → https://host/...: a tooltip must never show a secret.</summary>
    private static string WithoutCredentials(string url) =>
        url.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : url;
}
