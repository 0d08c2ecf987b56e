using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;

namespace SessionAnalytics.Core.Extraction;

/// <summary>
/// owner/pattern: the repositories of <see cref="Owner"/> whose names <see cref="Matches"/> (the cmdlet passes
/// PowerShell's wildcard matching, case-insensitive as GitHub names are). <see cref="Text"/> is what the user wrote.
/// </summary>
public sealed record RepositoryPattern(string Owner, string Text, Func<string, bool> Matches);

/// <summary>
/// Turns -Repository names and wildcard patterns into repositories: a pattern lists its owner's repositories through
/// the API (<see cref="GitHubApi.ListOwnerRepositoriesAsync"/>, all pages, once per owner) and keeps those whose name
/// matches, so only repositories the token can see are found. Exact names are kept as given (a name the token cannot
/// see fails at its search, with GitHub's error). The result has each repository once, in the order first named.
/// </summary>
public static class RepositorySelection
{
    public const string NoMatchErrorId = "GitHubRepositoryPatternMatchedNothing";

    public static async Task<IReadOnlyList<RepositoryRef>> ResolveAsync(GitHubApi api, IReadOnlyList<object> selection, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        var result = new List<RepositoryRef>();
        var listed = new Dictionary<string, IReadOnlyList<GitHubRepositorySummary>>(StringComparer.OrdinalIgnoreCase);
        void Add(RepositoryRef r)
        {
            if (!result.Any(x => string.Equals(x.FullName, r.FullName, StringComparison.OrdinalIgnoreCase))) result.Add(r);
        }
        foreach (var entry in selection)
        {
            switch (entry)
            {
                case RepositoryRef exact:
                    Add(exact);
                    break;
                case RepositoryPattern pattern:
                    if (!listed.TryGetValue(pattern.Owner, out var repositories))
                        listed[pattern.Owner] = repositories = await api.ListOwnerRepositoriesAsync(pattern.Owner, cancellation).ConfigureAwait(false);
                    var matches = repositories.Where(r => pattern.Matches(r.Repository.Name))
                        .OrderBy(r => r.Repository.Name, StringComparer.OrdinalIgnoreCase).ToList();
                    api.Diagnostics.Verbose($"-Repository {pattern.Text}: {matches.Count} of the {repositories.Count} repositories of {pattern.Owner} the token can see"
                                            + (matches.Count == 0 ? "." : ": " + string.Join(", ", matches.Select(m => m.Repository.Name)) + "."));
                    if (matches.Count == 0)
                        api.Diagnostics.Error(new EngineError(NoMatchErrorId, ErrorKind.ObjectNotFound,
                            $"-Repository {pattern.Text} matches none of the {repositories.Count} repositories of {pattern.Owner} the token can see.", pattern.Text)
                        {
                            RecommendedAction = "Check the pattern (wildcards apply to the name after the slash) and that the token may read the owner's repositories.",
                        });
                    foreach (var m in matches) Add(m.Repository);
                    break;
                default:
                    throw new ArgumentException($"Expected a RepositoryRef or a RepositoryPattern, got {entry?.GetType().Name ?? "null"}.", nameof(selection));
            }
        }
        return result;
    }
}
