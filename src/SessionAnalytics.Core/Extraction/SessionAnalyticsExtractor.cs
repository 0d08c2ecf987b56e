using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Extraction;

/// <summary>
/// Reads the session comments of the PRs and issues created in a date range back into one
/// <see cref="SessionAnalyticsRecord"/> per session per PR/issue, merged with the PR's GitHub figures.
/// <list type="number">
/// <item><b>Find</b>: <c>GET /search/issues?q=repo:o/r created:FROM..TO</c> (plus <c>is:pr</c>/<c>is:issue</c> when only
/// one kind is wanted), oldest first, all pages. The date is the <i>creation</i> date: a period's report describes
/// the work opened in it, and membership does not drift when someone comments on an old PR (with <c>updated:</c> the
/// same range would give other PRs every day, and a cached re-run would not be the same run). GitHub returns at most
/// 1,000 results per query, so a range whose total is larger is split in halves until each part fits.</item>
/// <item><b>Comments</b>: the search tells how many comments each item has. Read one by one, that costs one request
/// per 100 comments of each item that has any. When the repository's comment listing
/// (<c>GET /repos/o/r/issues/comments?since=FROM</c>, every comment updated since the period began, 100 a page) is
/// cheaper, it is read instead and split by issue number: its first page says how many pages there are, and the
/// listing is abandoned for the per-item reads as soon as it would cost as much. An item whose comments the listing
/// did not fully deliver (fewer than the search counted) is read on its own, so nothing is lost either way.</item>
/// <item><b>Read</b>, for each PR/issue, at most <see cref="ExtractionOptions.ThrottleLimit"/> at a time: its comment
/// pages unless the listing had them (none when the search says it has no comments); and only when a session comment
/// was found, for a PR, <c>GET /pulls/N</c> (line counts, review comments — the <c>review_comments</c> field, no extra
/// request — head branch) and <c>GET /actions/runs?branch=HEAD</c> (CI). So a PR with session data costs at most 3
/// requests when its comments fit one page (2 when the listing had them), a PR or issue without session data at most
/// 1.</item>
/// <item><b>CI</b>: completed workflow runs of the PR's head branch in its head repository created between the PR's
/// creation and its merge/close (now, if open), i.e. the runs of the commits pushed while the PR was open, on any
/// event; the pass rate is the share that concluded "success". One request per PR, however many commits it has
/// (asking per commit SHA would cost one request per commit). Runs from pushes before the PR was opened are not
/// counted, and a branch name reused by a later PR only counts its own window.</item>
/// </list>
/// Comments with a session marker whose JSON does not parse give a warning naming the PR/issue and the comment, and
/// are left out; with trusted authors, comments by anyone else too. A PR/issue that fails gives a non-terminating
/// error and the rest goes on. When GitHub's rate limit runs out and the reset is further away than the request
/// handler waits (<see cref="GitHubRetryPolicy.MaxDelay"/>), the extraction stops reading, keeps every record it has,
/// and reports <see cref="GitHubErrors.RateLimitExceeded"/> with the reset time. Records come out in a fixed order
/// (repository, creation date, number, comment order) whatever order the parallel reads finish in.
/// </summary>
public sealed class SessionAnalyticsExtractor
{
    public const string ProgressActivity = "Reading session comments from GitHub";
    public const string PeriodInvalidErrorId = "SessionAnalyticsPeriodInvalid";
    public const string ExtractionFailedErrorId = "SessionAnalyticsExtractionFailed";

    private static readonly IReadOnlyList<SessionAnalyticsRecord> NoRecords = [];

    private readonly GitHubApi _api;
    private readonly ExtractionOptions _options;
    private readonly IDiagnostics _diagnostics;
    private readonly CommentTrustRule _trust;
    private readonly object _publisherGate = new();
    private Task<string?>? _publisher;
    private readonly DateTimeOffset _from;
    private readonly DateTimeOffset _to;
    private readonly Dictionary<(string Repository, int Number), IReadOnlyList<GitHubComment>> _listedComments = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Work, ItemState?> _outcomes = new();
    private readonly List<ScopeRun> _scopes = [];
    private int _stopped;
    private EngineError? _stopError;
    private int _started;
    private int _done;

    public SessionAnalyticsExtractor(GitHubApi api, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Repositories.Count == 0 && options.Organizations.Count == 0)
            throw new ArgumentException("At least one repository or organization is required.", nameof(options));
        if (options.Targets == ExtractionTargets.None) throw new ArgumentException("Choose pull requests, issues or both.", nameof(options));
        if (options.ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(options), "ThrottleLimit must be at least 1.");
        _from = WholeSeconds(options.From);
        _to = WholeSeconds(options.To);
        if (_from > _to)
            throw new EngineException(new EngineError(PeriodInvalidErrorId, ErrorKind.InvalidArgument,
                $"The period starts ({Iso(_from)}) after it ends ({Iso(_to)}).", options.From)
            {
                RecommendedAction = "Pass -From before -To.",
            });
        _api = api;
        _options = options;
        _diagnostics = api.Diagnostics;
        _trust = CommentTrustRule.For(options.TrustedAuthors);
        Summary = new ExtractionSummary(options);
    }

    /// <summary>What the run found, left out and cost; complete once <see cref="ExtractAsync"/> has been enumerated.</summary>
    public ExtractionSummary Summary { get; }

    private bool IsStopped => Volatile.Read(ref _stopped) != 0;

    /// <summary>The records, as the PRs/issues are read. Enumerate once.</summary>
    public async IAsyncEnumerable<SessionAnalyticsRecord> ExtractAsync([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("An extractor runs once; create another for another run.");
        var clock = Stopwatch.StartNew();
        using var workersDone = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            var work = await FindAsync(cancellation).ConfigureAwait(false);
            Summary.PullRequestsFound = work.Count(w => w.Item.IsPullRequest);
            Summary.IssuesFound = work.Count - Summary.PullRequestsFound;
            Summary.SearchRequests = _api.RequestCounter?.Requests ?? 0;
            _diagnostics.Verbose($"Found {Summary.PullRequestsFound} PRs and {Summary.IssuesFound} issues created {Iso(_from)} to {Iso(_to)} "
                                 + $"in {Summary.Repository} with {Summary.SearchRequests} requests"
                                 + (work.Any(w => w.Reuse is not null) ? $"; {work.Count(w => w.Reuse is not null)} of them unchanged since an earlier run." : "."));
            var before = _api.RequestCounter?.Requests ?? 0;
            await ListCommentsAsync(work.Where(w => w.Reuse is null).Select(w => w.Item).ToList(), cancellation).ConfigureAwait(false);
            Summary.CommentListingRequests = (_api.RequestCounter?.Requests ?? 0) - before;

            var slots = work.Select(_ => new TaskCompletionSource<IReadOnlyList<SessionAnalyticsRecord>>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            var next = -1;
            async Task Work()
            {
                while (!IsStopped && !workersDone.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= work.Count) return;
                    try { slots[i].TrySetResult(await ReadItemAsync(work[i], workersDone.Token).ConfigureAwait(false)); }
                    catch (OperationCanceledException e)
                    {
                        slots[i].TrySetCanceled(e.CancellationToken);
                        return;
                    }
                    ReportProgress(work.Count);
                }
            }
            var workers = Task.WhenAll(Enumerable.Range(0, Math.Min(_options.ThrottleLimit, Math.Max(work.Count, 1))).Select(_ => Task.Run(Work, CancellationToken.None)));
            // PRs never started (stopped, cancelled) give no records; the reader below must not wait for them forever.
            _ = workers.ContinueWith(_ => { foreach (var slot in slots) slot.TrySetResult(NoRecords); }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            foreach (var slot in slots)
                foreach (var record in await slot.Task.ConfigureAwait(false))
                    yield return record;
            await workers.ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            await SaveStateAsync().ConfigureAwait(false);
        }
        finally
        {
            // Also when the consumer stops early (Select-Object -First): the workers stop taking PRs.
            workersDone.Cancel();
            Summary.TakeCounts(_api.RequestCounter);
            Summary.Elapsed = clock.Elapsed;
        }
        if (Summary.Stopped && _stopError is { } stop) _diagnostics.Error(StoppedError(stop));
        _diagnostics.Verbose($"Extraction: {Summary} in {Summary.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
                             + (Summary.RateLimitRemaining is { } left ? $"; {left} core requests left, resets {GitHubErrors.Time(Summary.RateLimitReset!.Value)}." : "."));
    }

    // ---------------------------------------------------------------- find

    /// <summary>One search scope of the run: a repository (<c>repo:</c>) or an organization (<c>org:</c>), with its remembered state.</summary>
    private sealed class ScopeRun(string qualifier, RepositoryRef? repository, string? organization)
    {
        public string Qualifier { get; } = qualifier;
        public RepositoryRef? Repository { get; } = repository;
        public string? Organization { get; } = organization;
        public string Name => Repository?.FullName ?? Organization!;
        public ExtractionScopeState? State { get; set; }
        /// <summary>The search of the whole range ended without an error (so the range can be remembered as searched).</summary>
        public bool Complete { get; set; }
        public DateTimeOffset StartedAt { get; set; }
    }

    /// <summary>A PR/issue to read, or (<see cref="Reuse"/>) to take from the state because it has not changed.</summary>
    private sealed record Work(GitHubIssueSummary Item, ItemState? Reuse, ScopeRun Scope);

    private async Task<List<Work>> FindAsync(CancellationToken cancellation)
    {
        var all = new List<Work>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scopes = _options.Repositories.Select(r => new ScopeRun("repo:" + r.FullName, r, null))
            .Concat(_options.Organizations.Select(o => new ScopeRun("org:" + o, null, o)));
        foreach (var scope in scopes)
        {
            if (IsStopped) break;
            _scopes.Add(scope);
            List<Work> found;
            try { found = await FindInScopeAsync(scope, cancellation).ConfigureAwait(false); }
            catch (EngineException e) when (IsRateLimit(e.Error))
            {
                Stop(e.Error);
                continue;
            }
            // A rejected token fails every repository the same way: stop the command instead of repeating it.
            catch (EngineException e) when (e.Error.ErrorId == GitHubErrors.AuthenticationFailed) { throw; }
            catch (EngineException e)
            {
                _diagnostics.Error(e.Error);
                Summary.SearchNote($"{scope.Name} could not be searched ({e.Error.ErrorId}); it is missing from the report.");
                continue;
            }
            foreach (var w in found.OrderBy(w => w.Item.CreatedAt).ThenBy(w => w.Item.Repository.FullName, StringComparer.OrdinalIgnoreCase).ThenBy(w => w.Item.Number))
                if (seen.Add(ExtractionScopeState.ItemKey(w.Item.Repository.FullName, w.Item.Number))) all.Add(w);
        }
        return all;
    }

    /// <summary>
    /// The PRs/issues of one scope: with no state, or a range the state has not searched, every item the search finds
    /// (items whose updated_at equals the remembered one are taken from the state all the same); with a range searched
    /// before, only the items updated since that search (less <see cref="ExtractionOptions.ChangeOverlap"/>), the others
    /// from the state.
    /// </summary>
    private async Task<List<Work>> FindInScopeAsync(ScopeRun scope, CancellationToken cancellation)
    {
        scope.StartedAt = _options.Clock();
        if (_options.State is { } store)
            scope.State = store.Load(ExtractionStateStore.KeyOf(_api.ApiUrl, scope.Qualifier, _options.TrustedAuthors, _options.IntegrationLogin), scope.Qualifier);
        var state = scope.State;
        var window = state?.Covering(_from, _to, _options.Targets);
        var since = window is null ? (DateTimeOffset?)null : WholeSeconds(window.AsOf - _options.ChangeOverlap);

        var found = new List<GitHubIssueSummary>();
        await SearchRangeAsync(scope, _from, _to, since, found, cancellation).ConfigureAwait(false);
        scope.Complete = true;
        if (state is null) return found.Select(i => new Work(i, null, scope)).ToList();

        // What the state may give: items created in the range, of the kinds wanted, in repositories the token still sees.
        var remembered = state.Items.Values.Where(i => i.CreatedAt >= _from && i.CreatedAt <= _to && (i.IsPullRequest
            ? _options.Targets.HasFlag(ExtractionTargets.PullRequests) : _options.Targets.HasFlag(ExtractionTargets.Issues))).ToList();
        if (scope.Organization is { } organization && remembered.Count > 0)
        {
            var visible = (await _api.ListOwnerRepositoriesAsync(organization, cancellation).ConfigureAwait(false))
                .Select(r => r.Repository.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var gone in remembered.Where(i => !visible.Contains(i.Repository)).ToList())
            {
                state.Items.Remove(ExtractionScopeState.ItemKey(gone.Repository, gone.Number));
                remembered.Remove(gone);
            }
        }
        var readerChanged = remembered.Any(i => i.NeedsReader) && !string.Equals(await PublisherAsync(cancellation).ConfigureAwait(false), state.Reader, StringComparison.OrdinalIgnoreCase);

        bool Reusable(ItemState s, DateTimeOffset? updatedAt) => updatedAt == s.UpdatedAt && !(s.NeedsReader && readerChanged);
        var work = new List<Work>();
        var searched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in found)
        {
            var key = ExtractionScopeState.ItemKey(item.Repository.FullName, item.Number);
            searched.Add(key);
            work.Add(new Work(item, state.Items.TryGetValue(key, out var s) && item.UpdatedAt is { } updated && Reusable(s, updated) ? s : null, scope));
        }
        if (since is not null)
            foreach (var s in remembered.Where(s => !searched.Contains(ExtractionScopeState.ItemKey(s.Repository, s.Number))))
            {
                if (!RepositoryRef.TryParse(s.Repository, out var repository)) continue;
                var item = new GitHubIssueSummary(repository, s.Number, s.IsPullRequest, s.Title, null, "", null, s.CreatedAt, null, null, s.CommentCount, null) { UpdatedAt = s.UpdatedAt };
                // Not updated since the last search: unchanged, unless its records depended on a reader who is not this one.
                work.Add(new Work(item, Reusable(s, s.UpdatedAt) ? s : null, scope));
            }
        return work;
    }

    private async Task SearchRangeAsync(ScopeRun scope, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? updatedSince, List<GitHubIssueSummary> into,
        CancellationToken cancellation)
    {
        var kind = _options.Targets switch
        {
            ExtractionTargets.PullRequests => " is:pr",
            ExtractionTargets.Issues => " is:issue",
            _ => "",
        };
        var query = $"{scope.Qualifier}{kind} created:{Iso(from)}..{Iso(to)}" + (updatedSince is { } u ? $" updated:>={Iso(u)}" : "");
        var changed = updatedSince is null ? "" : $", updated since {Iso(updatedSince.Value)}";
        _diagnostics.Progress(ProgressActivity, $"Searching {scope.Name}: created {Iso(from)}..{Iso(to)}{changed}", -1);
        var page = await _api.SearchIssuesAsync(scope.Repository, scope.Name, query, null, cancellation).ConfigureAwait(false);
        var limit = _options.SearchResultLimit;
        if (page.TotalCount > limit && to > from)
        {
            var middle = from.AddSeconds(Math.Floor((to - from).TotalSeconds / 2));
            _diagnostics.Verbose($"GitHub search: {page.TotalCount} results for {Iso(from)}..{Iso(to)} in {scope.Name}, more than the {limit} one query returns; "
                                 + $"splitting at {Iso(middle)}.");
            await SearchRangeAsync(scope, from, middle, updatedSince, into, cancellation).ConfigureAwait(false);
            await SearchRangeAsync(scope, middle.AddSeconds(1), to, updatedSince, into, cancellation).ConfigureAwait(false);
            return;
        }
        if (page.TotalCount > limit)
        {
            var message = $"GitHub search found {page.TotalCount} PRs/issues created in the second {Iso(from)} in {scope.Name} but returns only {limit}; "
                          + $"{page.TotalCount - limit} of them are not read.";
            _diagnostics.Warning(message);
            Summary.SearchNote(message);
        }
        var wanted = Math.Min(page.TotalCount, limit);
        var count = 0;
        var pages = 1;
        while (true)
        {
            if (page.IncompleteResults)
            {
                var message = $"GitHub search timed out and returned incomplete results for {Iso(from)}..{Iso(to)} in {scope.Name} (page {pages}); run the command again to read the rest.";
                _diagnostics.Warning(message);
                Summary.SearchNote(message);
            }
            into.AddRange(page.Items.Where(Wanted));
            count += page.Items.Count;
            if (page.Next is null || count >= wanted || page.Items.Count == 0) break;
            cancellation.ThrowIfCancellationRequested();
            pages++;
            _diagnostics.Progress(ProgressActivity, $"Searching {scope.Name}: created {Iso(from)}..{Iso(to)}{changed}, page {pages}", -1);
            page = await _api.SearchIssuesAsync(scope.Repository, scope.Name, query, page.Next, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Remembers, per scope, the items read (their updated_at and records) and forgets those that failed; a scope whose
    /// search completed and whose items were all read also remembers the range as searched at the run's start.
    /// </summary>
    private async Task SaveStateAsync()
    {
        if (_options.State is not { } store) return;
        string? reader = null;
        if (_publisher is { IsCompletedSuccessfully: true } publisher) reader = await publisher.ConfigureAwait(false);
        foreach (var scope in _scopes.Where(s => s.State is not null))
        {
            var state = scope.State!;
            var allRead = true;
            foreach (var (work, outcome) in _outcomes.Where(o => o.Key.Scope == scope))
            {
                var key = ExtractionScopeState.ItemKey(work.Item.Repository.FullName, work.Item.Number);
                if (outcome is null)
                {
                    state.Items.Remove(key);
                    allRead = false;
                }
                else state.Items[key] = outcome;
            }
            if (reader is not null) state.Reader = reader;
            if (scope.Complete && allRead && !IsStopped) state.AddWindow(new SearchWindow(_from, _to, _options.Targets, scope.StartedAt));
            store.Save(state);
        }
    }

    // ---------------------------------------------------------------- comments, repository-wide

    /// <summary>
    /// Reads the comments of every repository's items from its comment listing when that takes fewer requests than
    /// reading them item by item; what it fully delivers is kept in <see cref="_listedComments"/>.
    /// </summary>
    private async Task ListCommentsAsync(List<GitHubIssueSummary> items, CancellationToken cancellation)
    {
        if (!_options.UseCommentListing) return;
        foreach (var repository in items.Where(i => i.CommentCount > 0).GroupBy(i => i.Repository))
        {
            if (IsStopped) return;
            var wanted = repository.ToDictionary(i => i.Number);
            var perItem = repository.Sum(i => Pages(i.CommentCount));
            var atLeast = Pages(repository.Sum(i => i.CommentCount));
            if (atLeast >= perItem)
            {
                _diagnostics.Verbose($"Reading the comments of {repository.Key} item by item: {perItem} requests, no more than its comment listing would take.");
                continue;
            }
            var found = new Dictionary<int, List<GitHubComment>>();
            var listed = new HashSet<long>(); // a comment on two pages (a page boundary moved under us) counts once
            var guard = new NextPageGuard();
            var pages = 0;
            var finished = false;
            try
            {
                Uri? next = null;
                do
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (next is not null && guard.Refuse(next, pages) is { } why)
                    {
                        // The items the pages read did not cover are read one by one.
                        _diagnostics.Warning($"Stopped reading the comment listing of {repository.Key} after {pages} pages: the server's next-page links "
                                             + $"{why}; its remaining items are read one by one.");
                        break;
                    }
                    _diagnostics.Progress(ProgressActivity, $"Reading the comments of {repository.Key}, page {pages + 1}", -1);
                    var page = await _api.ListRepositoryCommentsAsync(repository.Key, _from, next, cancellation).ConfigureAwait(false);
                    pages++;
                    foreach (var c in page.Comments)
                        if (wanted.ContainsKey(c.IssueNumber) && listed.Add(c.Comment.Id))
                            (found.TryGetValue(c.IssueNumber, out var list) ? list : found[c.IssueNumber] = []).Add(c.Comment);
                    next = page.Next;
                    if (pages == 1 && next is not null && (page.LastPage ?? 1) >= perItem)
                    {
                        _diagnostics.Verbose($"The comment listing of {repository.Key} since {Iso(_from)} has {page.LastPage} pages, no fewer than the {perItem} "
                                             + "requests of reading the items one by one; the items the first page did not cover are read one by one.");
                        break;
                    }
                    finished = next is null;
                }
                while (next is not null);
            }
            catch (EngineException e) when (IsRateLimit(e.Error)) { Stop(e.Error); }
            catch (EngineException e)
            {
                _diagnostics.Verbose($"The comment listing of {repository.Key} failed ({e.Error.Message}); its items are read one by one instead.");
            }
            var complete = 0;
            foreach (var (number, comments) in found)
            {
                // Fewer than the search counted: comments may be on pages not read; the item is read on its own.
                if (comments.Count < wanted[number].CommentCount) continue;
                _listedComments[(repository.Key.FullName.ToUpperInvariant(), number)] = comments;
                complete++;
            }
            _diagnostics.Verbose($"Comment listing of {repository.Key}: {pages} {(pages == 1 ? "page" : "pages")}{(finished ? "" : " (not to the end)")} "
                                 + $"instead of {perItem} per-item requests; it covered {complete} of {wanted.Count} items with comments.");
        }
    }

    private static int Pages(int comments) => (comments + GitHubApi.PageSize - 1) / GitHubApi.PageSize;

    private bool Wanted(GitHubIssueSummary item) =>
        item.IsPullRequest ? _options.Targets.HasFlag(ExtractionTargets.PullRequests) : _options.Targets.HasFlag(ExtractionTargets.Issues);

    // ---------------------------------------------------------------- read

    private async Task<IReadOnlyList<SessionAnalyticsRecord>> ReadItemAsync(Work work, CancellationToken cancellation)
    {
        var item = work.Item;
        var scope = _api.RequestCounter?.BeginScope();
        try
        {
            if (work.Reuse is { } remembered)
            {
                var kept = await ReuseAsync(item, remembered, cancellation).ConfigureAwait(false);
                _outcomes[work] = remembered;
                Summary.ItemRead(item.IsPullRequest, kept.Count, scope?.Requests ?? 0, unchanged: true);
                return kept;
            }
            var (records, outcome) = await ReadCommentsAndDetailsAsync(item, cancellation).ConfigureAwait(false);
            _outcomes[work] = outcome;
            Summary.ItemRead(item.IsPullRequest, records.Count, scope?.Requests ?? 0);
            return records;
        }
        catch (EngineException e) when (IsRateLimit(e.Error))
        {
            Stop(e.Error);
            return NoRecords;
        }
        catch (EngineException e)
        {
            _outcomes[work] = null;
            Failed(item, e.Error);
            return NoRecords;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _outcomes[work] = null;
            Failed(item, new EngineError(ExtractionFailedErrorId, ErrorKind.InvalidOperation,
                $"Reading the session comments of {item} failed: {e.Message}", $"{item.Repository}#{item.Number}", e));
            return NoRecords;
        }
    }

    /// <summary>
    /// The records remembered for an unchanged item. A PR whose CI could still change without touching its updated_at
    /// (open when read, or closed less than <see cref="ExtractionOptions.CiSettleTime"/> before) gets its CI runs read
    /// again (one request, usually a free 304); a failure there keeps the remembered figures and is reported.
    /// </summary>
    private async Task<IReadOnlyList<SessionAnalyticsRecord>> ReuseAsync(GitHubIssueSummary item, ItemState remembered, CancellationToken cancellation)
    {
        var unsettled = remembered.PullRequest is { HeadRef.Length: > 0 } pr && remembered.Records.Count > 0
                        && ((pr.MergedAt ?? pr.ClosedAt) is not { } ended || remembered.ReadAt - ended < _options.CiSettleTime);
        if (unsettled)
        {
            var details = remembered.PullRequest!;
            try
            {
                var runs = await _api.ListWorkflowRunsAsync(item.Repository, details.HeadRef!, cancellation).ConfigureAwait(false);
                var ci = Ci(new GitHubPullRequestDetails(item.Number, "", null, "", details.MergedAt is not null, details.CreatedAt, details.ClosedAt, details.MergedAt,
                    0, 0, 0, 0, details.HeadRef, null, details.HeadRepository), runs);
                remembered.Records = remembered.Records.Select(r => r with { CiRuns = ci.Runs, CiPassRate = ci.PassRate }).ToList();
                remembered.ReadAt = _options.Clock();
            }
            catch (EngineException e) when (!IsRateLimit(e.Error))
            {
                _diagnostics.Error(e.Error with
                {
                    Message = $"{e.Error.Message} The sessions of {item} are kept with the CI figures of the earlier run.",
                    Target = $"{item.Repository}#{item.Number}",
                });
                Summary.Problem(new ExtractionProblem(item.Repository.FullName, item.Number, TypeOf(item), e.Error.ErrorId, e.Error.Message, RecordsKept: true));
            }
        }
        return remembered.Records.Select(r => ExtractionNotes.Attach(r with { }, Summary)).ToList();
    }

    private void Failed(GitHubIssueSummary item, EngineError error)
    {
        _diagnostics.Error(error with
        {
            Message = $"{error.Message} The session comments of {item} are missing from the extraction; the other PRs and issues are read.",
            Target = $"{item.Repository}#{item.Number}",
        });
        Summary.ItemFailed(new ExtractionProblem(item.Repository.FullName, item.Number, TypeOf(item), error.ErrorId, error.Message, RecordsKept: false));
    }

    private async Task<(IReadOnlyList<SessionAnalyticsRecord> Records, ItemState? Outcome)> ReadCommentsAndDetailsAsync(GitHubIssueSummary item, CancellationToken cancellation)
    {
        IReadOnlyList<GitHubComment> comments = item.CommentCount == 0
            ? []
            : _listedComments.TryGetValue((item.Repository.FullName.ToUpperInvariant(), item.Number), out var listed)
                ? listed
                : await _api.ListIssueCommentsAsync(item.Repository, item.Number, null, cancellation).ConfigureAwait(false);
        var publisher = comments.Any(c => _trust.NeedsPublisher(c) && SessionCommentParser.IsSessionComment(c.Body))
            ? await PublisherAsync(cancellation).ConfigureAwait(false)
            : null;
        var sessions = SelectSessions(item, comments, publisher);
        PullRequestState? pr = null;
        IReadOnlyList<SessionAnalyticsRecord> records = NoRecords;
        var complete = true;
        if (sessions.Count > 0)
        {
            var (target, details, described) = await DescribeAsync(item, cancellation).ConfigureAwait(false);
            complete = described;
            if (details is not null) pr = new PullRequestState(details.CreatedAt, details.MergedAt, details.ClosedAt, details.HeadRef, details.HeadRepository);
            records = sessions.Select(s => ExtractionNotes.Attach(SessionAnalyticsRecord.FromStats(s.Stats, target) with
            {
                CommentAuthor = s.Comment.AuthorLogin,
                CommentUrl = s.Comment.HtmlUrl,
            }, Summary)).ToList();
        }
        // Remembered only when everything was read and GitHub gave an updated_at to compare with next time.
        var outcome = complete && item.UpdatedAt is { } updated
            ? new ItemState
            {
                Repository = item.Repository.FullName,
                Number = item.Number,
                IsPullRequest = item.IsPullRequest,
                Title = item.Title,
                CreatedAt = item.CreatedAt,
                UpdatedAt = updated,
                CommentCount = item.CommentCount,
                ReadAt = _options.Clock(),
                NeedsReader = publisher is not null,
                PullRequest = pr,
                Records = [.. records],
            }
            : null;
        return (records, outcome);
    }

    /// <summary>
    /// The session comments that count (<see cref="SessionCommentSelection"/>: marked, by a trusted author, readable,
    /// within bounds; per session the fullest, then the oldest); each one left out is reported and noted.
    /// </summary>
    private List<(SessionStats Stats, GitHubComment Comment)> SelectSessions(GitHubIssueSummary item, IReadOnlyList<GitHubComment> comments, string? publisher)
    {
        var selection = SessionCommentSelection.Select(comments, _trust, publisher);
        foreach (var skipped in selection.Skipped.OrderBy(s => s.Comment.CreatedAt).ThenBy(s => s.Comment.Id))
            LeaveOut(item, skipped.Comment, skipped.Reason switch
            {
                SkippedCommentReason.UntrustedAuthor => LeftOutReason.UntrustedAuthor,
                SkippedCommentReason.Unreadable => LeftOutReason.UnreadableJson,
                _ => LeftOutReason.Duplicate,
            }, skipped.Detail);
        return selection.Counted.Select(c => (c.Stats, c.Comment)).ToList();
    }

    /// <summary>
    /// The reading account's login, asked for once and only when a comment's association alone does not decide
    /// (GET /user costs a request); null for anonymous reads.
    /// </summary>
    private Task<string?> PublisherAsync(CancellationToken cancellation)
    {
        lock (_publisherGate)
            return _publisher ??= _api.Token is null
                ? Task.FromResult<string?>(null)
                : ResolvePublisherAsync(cancellation);
    }

    private async Task<string?> ResolvePublisherAsync(CancellationToken cancellation) =>
        await _api.GetAuthenticatedLoginAsync(_options.IntegrationLogin, cancellation).ConfigureAwait(false);

    private void LeaveOut(GitHubIssueSummary item, GitHubComment comment, LeftOutReason reason, string detail)
    {
        Summary.Add(new LeftOutComment(item.Repository.FullName, item.Number, TypeOf(item), comment.Id, comment.HtmlUrl, comment.AuthorLogin, reason, detail));
        var where = $"comment {comment.Id} on {item}{(comment.HtmlUrl is null ? "" : $" ({comment.HtmlUrl})")}";
        _diagnostics.Warning(reason switch
        {
            LeftOutReason.UntrustedAuthor => $"Left out session {where}: {detail}.",
            LeftOutReason.UnreadableJson => $"Skipped session {where} by {comment.AuthorLogin ?? "(unknown)"}: {detail}",
            _ => $"Left out session {where}: {detail}.",
        });
    }

    /// <summary>The PR/issue's GitHub figures. A failure here keeps the sessions (with empty GitHub columns) and reports an error.</summary>
    private async Task<(PullRequestInfo Target, GitHubPullRequestDetails? Details, bool Complete)> DescribeAsync(GitHubIssueSummary item, CancellationToken cancellation)
    {
        if (!item.IsPullRequest)
            return (new PullRequestInfo
            {
                Repository = item.Repository.FullName,
                Number = item.Number,
                TargetType = PullRequestTargetType.Issue,
                Title = item.Title,
                Author = item.AuthorLogin,
                State = item.State,
                StateReason = item.StateReason,
                CreatedAt = item.CreatedAt,
                ClosedAt = item.ClosedAt,
            }, null, true);

        GitHubPullRequestDetails? details = null;
        (int Runs, decimal? PassRate)? ci = null;
        try
        {
            details = await _api.GetPullRequestDetailsAsync(item.Repository, item.Number, cancellation).ConfigureAwait(false);
            if (details.HeadRef is { Length: > 0 } branch)
                ci = Ci(details, await _api.ListWorkflowRunsAsync(item.Repository, branch, cancellation).ConfigureAwait(false));
        }
        catch (EngineException e)
        {
            if (IsRateLimit(e.Error)) Stop(e.Error);
            else
                _diagnostics.Error(e.Error with
                {
                    Message = $"{e.Error.Message} The sessions of {item} are kept without the figures that request gives (lines, review comments, CI).",
                    Target = $"{item.Repository}#{item.Number}",
                });
            Summary.Problem(new ExtractionProblem(item.Repository.FullName, item.Number, TypeOf(item), e.Error.ErrorId, e.Error.Message, RecordsKept: true));
        }

        return (new PullRequestInfo
        {
            Repository = item.Repository.FullName,
            Number = item.Number,
            TargetType = PullRequestTargetType.PullRequest,
            Title = details?.Title ?? item.Title,
            Author = details?.AuthorLogin ?? item.AuthorLogin,
            State = details?.State ?? item.State,
            CreatedAt = details?.CreatedAt ?? item.CreatedAt,
            ClosedAt = details?.ClosedAt ?? item.ClosedAt,
            MergedAt = details?.MergedAt ?? item.MergedAt,
            ReviewComments = details?.ReviewComments,
            LinesAdded = details?.Additions,
            LinesRemoved = details?.Deletions,
            CiRuns = ci?.Runs,
            CiPassRate = ci?.PassRate,
        }, details, details is not null && (ci is not null || details.HeadRef is not { Length: > 0 }));
    }

    /// <summary>Completed runs of the head branch (in the head repository) created while the PR was open, and the share that succeeded.</summary>
    internal static (int Runs, decimal? PassRate) Ci(GitHubPullRequestDetails pr, IReadOnlyList<GitHubWorkflowRun> runs)
    {
        var until = pr.MergedAt ?? pr.ClosedAt;
        var completed = runs
            .Where(r => pr.HeadRepository is null || r.HeadRepository is null || string.Equals(r.HeadRepository, pr.HeadRepository, StringComparison.OrdinalIgnoreCase))
            .Where(r => r.CreatedAt >= pr.CreatedAt && (until is null || r.CreatedAt <= until))
            .Where(r => string.Equals(r.Status, "completed", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (completed.Count == 0) return (0, null);
        var passed = completed.Count(r => string.Equals(r.Conclusion, "success", StringComparison.OrdinalIgnoreCase));
        return (completed.Count, Math.Round(100m * passed / completed.Count, 1, MidpointRounding.AwayFromZero));
    }

    // ---------------------------------------------------------------- stopping, progress

    private static bool IsRateLimit(EngineError error) =>
        error.ErrorId is GitHubErrors.RateLimitExceeded or GitHubErrors.SecondaryRateLimit;

    private void Stop(EngineError error)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _stopError = error;
        Summary.StopReason = error.Message.TrimEnd('.');
        _diagnostics.Verbose($"Stopping the extraction: {error.Message}");
    }

    private EngineError StoppedError(EngineError cause) => cause with
    {
        Message = $"The extraction stopped: {cause.Message.TrimEnd('.')}. {Summary.ItemsRead} of {Summary.PullRequestsFound + Summary.IssuesFound} PRs/issues were read "
                  + $"and their {Summary.Sessions} session records are kept; {Summary.ItemsNotRead} were not read.",
        Target = Summary.Repository,
        RecommendedAction = (cause.RecommendedAction is null ? "" : cause.RecommendedAction + " ")
                            + "Responses already read are in the cache and are revalidated for free (304), so running the same command again costs little.",
    };

    private void ReportProgress(int total)
    {
        var done = Interlocked.Increment(ref _done);
        _diagnostics.Progress(ProgressActivity,
            $"{done} of {total} PRs/issues read; {Summary.Sessions} sessions; {_api.RequestCounter?.Requests ?? 0} requests",
            total == 0 ? 100 : done * 100 / total);
    }

    private static string TypeOf(GitHubIssueSummary item) => item.IsPullRequest ? PullRequestTargetType.PullRequest : PullRequestTargetType.Issue;

    private static DateTimeOffset WholeSeconds(DateTimeOffset d)
    {
        var utc = d.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    /// <summary>GitHub search's date-time form: 2026-01-01T00:00:00+00:00.</summary>
    internal static string Iso(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
}
