using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.GitHub;

public sealed class SessionSummaryUpdaterOptions
{
    /// <summary>The login to assume when the token may not read GET /user (GitHub Actions: github-actions[bot]).</summary>
    public string? IntegrationLogin { get; init; }

    /// <summary>Logins whose session comments count, replacing the default <see cref="CommentTrustRule"/>; null or empty: the default.</summary>
    public IReadOnlyCollection<string>? TrustedAuthors { get; init; }

    /// <summary>Read-render-write rounds before giving up on concurrent writers.</summary>
    public int MaxRounds { get; init; } = 10;

    /// <summary>
    /// The pause before re-reading after a write, given the round number: a little random so that publishers started
    /// together do not keep meeting in lock-step.
    /// </summary>
    public Func<int, CancellationToken, Task> PauseBetweenRounds { get; init; } =
        (round, cancellation) => Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 150 + 100 * Math.Min(round, 5))), cancellation);
}

/// <summary>
/// Writes the pinned summary of a PR or issue (design, "Reliability Guarantees" 1 and 5): always recomputed from
/// every session comment on it that counts (all pages; <see cref="SessionCommentSelection"/>: trusted authors,
/// readable figures within bounds, one per session), never incremented. Several publishers may finish at once, so
/// it converges instead of trusting one read:
/// <list type="number">
/// <item>read all comments; select the session comments that count (comments by others are said on the verbose
/// stream, unreadable ones in a warning naming them; the summary says how many were not counted);</item>
/// <item>render the summary; among this account's <c>&lt;!-- SESSION_SUMMARY --&gt;</c> comments keep the oldest:
/// create it if there is none, update it if its body differs, delete the others (left by a race);</item>
/// <item>if anything was written, read again and repeat: the work is done when a read shows exactly one summary of
/// this account whose body is the rendering of the sessions in that same read.</item>
/// </list>
/// The last writer always ends with such a read, so the final summary counts every session that exists by then.
/// </summary>
public sealed class SessionSummaryUpdater(GitHubApi api, SessionSummaryUpdaterOptions? options = null)
{
    public const string NotConvergedWarningId = "SessionSummaryNotConverged";

    private readonly SessionSummaryUpdaterOptions _options = options ?? new SessionSummaryUpdaterOptions();
    private readonly IDiagnostics _diagnostics = api.Diagnostics;
    private readonly HashSet<long> _reported = [];
    private bool _collapseReported;

    public async Task<SessionSummaryResult> UpdateAsync(GitHubTarget target, CancellationToken cancellation = default)
    {
        var login = await api.GetAuthenticatedLoginAsync(_options.IntegrationLogin, cancellation).ConfigureAwait(false);
        var rule = CommentTrustRule.For(_options.TrustedAuthors);
        long? createdId = null;
        bool wroteKept = false;
        int removed = 0;

        for (int round = 1; round <= _options.MaxRounds; round++)
        {
            var comments = await CommentListing.ListAsync(api, target, cancellation).ConfigureAwait(false);
            var selection = Select(comments, rule, login, target);
            var sessions = selection.Sessions;
            var summaryOptions = new SummaryOptions
            {
                TargetType = target.TypeName, TargetNumber = target.Number, Status = target.State, Notes = selection.Notes(rule, login),
            };
            var rendered = SessionSummaryRenderer.RenderDetailed(sessions, summaryOptions);
            if (rendered.Degradation.HasFlag(CommentDegradation.RowsCollapsed) && !_collapseReported)
            {
                _collapseReported = true;
                _diagnostics.Warning($"The summary of {sessions.Count} sessions on {target} is too large for one comment: its per-session rows are collapsed (totals and sums stay).");
            }
            var ours = comments.Where(c => SessionCommentPublisher.SameLogin(c.AuthorLogin, login) && SummaryParser.IsSummaryComment(c.Body))
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToList();
            ReportForeignSummaries(comments, login);

            bool wrote = false;
            GitHubComment? kept = ours.FirstOrDefault();
            try
            {
                if (kept is null)
                {
                    if (sessions.Count == 0)
                    {
                        _diagnostics.Verbose($"No session comments on {target}: no summary to write.");
                        return Result(target, CommentAction.Skipped, null, selection, removed, round, true);
                    }
                    kept = await api.CreateCommentAsync(target.Repository, target.Number, rendered.Body, cancellation).ConfigureAwait(false);
                    createdId = kept.Id;
                    wrote = true;
                    _diagnostics.Verbose($"Created the summary {kept} of {sessions.Count} session(s) on {target}.");
                }
                else if (!SessionCommentPublisher.SameBody(kept.Body, rendered.Body))
                {
                    var url = kept.HtmlUrl;
                    kept = await api.UpdateCommentAsync(target.Repository, kept.Id, rendered.Body, cancellation).ConfigureAwait(false);
                    kept = kept with { HtmlUrl = kept.HtmlUrl ?? url };
                    wroteKept = wrote = true;
                    _diagnostics.Verbose($"Updated the summary {kept} to {sessions.Count} session(s) (round {round}).");
                }
                foreach (var duplicate in ours.Skip(1))
                {
                    wrote = true;
                    if (await api.DeleteCommentAsync(target.Repository, duplicate.Id, cancellation).ConfigureAwait(false))
                    {
                        removed++;
                        _diagnostics.Verbose($"Deleted the extra summary {duplicate} (a concurrent publisher's); {ours[0]} is kept.");
                    }
                }
            }
            catch (EngineException e) when (SessionCommentPublisher.IsLostAnswer(e))
            {
                // The write may or may not have happened: the next round's read tells.
                _diagnostics.Verbose($"Writing the summary failed ({e.Error.Message}); reading again.");
                wrote = true;
            }

            if (!wrote)
            {
                var action = createdId == kept!.Id ? CommentAction.Created : wroteKept ? CommentAction.Updated : CommentAction.Unchanged;
                if (round > 1) _diagnostics.Verbose($"The summary on {target} matches its {sessions.Count} session(s) after {round} rounds.");
                return Result(target, action, kept, selection, removed, round, true);
            }
            if (round < _options.MaxRounds) await _options.PauseBetweenRounds(round, cancellation).ConfigureAwait(false);
        }

        _diagnostics.Warning($"The summary on {target} was rewritten {_options.MaxRounds} times while other publishers kept changing the comments; " +
                             "it may miss the latest session. Run Update-SessionSummary again when they are done.");
        return new SessionSummaryResult
        {
            Repository = target.Repository.FullName, Number = target.Number, TargetType = target.TypeName,
            Action = createdId is not null ? CommentAction.Created : CommentAction.Updated,
            DuplicatesRemoved = removed, Rounds = _options.MaxRounds, Converged = false,
        };
    }

    /// <summary>The session comments that count; each one left out is said once (verbose for others' comments, a warning otherwise).</summary>
    private SessionCommentSelection Select(IReadOnlyList<GitHubComment> comments, CommentTrustRule rule, string login, GitHubTarget target)
    {
        var selection = SessionCommentSelection.Select(comments, rule, login);
        foreach (var skipped in selection.Skipped)
        {
            if (!_reported.Add(skipped.Comment.Id)) continue;
            var where = $"Comment {skipped.Comment} (id {skipped.Comment.Id}) on {target}";
            switch (skipped.Reason)
            {
                case SkippedCommentReason.UntrustedAuthor:
                    _diagnostics.Verbose($"{where} carries a session marker but is not counted: {skipped.Detail}.");
                    break;
                case SkippedCommentReason.Unreadable:
                    _diagnostics.Warning($"{where} looks like a session comment but cannot be read: {skipped.Detail} It is left out of the summary.");
                    break;
                default:
                    var kept = selection.Counted.First(c => string.Equals(c.Stats.SessionId, skipped.SessionId, StringComparison.OrdinalIgnoreCase)).Comment;
                    _diagnostics.Warning($"Session {SessionStats.ShortId(skipped.SessionId!)} has more than one comment on {target}; the summary counts it once, from {kept}, not from {skipped.Comment}.");
                    break;
            }
        }
        return selection;
    }

    private void ReportForeignSummaries(IReadOnlyList<GitHubComment> comments, string login)
    {
        foreach (var c in comments)
            if (!SessionCommentPublisher.SameLogin(c.AuthorLogin, login) && SummaryParser.IsSummaryComment(c.Body) && _reported.Add(c.Id))
                _diagnostics.Verbose($"The summary {c} belongs to {c.AuthorLogin}; only its author can edit it, so this account keeps its own.");
    }

    private static SessionSummaryResult Result(GitHubTarget target, CommentAction action, GitHubComment? comment,
        SessionCommentSelection selection, int removed, int rounds, bool converged)
    {
        var data = SessionSummaryData.Aggregate(selection.Sessions);
        return new SessionSummaryResult
        {
            Repository = target.Repository.FullName,
            Number = target.Number,
            TargetType = target.TypeName,
            Action = action,
            CommentId = comment?.Id ?? 0,
            Url = comment?.HtmlUrl,
            SessionCount = data.SessionCount,
            TotalCostUsd = data.TotalCostUsd,
            TotalCommits = data.TotalCommits,
            TotalTokens = data.TotalTokens,
            SkippedComments = selection.Unreadable,
            UntrustedComments = selection.Untrusted,
            DuplicatesRemoved = removed,
            Rounds = rounds,
            Converged = converged,
        };
    }
}
