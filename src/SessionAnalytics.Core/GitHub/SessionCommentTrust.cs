using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// Whose session comments count when comments are read back (the summary, extraction). Anyone who can comment on a
/// PR can copy a session's marker; only accounts trusted with the repository can be believed. By default a comment
/// counts when its author is the publishing account (the token's) or GitHub reports its <c>author_association</c> as
/// OWNER, MEMBER or COLLABORATOR. A list of logins (<c>-TrustedAuthor</c>) replaces that rule: then exactly those
/// authors count. Logins compare case-insensitively, as GitHub's do.
/// </summary>
public sealed class CommentTrustRule
{
    /// <summary>The associations that mean write access to the repository (or its organization).</summary>
    public static IReadOnlyList<string> TrustedAssociations { get; } = ["OWNER", "MEMBER", "COLLABORATOR"];

    private readonly HashSet<string>? _authors;

    private CommentTrustRule(HashSet<string>? authors) => _authors = authors;

    /// <summary>The publishing account and OWNER, MEMBER or COLLABORATOR authors.</summary>
    public static CommentTrustRule Default { get; } = new(null);

    /// <summary>Exactly <paramref name="trustedAuthors"/>; the default rule when null or empty.</summary>
    public static CommentTrustRule For(IEnumerable<string>? trustedAuthors)
    {
        var authors = trustedAuthors?.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return authors is { Count: > 0 } ? new CommentTrustRule(authors) : Default;
    }

    /// <summary>The logins that replace the default rule; null for the default rule.</summary>
    public IReadOnlyCollection<string>? Authors => _authors?.Order(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>True when deciding about <paramref name="comment"/> needs the publishing account's login (the association alone does not trust it).</summary>
    public bool NeedsPublisher(GitHubComment comment) => _authors is null && !IsTrustedAssociation(comment.AuthorAssociation);

    public bool Trusts(GitHubComment comment, string? publisher) =>
        comment.AuthorLogin is { } login && (_authors is not null
            ? _authors.Contains(login)
            : IsTrustedAssociation(comment.AuthorAssociation) || (publisher is not null && string.Equals(login, publisher, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Why <paramref name="comment"/> does not count, for the verbose stream and warnings.</summary>
    public string WhyNot(GitHubComment comment, string? publisher) => _authors is not null
        ? $"'{comment.AuthorLogin ?? "(unknown)"}' is not one of the trusted authors ({string.Join(", ", Authors!)})"
        : $"its author '{comment.AuthorLogin ?? "(unknown)"}' has author_association {comment.AuthorAssociation ?? "(none given)"}, not OWNER, MEMBER or COLLABORATOR"
          + (publisher is null ? "" : $", and is not the publishing account {publisher}");

    /// <summary>Who counts, as the summary's note says it.</summary>
    public string Describe(string? publisher) => _authors is not null
        ? "only comments by " + string.Join(", ", Authors!) + " count (-TrustedAuthor)"
        : "only comments by " + (publisher is null ? "" : publisher + " and by ") + "the repository's owners, members and collaborators count";

    private static bool IsTrustedAssociation(string? association) =>
        association is not null && TrustedAssociations.Contains(association, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Why a session comment does not count.</summary>
public enum SkippedCommentReason
{
    /// <summary>Its author is not trusted (<see cref="CommentTrustRule"/>).</summary>
    UntrustedAuthor,
    /// <summary>Its JSON is missing, does not parse, names another session, or holds figures outside <see cref="SessionFigureBounds"/>.</summary>
    Unreadable,
    /// <summary>Another trusted comment of the same session is fuller, or as full and older.</summary>
    Duplicate,
}

/// <summary>A session comment that counts, with the session it holds.</summary>
public sealed record CountedSessionComment(GitHubComment Comment, SessionStats Stats);

/// <summary>A session comment left out, and why.</summary>
public sealed record SkippedSessionComment(GitHubComment Comment, SkippedCommentReason Reason, string Detail, string? SessionId = null);

/// <summary>
/// The one reading of session comments that every reader uses (the summary of Publish-SessionComment and
/// Update-SessionSummary, Get-SessionAnalytics): of the comments that carry a session marker, those by trusted
/// authors (<see cref="CommentTrustRule"/>), readable and within <see cref="SessionFigureBounds"/>, one per session.
/// When several trusted comments hold one session, the fullest counts (<see cref="SessionFullness.CompareFullest"/>:
/// more messages, then tokens, tool calls, commits, minutes), and among equally full ones the oldest (creation time,
/// then id). End times and costs decide nothing: they are the easiest figures to forge upwards.
/// </summary>
public sealed class SessionCommentSelection
{
    private SessionCommentSelection(List<CountedSessionComment> counted, List<SkippedSessionComment> skipped)
    {
        Counted = counted;
        Skipped = skipped;
    }

    /// <summary>One comment per session, oldest comment first.</summary>
    public IReadOnlyList<CountedSessionComment> Counted { get; }
    public IReadOnlyList<SkippedSessionComment> Skipped { get; }
    public IReadOnlyList<SessionStats> Sessions => Counted.Select(c => c.Stats).ToList();
    public int Untrusted => Skipped.Count(s => s.Reason == SkippedCommentReason.UntrustedAuthor);
    public int Unreadable => Skipped.Count(s => s.Reason == SkippedCommentReason.Unreadable);
    public int Duplicates => Skipped.Count(s => s.Reason == SkippedCommentReason.Duplicate);

    /// <param name="publisher">The publishing account's login; may be null when no comment needs it (<see cref="CommentTrustRule.NeedsPublisher"/>).</param>
    public static SessionCommentSelection Select(IEnumerable<GitHubComment> comments, CommentTrustRule rule, string? publisher)
    {
        var skipped = new List<SkippedSessionComment>();
        var readable = new List<CountedSessionComment>();
        foreach (var comment in comments.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id))
        {
            if (!SessionCommentParser.IsSessionComment(comment.Body)) continue;
            if (!rule.Trusts(comment, publisher))
            {
                skipped.Add(new SkippedSessionComment(comment, SkippedCommentReason.UntrustedAuthor, rule.WhyNot(comment, publisher)));
                continue;
            }
            if (!SessionCommentParser.TryParse(comment.Body, out var stats, out var error))
            {
                skipped.Add(new SkippedSessionComment(comment, SkippedCommentReason.Unreadable, error));
                continue;
            }
            readable.Add(new CountedSessionComment(comment, stats));
        }

        var counted = new List<CountedSessionComment>();
        foreach (var copies in readable.GroupBy(r => r.Stats.SessionId, StringComparer.OrdinalIgnoreCase))
        {
            // OrderBy is stable: among equally full copies the oldest (first in comment order) stays first.
            var ranked = copies.OrderBy(c => c.Stats, Comparer<SessionStats>.Create(SessionFullness.CompareFullest)).ToList();
            counted.Add(ranked[0]);
            foreach (var other in ranked.Skip(1))
                skipped.Add(new SkippedSessionComment(other.Comment, SkippedCommentReason.Duplicate,
                    $"session {other.Stats.SessionId} is also in {ranked[0].Comment}, which is fuller or as full and older and counts instead", other.Stats.SessionId));
        }
        return new SessionCommentSelection(counted.OrderBy(c => c.Comment.CreatedAt).ThenBy(c => c.Comment.Id).ToList(), skipped);
    }

    /// <summary>The summary's sentences about what was not counted (duplicates are not news: every copy is the same session).</summary>
    public IReadOnlyList<string> Notes(CommentTrustRule rule, string? publisher)
    {
        var notes = new List<string>();
        if (Untrusted > 0)
            notes.Add($"{Untrusted} session {(Untrusted == 1 ? "comment by another author was" : "comments by other authors were")} not counted: {rule.Describe(publisher)}.");
        if (Unreadable > 0)
            notes.Add($"{Unreadable} session {(Unreadable == 1 ? "comment" : "comments")} could not be read (damaged JSON or impossible figures) and {(Unreadable == 1 ? "was" : "were")} not counted.");
        return notes;
    }
}
