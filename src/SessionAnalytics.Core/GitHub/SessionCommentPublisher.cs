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

    /// <summary>
    /// Writes whose answer may be lost (5xx, timeout, dropped connection) before the session fails: each is followed
    /// by a fresh read, which finds a comment that was created after all.
    /// </summary>
    public int MaxLostAnswers { get; init; } = 3;

    /// <summary>Read-reconcile-write rounds before giving up on concurrent publishers of the same session.</summary>
    public int MaxRounds { get; init; } = 10;

    /// <summary>The pause before re-reading after a write: a little random, so publishers started together drift apart.</summary>
    public Func<int, CancellationToken, Task> PauseBetweenRounds { get; init; } =
        (round, cancellation) => Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 40 + 20 * Math.Min(round, 5))), cancellation);
}

/// <summary>
/// Posts one session's comment idempotently (design, "Reliability Guarantees" 3 and 4), and converges when several
/// publishers post the same session at once (separate hooks, CI jobs). Among the target's comments (all pages) it looks
/// for this session's marker <c>&lt;!-- SESSION:&lt;short id&gt; --&gt;</c>, written by the authenticated account
/// (others' comments are never edited or deleted), whose JSON names the same full session id. Then, round by round:
/// <list type="number">
/// <item>none: create it, and read again (another publisher may have created one at the same moment);</item>
/// <item>one or more: the survivor is the one with the lowest id (the first created, which every publisher agrees on).
/// It must hold the fullest measurement: this rendering, unless a copy holds more data (messages, tokens, tool calls,
/// commits, minutes; as when this transcript was truncated), then that copy's body (<see cref="CommentAction.KeptExisting"/>,
/// with a warning; <c>Force</c> writes this rendering anyway). The survivor is updated if its body differs, and only
/// then are the other copies deleted;</item>
/// <item>if anything was written, pause a little and read again; done when a read shows one copy holding what it should.</item>
/// </list>
/// A write whose answer was lost (5xx, timeout, dropped connection) is never repeated blindly: the next round's read
/// shows whether it happened, so a comment is not posted twice.
/// </summary>
public sealed class SessionCommentPublisher(GitHubApi api, SessionCommentPublisherOptions? options = null)
{
    public const string KeptExistingWarningId = "SessionCommentHasMoreData";
    public const string NotConvergedErrorId = "SessionCommentNotConverged";

    private readonly SessionCommentPublisherOptions _options = options ?? new SessionCommentPublisherOptions();
    private readonly IDiagnostics _diagnostics = api.Diagnostics;

    /// <param name="body">The rendered comment (SessionCommentRenderer) for <paramref name="stats"/> on <paramref name="target"/>.</param>
    public async Task<SessionCommentResult> PublishAsync(GitHubTarget target, SessionStats stats, string body, CancellationToken cancellation = default)
    {
        var login = await api.GetAuthenticatedLoginAsync(_options.IntegrationLogin, cancellation).ConfigureAwait(false);
        var run = new Run(stats, body);
        for (int round = 1; round <= _options.MaxRounds; round++)
        {
            var comments = await CommentListing.ListAsync(api, target, cancellation).ConfigureAwait(false);
            var own = FindOwn(comments, stats.SessionId, login, target);
            bool wrote;
            try
            {
                wrote = own.Count == 0
                    ? await Create(target, run, round, cancellation).ConfigureAwait(false)
                    : await Reconcile(target, run, own, round, cancellation).ConfigureAwait(false);
            }
            catch (EngineException e) when (IsLostAnswer(e) && ++run.LostAnswers < _options.MaxLostAnswers)
            {
                _diagnostics.Verbose($"Session {stats.SessionIdShort}: a write got no answer ({e.Error.ErrorId}: {e.Error.Message}); reading the comments again " +
                                     "to see whether it happened, so nothing is posted twice.");
                continue;
            }
            if (!wrote) return Result(target, run, own[0].Comment);
            if (round < _options.MaxRounds) await _options.PauseBetweenRounds(round, cancellation).ConfigureAwait(false);
        }

        var last = FindOwn(await CommentListing.ListAsync(api, target, cancellation).ConfigureAwait(false), stats.SessionId, login, target);
        _diagnostics.Warning($"Session {stats.SessionIdShort}: its comment on {target} was rewritten {_options.MaxRounds} times while other publishers kept changing it; " +
                             "publish the session again when they are done.");
        if (last.Count == 0)
            throw new EngineException(new EngineError(NotConvergedErrorId, ErrorKind.InvalidOperation,
                $"Session {stats.SessionIdShort}: its comment on {target} kept disappearing while it was being published.", target.ToString()));
        return Result(target, run, last[0].Comment);
    }

    /// <summary>What this call did so far, across rounds.</summary>
    private sealed class Run(SessionStats stats, string body)
    {
        public SessionStats Stats { get; } = stats;
        public string Body { get; } = body;
        public long? CreatedId { get; set; }
        /// <summary>A create or an update with this rendering was sent (its answer may have been lost).</summary>
        public bool TriedCreate { get; set; }
        public bool TriedUpdate { get; set; }
        public bool UpdatedOurs { get; set; }
        public bool WroteTheirs { get; set; }
        public bool KeptExisting { get; set; }
        public bool AcceptedEqual { get; set; }
        public int Removed { get; set; }
        public int LostAnswers { get; set; }
    }

    private async Task<bool> Create(GitHubTarget target, Run run, int round, CancellationToken cancellation)
    {
        run.TriedCreate = true;
        var created = await api.CreateCommentAsync(target.Repository, target.Number, run.Body, cancellation).ConfigureAwait(false);
        run.CreatedId = created.Id;
        _diagnostics.Verbose($"Session {run.Stats.SessionIdShort}: created comment {created.HtmlUrl} on {target}" +
                             (round > 1 ? $" (round {round})." : "; reading again in case another publisher created one at the same time."));
        return true;
    }

    /// <summary>Makes the survivor hold the fullest body, then deletes the other copies; true when anything was written.</summary>
    private async Task<bool> Reconcile(GitHubTarget target, Run run, List<OwnComment> own, int round, CancellationToken cancellation)
    {
        var survivor = own[0];
        var sid = run.Stats.SessionIdShort;
        // The fullest copy on GitHub; it wins over this rendering only if it has more of something.
        var fullest = own.Where(o => o.Stats is not null)
            .OrderBy(o => o.Stats!, Comparer<SessionStats>.Create(SessionFullness.CompareFullest)).ThenBy(o => o.Comment.Id).FirstOrDefault();
        var lost = fullest is null || _options.Force ? null : SessionFullness.LessDataThan(fullest.Stats!, run.Stats);
        var wanted = lost is null ? run.Body : fullest!.Comment.Body;
        if (lost is not null && !run.KeptExisting)
        {
            run.KeptExisting = true;
            _diagnostics.Warning($"Session {sid}: the comment {fullest!.Comment} holds more data than this run ({lost}); it is kept as it is. " +
                                 "This happens when the transcript was truncated or only part of it is available here. Use -Force to replace it anyway.");
        }

        bool wrote = false;
        if (!SameBody(survivor.Comment.Body, wanted))
        {
            if (ReferenceEquals(wanted, run.Body) && (run.UpdatedOurs || run.CreatedId is not null) && survivor.Stats is not null
                && SessionFullness.LessDataThan(survivor.Stats, run.Stats) is null && SessionFullness.LessDataThan(run.Stats, survivor.Stats) is null)
            {
                // Another publisher wrote an equally full rendering after ours (e.g. drawn from other skill files).
                // Either is right; writing ours again would only start a tug of war.
                run.AcceptedEqual = true;
                _diagnostics.Verbose($"Session {sid}: comment {survivor.Comment} holds an equally full rendering written by another publisher; it is left as it is.");
            }
            else
            {
                if (ReferenceEquals(wanted, run.Body)) run.TriedUpdate = true;
                var updated = await api.UpdateCommentAsync(target.Repository, survivor.Comment.Id, wanted, cancellation).ConfigureAwait(false);
                wrote = true;
                if (ReferenceEquals(wanted, run.Body)) run.UpdatedOurs = true; else run.WroteTheirs = true;
                _diagnostics.Verbose(ReferenceEquals(wanted, run.Body)
                    ? $"Session {sid}: updated comment {updated.HtmlUrl ?? survivor.Comment.HtmlUrl}."
                    : $"Session {sid}: comment {survivor.Comment} now holds the fuller copy from {fullest!.Comment}.");
            }
        }
        else if (round == 1 && own.Count == 1)
            _diagnostics.Verbose($"Session {sid}: comment {survivor.Comment} is up to date; nothing written.");

        foreach (var duplicate in own.Skip(1))
        {
            wrote = true;
            if (await api.DeleteCommentAsync(target.Repository, duplicate.Comment.Id, cancellation).ConfigureAwait(false))
            {
                run.Removed++;
                _diagnostics.Verbose($"Session {sid}: deleted the duplicate comment {duplicate.Comment}; {survivor.Comment} is kept.");
            }
        }
        return wrote;
    }

    /// <summary>
    /// This session's comments that the account can edit, lowest id first: confirmed ones (JSON names the session),
    /// else one whose JSON is damaged (replacing it loses nothing readable).
    /// </summary>
    private List<OwnComment> FindOwn(IReadOnlyList<GitHubComment> comments, string sessionId, string login, GitHubTarget target)
    {
        var markerId = CommentMarkers.MarkerId(sessionId);
        var confirmed = new List<OwnComment>();
        OwnComment? damaged = null;
        foreach (var comment in comments.OrderBy(c => c.Id))
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
    internal static string? LessDataThan(SessionStats existing, SessionStats next) => SessionFullness.LessDataThan(existing, next);

    internal static bool SameBody(string a, string b) => Normalize(a) == Normalize(b);

    /// <summary>GitHub may hand a body back with CRLF line ends or without the final newline.</summary>
    private static string Normalize(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();

    internal static bool SameLogin(string? a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>Failures after which GitHub may or may not have done the work.</summary>
    internal static bool IsLostAnswer(EngineException e) =>
        e.Error.ErrorId is GitHubErrors.ServerError or GitHubErrors.Timeout or GitHubErrors.ConnectionLost;

    /// <summary>The result from the final read: what the survivor holds, and how it came to.</summary>
    private static SessionCommentResult Result(GitHubTarget target, Run run, GitHubComment survivor)
    {
        var ours = SameBody(survivor.Body, run.Body);
        // A write whose answer was lost counts as done when the read shows its body: that is how it was found again.
        var action = ours
            ? survivor.Id == run.CreatedId || (run.CreatedId is null && run.TriedCreate && !run.TriedUpdate) ? CommentAction.Created
              : run.UpdatedOurs || run.TriedUpdate ? CommentAction.Updated
              : run.CreatedId is not null || run.Removed > 0 ? CommentAction.Merged
              : CommentAction.Unchanged
            : run.KeptExisting ? CommentAction.KeptExisting
            : CommentAction.Merged;
        return new SessionCommentResult
        {
            Repository = target.Repository.FullName,
            Number = target.Number,
            TargetType = target.TypeName,
            SessionId = run.Stats.SessionId,
            Action = action,
            CommentId = survivor.Id,
            Url = survivor.HtmlUrl,
            Length = action == CommentAction.KeptExisting ? run.Body.Length : survivor.Body.Length,
            DuplicatesRemoved = run.Removed,
        };
    }

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
