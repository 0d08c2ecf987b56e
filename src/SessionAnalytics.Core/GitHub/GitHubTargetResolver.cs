using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// Where a comment should go, as far as it can be known without the network: an explicit number, the PR or issue
/// of the GitHub Actions event, or "the open PR whose head is this branch" (looked up later).
/// </summary>
public sealed record GitHubTargetRequest
{
    public required RepositoryRef Repository { get; init; }
    public GitHubTargetKind? Kind { get; init; }
    public int? Number { get; init; }
    /// <summary>Set when the PR must be found by its head branch.</summary>
    public string? Branch { get; init; }
    /// <summary>Where the target came from: "-Pr", "-Issue", "the GitHub Actions event", "branch".</summary>
    public required string Source { get; init; }

    public override string ToString() => Number is int n
        ? $"{(Kind == GitHubTargetKind.Issue ? "issue" : "PR")} #{n} in {Repository}"
        : $"the open PR of branch '{Branch}' in {Repository}";
}

/// <summary>
/// Picks the PR or issue: explicit <c>-Pr</c>/<c>-Issue</c>; else the target the session's stats already name (stats
/// read back from a comment); else, in GitHub Actions, the PR or issue of the event
/// (<c>GITHUB_EVENT_PATH</c>: pull_request.number, or issue.number, which is a PR when the issue has a
/// pull_request member); else the open PR whose head is the session's branch. The first two need no network.
/// </summary>
public sealed class GitHubTargetResolver(Func<string, string?>? environment = null, IDiagnostics? diagnostics = null)
{
    public const string NotFoundErrorId = "GitHubTargetNotFound";
    public const string UnknownErrorId = "GitHubTargetUnknown";

    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly IDiagnostics _diagnostics = diagnostics ?? NullDiagnostics.Instance;

    /// <param name="recordedType">The stats' own target type ("pr"/"issue"), if any.</param>
    /// <param name="recordedNumber">The stats' own target number, if any.</param>
    public GitHubTargetRequest Describe(RepositoryRef repository, GitHubTargetKind? kind, int? number, string? branch,
        string? recordedType = null, int? recordedNumber = null)
    {
        if (number is int n)
            return new GitHubTargetRequest { Repository = repository, Kind = kind ?? GitHubTargetKind.PullRequest, Number = n, Source = kind == GitHubTargetKind.Issue ? "-Issue" : "-Pr" };
        if (recordedNumber is int recorded && recordedType is "pr" or "issue")
            return new GitHubTargetRequest
            {
                Repository = repository, Kind = recordedType == "issue" ? GitHubTargetKind.Issue : GitHubTargetKind.PullRequest,
                Number = recorded, Source = "the session's recorded target",
            };
        if (ReadActionsEvent(repository) is { } fromEvent) return fromEvent;
        if (!string.IsNullOrWhiteSpace(branch))
            return new GitHubTargetRequest { Repository = repository, Kind = GitHubTargetKind.PullRequest, Branch = branch, Source = "branch" };
        throw new EngineException(new EngineError(UnknownErrorId, ErrorKind.ObjectNotFound,
            "Cannot tell which PR or issue to comment on: no -Pr or -Issue, no GitHub Actions event with a PR or issue, and the session has no branch.")
        {
            RecommendedAction = "Pass -Pr <number> or -Issue <number>.",
        });
    }

    /// <summary>Checks the target exists (and reads its state and URL), or finds the open PR of the branch.</summary>
    public async Task<GitHubTarget> ResolveAsync(GitHubTargetRequest request, GitHubApi api, CancellationToken cancellation = default)
    {
        var repo = request.Repository;
        if (request.Number is int number)
        {
            if (request.Kind == GitHubTargetKind.Issue)
            {
                var issue = await api.GetIssueAsync(repo, number, cancellation).ConfigureAwait(false);
                if (issue.IsPullRequest)
                    _diagnostics.Verbose($"#{number} in {repo} is a pull request; -Issue comments on it all the same (PRs are issues on GitHub).");
                return new GitHubTarget(repo, GitHubTargetKind.Issue, number) { HtmlUrl = issue.HtmlUrl, Title = issue.Title, State = issue.State };
            }
            try
            {
                var pr = await api.GetPullRequestAsync(repo, number, cancellation).ConfigureAwait(false);
                return new GitHubTarget(repo, GitHubTargetKind.PullRequest, number) { HtmlUrl = pr.HtmlUrl, Title = pr.Title, State = pr.State };
            }
            catch (EngineException e) when (e.Error.ErrorId == GitHubErrors.NotFound)
            {
                throw new EngineException(new EngineError(NotFoundErrorId, ErrorKind.ObjectNotFound,
                    $"PR #{number} was not found in {repo} (404){(request.Source == "-Pr" ? "" : $"; it came from {request.Source}")}.", $"{repo}#{number}", e)
                {
                    RecommendedAction = "Check the number and -Repository; use -Issue for an issue; a private repository answers 404 when the token cannot see it.",
                });
            }
        }

        var pulls = await api.FindOpenPullRequestsAsync(repo, repo.Owner, request.Branch!, cancellation).ConfigureAwait(false);
        if (pulls.Count == 0)
            throw new EngineException(new EngineError(NotFoundErrorId, ErrorKind.ObjectNotFound,
                $"No open pull request in {repo} has the head branch '{request.Branch}'.", request.Branch)
            {
                RecommendedAction = "Open the PR first, or pass -Pr <number> or -Issue <number>.",
            });
        var chosen = pulls[0];
        if (pulls.Count > 1)
            _diagnostics.Warning($"{pulls.Count} open PRs in {repo} have the head branch '{request.Branch}' (#{string.Join(", #", pulls.Select(p => p.Number))}); using the newest, #{chosen.Number}. Pass -Pr to choose.");
        else
            _diagnostics.Verbose($"Branch '{request.Branch}' is the head of PR #{chosen.Number} in {repo}.");
        return new GitHubTarget(repo, GitHubTargetKind.PullRequest, chosen.Number) { HtmlUrl = chosen.HtmlUrl, Title = chosen.Title, State = chosen.State };
    }

    /// <summary>The PR or issue of the GitHub Actions event, when there is one and it belongs to <paramref name="repository"/>.</summary>
    internal GitHubTargetRequest? ReadActionsEvent(RepositoryRef repository)
    {
        var path = _environment("GITHUB_EVENT_PATH");
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var eventName = _environment("GITHUB_EVENT_NAME") ?? "event";
            if (root.TryGetProperty("repository", out var r) && r.ValueKind == JsonValueKind.Object
                && r.TryGetProperty("full_name", out var fn) && fn.ValueKind == JsonValueKind.String
                && !string.Equals(fn.GetString(), repository.FullName, StringComparison.OrdinalIgnoreCase))
            {
                _diagnostics.Verbose($"The GitHub Actions event is for {fn.GetString()}, not {repository}; its PR/issue is not used.");
                return null;
            }
            if (Number(root, "pull_request") is int pr)
                return new GitHubTargetRequest { Repository = repository, Kind = GitHubTargetKind.PullRequest, Number = pr, Source = $"the GitHub Actions {eventName} event" };
            if (Number(root, "issue") is int issue)
            {
                var isPr = root.GetProperty("issue").TryGetProperty("pull_request", out var p) && p.ValueKind == JsonValueKind.Object;
                return new GitHubTargetRequest { Repository = repository, Kind = isPr ? GitHubTargetKind.PullRequest : GitHubTargetKind.Issue, Number = issue, Source = $"the GitHub Actions {eventName} event" };
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            _diagnostics.Warning($"Could not read the GitHub Actions event file {path}: {e.Message}");
            return null;
        }
    }

    private static int? Number(JsonElement root, string member) =>
        root.TryGetProperty(member, out var o) && o.ValueKind == JsonValueKind.Object
        && o.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var value)
            ? value : null;
}
