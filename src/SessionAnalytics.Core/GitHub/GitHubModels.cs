using System.Diagnostics.CodeAnalysis;
using SessionAnalytics.Core.Git;

namespace SessionAnalytics.Core.GitHub;

/// <summary>A repository as owner/name.</summary>
public sealed record RepositoryRef(string Owner, string Name)
{
    public string FullName => Owner + "/" + Name;

    public override string ToString() => FullName;

    /// <summary>"owner/name" (a trailing ".git" is allowed); also a repository's web or clone URL.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RepositoryRef? repository)
    {
        repository = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (GitRemote.TryParseUrl(text, out var remote, out _))
        {
            repository = new RepositoryRef(remote.Owner, remote.Name);
            return true;
        }
        var parts = text.Split('/');
        if (parts.Length != 2) return false;
        var name = parts[1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? parts[1][..^4] : parts[1];
        if (!IsValidSegment(parts[0]) || !IsValidSegment(name)) return false;
        repository = new RepositoryRef(parts[0], name);
        return true;
    }

    /// <summary>GitHub owner and repository names: letters, digits, '-', '_', '.'; not "." or "..".</summary>
    internal static bool IsValidSegment(string s) => RemoteRepository.IsValidSegment(s);
}

public enum GitHubTargetKind
{
    PullRequest,
    Issue,
}

/// <summary>A pull request or issue that session comments go to.</summary>
public sealed record GitHubTarget(RepositoryRef Repository, GitHubTargetKind Kind, int Number)
{
    /// <summary>The PR or issue page, when the API returned it.</summary>
    public string? HtmlUrl { get; init; }
    public string? Title { get; init; }
    /// <summary>"open", "closed" or "merged".</summary>
    public string? State { get; init; }

    /// <summary>The design's target_type: "pr" or "issue".</summary>
    public string TypeName => Kind == GitHubTargetKind.PullRequest ? "pr" : "issue";

    public override string ToString() => $"{(Kind == GitHubTargetKind.PullRequest ? "PR" : "issue")} #{Number} in {Repository}";
}

/// <summary>An issue or pull request comment as the API returned it.</summary>
/// <param name="AuthorAssociation">GitHub's <c>author_association</c>: the author's relation to the repository
/// (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, NONE, ...), upper case; null when not sent.</param>
public sealed record GitHubComment(long Id, string Body, string? AuthorLogin, string? HtmlUrl, DateTimeOffset CreatedAt, DateTimeOffset? UpdatedAt,
    string? AuthorAssociation = null)
{
    public override string ToString() => HtmlUrl ?? $"comment {Id}";
}

public sealed record GitHubPullRequest(int Number, string State, bool Merged, string? HeadRef, string? HeadLabel, string? HtmlUrl, string? Title);

public sealed record GitHubIssue(int Number, string State, bool IsPullRequest, string? HtmlUrl, string? Title);

/// <summary>How far a paged listing has come: pages read, pages in all (from the Link header's "last"), items so far.</summary>
public readonly record struct PageProgress(int Page, int TotalPages, int Items);
