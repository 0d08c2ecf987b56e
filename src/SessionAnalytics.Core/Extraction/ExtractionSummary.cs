using System.Globalization;
using System.Text;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Tabular;

namespace SessionAnalytics.Core.Extraction;

/// <summary>Why a session comment did not become a record.</summary>
public enum LeftOutReason
{
    /// <summary>It has a session marker but its JSON block is missing, does not parse, or holds impossible figures.</summary>
    UnreadableJson,
    /// <summary>Its author is not trusted (not the reading account, owner, member or collaborator; or not one of -TrustedAuthor).</summary>
    UntrustedAuthor,
    /// <summary>Another copy of a session that a fuller (or as full and older) comment on the same PR/issue carries.</summary>
    Duplicate,
}

/// <summary>A session comment the extraction left out, and why.</summary>
public sealed record LeftOutComment(string Repository, int Number, string TargetType, long CommentId, string? Url, string? Author,
    LeftOutReason Reason, string Detail) : ICellText
{
    /// <summary><c>octo-org/widget#12 comment 345 UntrustedAuthor (mallory)</c>: one item of the summary's LeftOut cell.</summary>
    public string ToCellText() => $"{Repository}#{Number} comment {CommentId} {Reason}" + (Author is null ? "" : $" ({Author})");
}

/// <summary>A PR or issue whose comments could not be read (it is missing from the records), or whose GitHub figures are incomplete.</summary>
public sealed record ExtractionProblem(string Repository, int Number, string TargetType, string ErrorId, string Message, bool RecordsKept) : ICellText
{
    /// <summary><c>octo-org/widget#12 GitHubNotFound (records kept)</c>: one item of the summary's Problems cell.</summary>
    public string ToCellText() => $"{Repository}#{Number} {ErrorId}" + (RecordsKept ? " (records kept)" : "");
}

/// <summary>
/// What one extraction run did: what it found, what it left out and why, and what it cost in requests. Complete
/// once the records have all been read; <see cref="Notes"/> are what Export-SessionAnalytics adds to the report.
/// </summary>
public sealed class ExtractionSummary
{
    private readonly object _gate = new();
    private readonly List<LeftOutComment> _leftOut = [];
    private readonly List<ExtractionProblem> _problems = [];
    private readonly List<string> _searchNotes = [];
    private readonly List<int> _requestsPerItem = [];

    public ExtractionSummary(ExtractionOptions options)
    {
        Repository = string.Join(", ", options.Repositories.Select(r => r.FullName).Concat(options.Organizations.Select(o => $"organization {o}")));
        From = options.From;
        To = options.To;
        Targets = options.Targets;
        TrustedAuthors = options.TrustedAuthors is { Count: > 0 } t ? [.. t] : [];
    }

    // ---- what was asked ----
    public string Repository { get; }
    public DateTimeOffset From { get; }
    public DateTimeOffset To { get; }
    public ExtractionTargets Targets { get; }
    public CellList<string> TrustedAuthors { get; }

    // ---- what was found ----
    /// <summary>Pull requests the search found in the range.</summary>
    public int PullRequestsFound { get; internal set; }
    public int IssuesFound { get; internal set; }
    /// <summary>PRs/issues whose comments were read.</summary>
    public int ItemsRead => Volatile.Read(ref _itemsRead);
    /// <summary>
    /// PRs/issues of <see cref="ItemsRead"/> that had not changed since an earlier run read them (same GitHub
    /// updated_at): their records came from the extraction state, at no request (or one, to refresh an open PR's CI).
    /// </summary>
    public int ItemsUnchanged => Volatile.Read(ref _itemsUnchanged);
    /// <summary>PRs/issues whose comments could not be read (an error was written for each).</summary>
    public int ItemsFailed => Volatile.Read(ref _itemsFailed);
    /// <summary>PRs/issues not read because the extraction stopped (rate limit, Ctrl+C).</summary>
    public int ItemsNotRead => PullRequestsFound + IssuesFound - ItemsRead - ItemsFailed;
    public int PullRequestsWithSessions => Volatile.Read(ref _pullRequestsWithSessions);
    public int IssuesWithSessions => Volatile.Read(ref _issuesWithSessions);
    /// <summary>Records emitted: one per session per PR/issue.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    // ---- what was left out ----
    public int LeftOutComments { get { lock (_gate) return _leftOut.Count; } }
    public int UnreadableComments => Count(LeftOutReason.UnreadableJson);
    public int UntrustedComments => Count(LeftOutReason.UntrustedAuthor);
    public int DuplicateComments => Count(LeftOutReason.Duplicate);
    public CellList<LeftOutComment> LeftOut { get { lock (_gate) return [.. _leftOut]; } }
    public CellList<ExtractionProblem> Problems { get { lock (_gate) return [.. _problems]; } }

    // ---- what it cost ----
    /// <summary>HTTP requests sent to GitHub, retries included.</summary>
    public int Requests { get; internal set; }
    public int SearchRequests { get; internal set; }
    /// <summary>Requests for repository-wide comment listings (shared by the items they cover).</summary>
    public int CommentListingRequests { get; internal set; }
    /// <summary>Requests answered 304 Not Modified from the cache: free under GitHub's rate limit.</summary>
    public int RevalidatedRequests { get; internal set; }
    /// <summary>Percentage (0–100) of <see cref="Requests"/> answered 304.</summary>
    public decimal RevalidatedShare => Requests == 0 ? 0 : Math.Round(100m * RevalidatedRequests / Requests, 1);
    /// <summary>
    /// Requests made for one PR/issue alone (its own comment pages, PR details, CI runs), averaged over the PRs/issues
    /// read; the shared requests (search, repository comment listing) are in <see cref="RequestsPerItemOverall"/>.
    /// </summary>
    public decimal RequestsPerItem { get { lock (_gate) return _requestsPerItem.Count == 0 ? 0 : Math.Round((decimal)_requestsPerItem.Sum() / _requestsPerItem.Count, 2); } }
    /// <summary>The most requests one PR/issue took.</summary>
    public int MaxRequestsPerItem { get { lock (_gate) return _requestsPerItem.Count == 0 ? 0 : _requestsPerItem.Max(); } }
    /// <summary>All requests, search included, per PR/issue found.</summary>
    public decimal RequestsPerItemOverall => PullRequestsFound + IssuesFound == 0 ? Requests : Math.Round((decimal)Requests / (PullRequestsFound + IssuesFound), 2);
    /// <summary>The rate limit GitHub reported last (core resource), null when it sent none.</summary>
    public int? RateLimitRemaining { get; internal set; }
    public DateTimeOffset? RateLimitReset { get; internal set; }
    public TimeSpan Elapsed { get; internal set; }

    // ---- how it ended ----
    /// <summary>True when the extraction stopped before reading every PR/issue (the records read are kept).</summary>
    public bool Stopped => StopReason is not null;
    public string? StopReason { get; internal set; }

    /// <summary>Sentences for the report's Notes section: what was scanned, what was left out and why, what is missing.</summary>
    public CellList<string> Notes => BuildNotes();

    public override string ToString() =>
        $"{ItemsRead} of {PullRequestsFound + IssuesFound} PRs/issues read{(ItemsUnchanged > 0 ? $" ({ItemsUnchanged} unchanged since an earlier run)" : "")}, {Sessions} sessions, {LeftOutComments} comments left out; "
        + $"{Requests} requests ({RequestsPerItem.ToString("0.##", CultureInfo.InvariantCulture)} per PR/issue, {RevalidatedShare.ToString("0.#", CultureInfo.InvariantCulture)}% revalidated)"
        + (Stopped ? "; stopped early" : "");

    private int _itemsRead;
    private int _itemsUnchanged;
    private int _itemsFailed;
    private int _pullRequestsWithSessions;
    private int _issuesWithSessions;
    private int _sessions;

    internal void ItemRead(bool isPullRequest, int sessions, int requests, bool unchanged = false)
    {
        Interlocked.Increment(ref _itemsRead);
        if (unchanged) Interlocked.Increment(ref _itemsUnchanged);
        Interlocked.Add(ref _sessions, sessions);
        if (sessions > 0) Interlocked.Increment(ref isPullRequest ? ref _pullRequestsWithSessions : ref _issuesWithSessions);
        lock (_gate) _requestsPerItem.Add(requests);
    }

    internal void ItemFailed(ExtractionProblem problem)
    {
        Interlocked.Increment(ref _itemsFailed);
        Problem(problem);
    }

    internal void Problem(ExtractionProblem problem)
    {
        lock (_gate) _problems.Add(problem);
    }

    internal void Add(LeftOutComment comment)
    {
        lock (_gate) _leftOut.Add(comment);
    }

    internal void SearchNote(string note)
    {
        lock (_gate) _searchNotes.Add(note);
    }

    internal void TakeCounts(GitHubRequestCounter? counter)
    {
        if (counter is null) return;
        Requests = counter.Requests;
        RevalidatedRequests = counter.NotModified;
        if (counter.RateLimits.TryGetValue("core", out var core))
        {
            RateLimitRemaining = core.Remaining;
            RateLimitReset = core.Reset;
        }
    }

    private int Count(LeftOutReason reason)
    {
        lock (_gate) return _leftOut.Count(c => c.Reason == reason);
    }

    private List<string> BuildNotes()
    {
        var notes = new List<string>();
        var what = Targets switch
        {
            ExtractionTargets.PullRequests => $"{PullRequestsFound} {Plural(PullRequestsFound, "PR", "PRs")}",
            ExtractionTargets.Issues => $"{IssuesFound} {Plural(IssuesFound, "issue", "issues")}",
            _ => $"{PullRequestsFound} {Plural(PullRequestsFound, "PR", "PRs")} and {IssuesFound} {Plural(IssuesFound, "issue", "issues")}",
        };
        var withData = PullRequestsWithSessions + IssuesWithSessions;
        notes.Add($"Extracted from GitHub: {what} created {Day(From)} to {Day(To)} in {Repository}; {withData} with session comments.");
        if (ItemsUnchanged > 0)
            notes.Add($"{ItemsUnchanged} of them had not changed since an earlier extraction read them; their records were taken from it.");
        if (TrustedAuthors.Count > 0)
            notes.Add($"Only session comments by {string.Join(", ", TrustedAuthors)} were counted (-TrustedAuthor).");

        List<LeftOutComment> leftOut;
        List<ExtractionProblem> problems;
        List<string> searchNotes;
        lock (_gate)
        {
            leftOut = _leftOut.ToList();
            problems = _problems.ToList();
            searchNotes = _searchNotes.ToList();
        }
        if (leftOut.Count > 0)
        {
            var parts = new List<string>();
            var unreadable = leftOut.Where(c => c.Reason == LeftOutReason.UnreadableJson).ToList();
            if (unreadable.Count > 0)
                parts.Add($"{unreadable.Count} whose session JSON could not be read ({List(unreadable.Select(c => $"{c.Repository}#{c.Number} comment {c.CommentId}"))})");
            var untrusted = leftOut.Where(c => c.Reason == LeftOutReason.UntrustedAuthor).ToList();
            if (untrusted.Count > 0)
                parts.Add($"{untrusted.Count} by authors not trusted ({List(untrusted.GroupBy(c => c.Author ?? "(unknown)", StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase).Select(g => $"{g.Key}: {g.Count()}"))})");
            var duplicates = leftOut.Count(c => c.Reason == LeftOutReason.Duplicate);
            if (duplicates > 0)
                parts.Add($"{duplicates} other {Plural(duplicates, "copy", "copies")} of a session that a fuller or older comment on the same PR/issue carries");
            notes.Add($"{leftOut.Count} session {Plural(leftOut.Count, "comment was", "comments were")} left out: {string.Join("; ", parts)}.");
        }
        var failed = problems.Where(p => !p.RecordsKept).ToList();
        if (failed.Count > 0)
            notes.Add($"{failed.Count} {Plural(failed.Count, "PR/issue", "PRs/issues")} could not be read and {Plural(failed.Count, "is", "are")} missing: {List(failed.Select(p => $"{p.Repository}#{p.Number} ({p.ErrorId})"))}.");
        var incomplete = problems.Where(p => p.RecordsKept).ToList();
        if (incomplete.Count > 0)
            notes.Add($"{incomplete.Count} {Plural(incomplete.Count, "PR lacks", "PRs lack")} some GitHub figures (CI runs, lines, review comments) because a request failed: {List(incomplete.Select(p => $"{p.Repository}#{p.Number} ({p.ErrorId})"))}.");
        notes.AddRange(searchNotes);
        if (StopReason is not null)
            notes.Add($"The extraction stopped early ({StopReason}); {ItemsNotRead} of {PullRequestsFound + IssuesFound} PRs/issues were not read.");
        return notes;
    }

    private static string Day(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Plural(int n, string one, string many) => n == 1 ? one : many;

    /// <summary>At most ten items, then how many more: a note stays one readable line.</summary>
    private static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        var text = new StringBuilder(string.Join(", ", all.Take(10)));
        if (all.Count > 10) text.Append(CultureInfo.InvariantCulture, $" and {all.Count - 10} more");
        return text.ToString();
    }
}
