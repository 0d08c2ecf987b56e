using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.GitHub;

public sealed class SessionCommentPublisherOptions
{
    /// <summary>The login to assume when the token may not read GET /user (GitHub Actions: github-actions[bot]).</summary>
    public string? IntegrationLogin { get; init; }

    /// <summary>Replace the existing comment even when it holds more data than the new rendering.</summary>
    public bool Force { get; init; }

    /// <summary>Tries to create the comment when GitHub fails without saying whether it was created.</summary>
    public int MaxCreateAttempts { get; init; } = 3;
}

/// <summary>
/// Posts one session's comment idempotently (design, "Reliability Guarantees" 3 and 4). Among the target's comments
/// (all pages) it looks for this session's marker <c>&lt;!-- SESSION:&lt;short id&gt; --&gt;</c>, written by the
/// authenticated account (others' comments are never edited), whose JSON names the same full session id; then:
/// <list type="bullet">
/// <item>none: create it;</item>
/// <item>same body: leave it (<see cref="CommentAction.Unchanged"/>);</item>
/// <item>the existing JSON has more data (messages, tokens, tool calls, commits, minutes) than the new rendering,
/// as when a transcript was truncated: leave it and warn (<see cref="CommentAction.KeptExisting"/>), unless Force;</item>
/// <item>otherwise update it; older duplicates of the same session by the same account are deleted.</item>
/// </list>
/// A create whose answer was lost (5xx, timeout) is never repeated blindly: the comments are read again first, so the
/// comment is not posted twice.
/// </summary>
public sealed class SessionCommentPublisher(GitHubApi api, SessionCommentPublisherOptions? options = null)
{
    public const string KeptExistingWarningId = "SessionCommentHasMoreData";

    private readonly SessionCommentPublisherOptions _options = options ?? new SessionCommentPublisherOptions();
    private readonly IDiagnostics _diagnostics = api.Diagnostics;

    /// <param name="body">The rendered comment (SessionCommentRenderer) for <paramref name="stats"/> on <paramref name="target"/>.</param>
    public async Task<SessionCommentResult> PublishAsync(GitHubTarget target, SessionStats stats, string body, CancellationToken cancellation = default)
    {
        var login = await api.GetAuthenticatedLoginAsync(_options.IntegrationLogin, cancellation).ConfigureAwait(false);
        for (int attempt = 1; ; attempt++)
        {
            var comments = await CommentListing.ListAsync(api, target, cancellation).ConfigureAwait(false);
            var own = FindOwn(comments, stats.SessionId, login, target);
            if (own.Count == 0)
            {
                try
                {
                    var created = await api.CreateCommentAsync(target.Repository, target.Number, body, cancellation).ConfigureAwait(false);
                    _diagnostics.Verbose($"Session {stats.SessionIdShort}: created comment {created.HtmlUrl} on {target}.");
                    return Result(target, stats, CommentAction.Created, created, body.Length, 0);
                }
                catch (EngineException e) when (IsLostAnswer(e) && attempt < _options.MaxCreateAttempts)
                {
                    _diagnostics.Verbose($"Session {stats.SessionIdShort}: creating the comment failed ({e.Error.Message}); reading the comments again before another try, so it is not posted twice.");
                    continue;
                }
            }

            var keep = own[0];
            var result = await Reconcile(target, stats, body, keep, cancellation).ConfigureAwait(false);
            int removed = 0;
            foreach (var duplicate in own.Skip(1))
            {
                if (await api.DeleteCommentAsync(target.Repository, duplicate.Comment.Id, cancellation).ConfigureAwait(false))
                {
                    removed++;
                    _diagnostics.Verbose($"Session {stats.SessionIdShort}: deleted the duplicate comment {duplicate.Comment}; {keep.Comment} is kept.");
                }
            }
            return Result(target, stats, result.Action, result.Comment, result.Length, removed);
        }
    }

    private async Task<(CommentAction Action, GitHubComment Comment, int Length)> Reconcile(
        GitHubTarget target, SessionStats stats, string body, OwnComment existing, CancellationToken cancellation)
    {
        if (SameBody(existing.Comment.Body, body))
        {
            _diagnostics.Verbose($"Session {stats.SessionIdShort}: comment {existing.Comment} is up to date; nothing written.");
            return (CommentAction.Unchanged, existing.Comment, existing.Comment.Body.Length);
        }
        if (existing.Stats is not null && !_options.Force && LessDataThan(existing.Stats, stats) is { } lost)
        {
            _diagnostics.Warning($"Session {stats.SessionIdShort}: the comment {existing.Comment} holds more data than this run ({lost}); it is kept as it is. " +
                                 "This happens when the transcript was truncated or only part of it is available here. Use -Force to replace it anyway.");
            return (CommentAction.KeptExisting, existing.Comment, body.Length);
        }
        var updated = await api.UpdateCommentAsync(target.Repository, existing.Comment.Id, body, cancellation).ConfigureAwait(false);
        _diagnostics.Verbose($"Session {stats.SessionIdShort}: updated comment {updated.HtmlUrl ?? existing.Comment.HtmlUrl}.");
        return (CommentAction.Updated, updated with { HtmlUrl = updated.HtmlUrl ?? existing.Comment.HtmlUrl }, body.Length);
    }

    /// <summary>
    /// This session's comments that the account can edit, oldest first: confirmed ones (JSON names the session),
    /// else one whose JSON is damaged (replacing it loses nothing readable).
    /// </summary>
    private List<OwnComment> FindOwn(IReadOnlyList<GitHubComment> comments, string sessionId, string login, GitHubTarget target)
    {
        var markerId = CommentMarkers.MarkerId(sessionId);
        var confirmed = new List<OwnComment>();
        OwnComment? damaged = null;
        foreach (var comment in comments.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id))
        {
            if (SessionCommentParser.GetMarkerShortId(comment.Body) != markerId) continue;
            if (!SameLogin(comment.AuthorLogin, login))
            {
                _diagnostics.Verbose($"Comment {comment} by {comment.AuthorLogin ?? "an unknown user"} carries the marker of session {markerId} but belongs to another account; it is left alone.");
                continue;
            }
            if (SessionCommentParser.TryParse(comment.Body, out var existing, out var error))
            {
                if (existing.SessionId == sessionId) confirmed.Add(new OwnComment(comment, existing));
                else _diagnostics.Verbose($"Comment {comment} is for session {existing.SessionId}, which shares the short id {markerId}; it is left alone.");
            }
            else if (damaged is null)
            {
                _diagnostics.Warning($"Comment {comment} on {target} carries the marker of session {markerId} but cannot be read ({error}); it is replaced.");
                damaged = new OwnComment(comment, null);
            }
        }
        if (confirmed.Count == 0 && damaged is not null) confirmed.Add(damaged);
        return confirmed;
    }

    /// <summary>What the existing comment has more of, or null when the new rendering has at least as much of everything.</summary>
    internal static string? LessDataThan(SessionStats existing, SessionStats next)
    {
        var less = new List<string>();
        void Check(string what, long had, long now)
        {
            if (now < had) less.Add($"{what} {now:N0} < {had:N0}");
        }
        Check("messages", existing.MessageCount, next.MessageCount);
        Check("tokens", existing.TotalTokens, next.TotalTokens);
        Check("tool calls", existing.ToolCallCount, next.ToolCallCount);
        Check("commits", existing.CommitCount, next.CommitCount);
        Check("minutes", existing.DurationMinutes, next.DurationMinutes);
        return less.Count == 0 ? null : string.Join(", ", less);
    }

    internal static bool SameBody(string a, string b) => Normalize(a) == Normalize(b);

    /// <summary>GitHub may hand a body back with CRLF line ends or without the final newline.</summary>
    private static string Normalize(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();

    internal static bool SameLogin(string? a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>Failures after which GitHub may or may not have done the work.</summary>
    internal static bool IsLostAnswer(EngineException e) => e.Error.ErrorId is GitHubErrors.ServerError or GitHubErrors.Timeout;

    private static SessionCommentResult Result(GitHubTarget target, SessionStats stats, CommentAction action, GitHubComment comment, int length, int removed) => new()
    {
        Repository = target.Repository.FullName,
        Number = target.Number,
        TargetType = target.TypeName,
        SessionId = stats.SessionId,
        Action = action,
        CommentId = comment.Id,
        Url = comment.HtmlUrl,
        Length = length,
        DuplicatesRemoved = removed,
    };

    private sealed record OwnComment(GitHubComment Comment, SessionStats? Stats);
}

/// <summary>Reads all comments of a target with progress ("page 2 of 3").</summary>
internal static class CommentListing
{
    public static Task<IReadOnlyList<GitHubComment>> ListAsync(GitHubApi api, GitHubTarget target, CancellationToken cancellation)
    {
        var activity = $"Reading the comments of {target}";
        return api.ListIssueCommentsAsync(target.Repository, target.Number,
            p => api.Diagnostics.Progress(activity, $"Page {p.Page} of {p.TotalPages} ({p.Items:N0} comments)", p.Page * 100 / Math.Max(p.TotalPages, 1)),
            cancellation);
    }
}
