using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Git;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// Which repository comments go to: the explicit <c>-Repository owner/name</c>, else <c>GITHUB_REPOSITORY</c>
/// (set in GitHub Actions), else the <c>origin</c> remote of the session's working directory, else of the current
/// directory. Reads only local files and the environment: no network, so -WhatIf can show the repository.
/// </summary>
public sealed class RepositoryResolver(Func<string, string?>? environment = null, IDiagnostics? diagnostics = null)
{
    public const string NotFoundErrorId = "GitHubRepositoryNotFound";
    public const string InvalidErrorId = "GitHubRepositoryInvalid";

    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly IDiagnostics _diagnostics = diagnostics ?? NullDiagnostics.Instance;

    public RepositoryRef Resolve(string? explicitRepository, string? sessionDirectory, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitRepository))
        {
            if (RepositoryRef.TryParse(explicitRepository, out var given)) return given;
            throw new EngineException(new EngineError(InvalidErrorId, ErrorKind.InvalidArgument,
                $"-Repository '{explicitRepository}' is not a GitHub repository; expected owner/name, e.g. octo-org/widget.", explicitRepository));
        }

        var fromEnvironment = _environment("GITHUB_REPOSITORY");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (RepositoryRef.TryParse(fromEnvironment, out var env))
            {
                _diagnostics.Verbose($"Repository {env} from GITHUB_REPOSITORY.");
                return env;
            }
            _diagnostics.Warning($"GITHUB_REPOSITORY '{fromEnvironment}' is not owner/name; it is ignored.");
        }

        var tried = new List<string>();
        foreach (var directory in new[] { sessionDirectory, currentDirectory }.Where(d => !string.IsNullOrWhiteSpace(d)).Distinct())
        {
            if (!Directory.Exists(directory))
            {
                tried.Add($"{directory} (does not exist here)");
                continue;
            }
            var url = GitRemote.FindRemoteUrl(directory!);
            if (url is null)
            {
                tried.Add($"{directory} (no git repository with an origin remote)");
                continue;
            }
            if (GitRemote.TryParseUrl(url, out var repo, out var host))
            {
                _diagnostics.Verbose($"Repository {repo} from the origin remote of {directory} (host {host}).");
                return new RepositoryRef(repo.Owner, repo.Name);
            }
            tried.Add($"{directory} (origin '{url}' is not a GitHub URL)");
        }

        throw new EngineException(new EngineError(NotFoundErrorId, ErrorKind.ObjectNotFound,
            "Could not tell which GitHub repository to use: no -Repository, no GITHUB_REPOSITORY, and no usable origin remote in "
            + (tried.Count == 0 ? "any directory" : string.Join("; ", tried)) + ".")
        {
            RecommendedAction = "Pass -Repository owner/name, or run from a clone whose origin remote is on GitHub.",
        });
    }
}
