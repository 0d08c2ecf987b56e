using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace SessionAnalytics.Tests.FakeGitHub;

/// <summary>
/// What the extraction needs from the fake GitHub, kept apart from the base routes:
/// <list type="bullet">
/// <item><c>GET /search/issues</c> with GitHub's qualifiers <c>repo:</c>, <c>org:</c>/<c>user:</c> (every repository of
/// the owner the caller can see), <c>is:pr|issue</c>, <c>type:</c>, <c>created:</c> and <c>updated:</c> (dates or
/// date-times, <c>A..B</c>, <c>&gt;=A</c>, ...), <c>sort=created</c>, <c>order</c>, and GitHub's
/// cap: at most <see cref="FakeGitHubExtras.SearchResultCap"/> results (1,000 by default) are listed whatever
/// <c>total_count</c> says, and a page past the cap is 422;</item>
/// <item>the base route <c>GET /repos/{o}/{r}/pulls/{n}</c> (<see cref="FakeGitHubRoutes.GetPullRequest"/>) answers with
/// the fields only the single-PR answer has (additions, deletions, review_comments, commits, head sha, merged_at) from
/// <see cref="FakePullRequestFacts"/> added to its JSON (ASP.NET refuses a second endpoint of the same name, and faults are
/// queued by name);</item>
/// <item><c>GET /repos/{o}/{r}/actions/runs</c> filtered by branch, head_sha, event and status;</item>
/// <item><c>GET /orgs/{org}/repos</c> (organizations registered with <see cref="FakeGitHubExtras.AddOrganization"/>;
/// 404 for anything else, as GitHub answers for a user) and <c>GET /users/{user}/repos</c> (public repositories),
/// sorted by name, paged with Link headers like every list;</item>
/// <item>an issue's <c>updated_at</c> (<see cref="FakeGitHubExtractionData.UpdatedAt"/>): its creation, its comments'
/// last edits, and <see cref="FakeGitHubExtractionData.Touch"/> (a push, a merge, a label);</item>
/// <item><c>GET /repos/{o}/{r}/issues/comments</c>, every comment of the repository, with <c>since</c> (updated at or
/// after), <c>sort</c> (created, updated) and <c>direction</c>;</item>
/// <item>for every request, after authentication and rate-limit counting: the added <see cref="FakeGitHubExtras.Latency"/>,
/// faults queued for one exact path (<see cref="FakeGitHubExtras.FailPath"/>), and conditional GETs: each 200 answer to a
/// GET gets an ETag (a hash of its body), and a request whose <c>If-None-Match</c> carries it is answered 304 without a body
/// and, as on GitHub, does not count against the rate limit (the count made before is given back).</item>
/// </list>
/// </summary>
public static class FakeGitHubExtractionRoutes
{
    public const string SearchIssues = "SearchIssues";
    public const string ListWorkflowRuns = "ListWorkflowRuns";
    public const string ListRepositoryComments = "ListRepositoryComments";
    public const string ListOrganizationRepositories = "ListOrganizationRepositories";
    public const string ListUserRepositories = "ListUserRepositories";

    /// <summary>
    /// Registers the routes and the per-request behaviour; pass it to <see cref="FakeGitHubServer.StartAsync"/>
    /// (<c>FakeGitHubServer.StartAsync(FakeGitHubExtractionRoutes.Map)</c>), which runs it after its own middleware.
    /// </summary>
    public static void Map(FakeGitHubServer server, IEndpointRouteBuilder app)
    {
        var store = server.Store;
        var extras = server.Extras();
        var pipeline = app as IApplicationBuilder
                       ?? throw new InvalidOperationException("The extraction routes need the server's application builder for their middleware.");
        pipeline.Use((http, next) => Conditional(server, extras, http, next));

        app.MapGet("/search/issues", (HttpContext http) => Search(store, extras, http)).WithName(SearchIssues);

        app.MapGet("/orgs/{org}/repos", (HttpContext http, string org) =>
        {
            if (!extras.IsOrganization(org)) return FakeGitHubRoutes.NotFound();
            var root = FakeGitHubJson.Root(http);
            return FakeGitHubPaging.Page(http, OwnedRepositories(store, http, org, includePrivate: true), r => FakeGitHubJson.Repository(root, r));
        }).WithName(ListOrganizationRepositories);

        app.MapGet("/users/{user}/repos", (HttpContext http, string user) =>
        {
            var root = FakeGitHubJson.Root(http);
            return FakeGitHubPaging.Page(http, OwnedRepositories(store, http, user, includePrivate: false), r => FakeGitHubJson.Repository(root, r));
        }).WithName(ListUserRepositories);

        app.MapGet("/repos/{owner}/{repo}/issues/comments", (HttpContext http, string owner, string repo, string? since, string? sort, string? direction) =>
        {
            if (FakeGitHubRoutes.Visible(store, http, owner, repo) is not { } r) return FakeGitHubRoutes.NotFound();
            DateTimeOffset? after = null;
            if (since is not null)
            {
                if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    return Invalid($"'{since}' is not an ISO 8601 time stamp.");
                after = parsed;
            }
            var comments = r.Issues.SelectMany(i => r.CommentsOn(i.Number).Select(c => (Issue: i, Comment: c)))
                .Where(x => after is null || x.Comment.UpdatedAt >= after)
                .ToList();
            var byUpdate = sort == "updated";
            // GitHub: ascending unless direction=desc; ties in comment id order.
            comments = (direction == "desc"
                    ? comments.OrderByDescending(x => byUpdate ? x.Comment.UpdatedAt : x.Comment.CreatedAt).ThenByDescending(x => x.Comment.Id)
                    : comments.OrderBy(x => byUpdate ? x.Comment.UpdatedAt : x.Comment.CreatedAt).ThenBy(x => x.Comment.Id))
                .ToList();
            var root = FakeGitHubJson.Root(http);
            return FakeGitHubPaging.Page(http, comments, x => FakeGitHubJson.Comment(root, x.Comment, x.Issue));
        }).WithName(ListRepositoryComments);

        app.MapGet("/repos/{owner}/{repo}/actions/runs", (HttpContext http, string owner, string repo, string? branch, string? head_sha, string? @event, string? status) =>
        {
            if (FakeGitHubRoutes.Visible(store, http, owner, repo) is not { } r) return FakeGitHubRoutes.NotFound();
            var runs = r.WorkflowRuns()
                .Where(w => branch is null || w.HeadBranch == branch)
                .Where(w => head_sha is null || w.HeadSha == head_sha)
                .Where(w => @event is null || w.Event == @event)
                .Where(w => status is null || w.Status == status || w.Conclusion == status)
                .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id)
                .ToList();
            var root = FakeGitHubJson.Root(http);
            return WrappedPage(http, runs, runs.Count, "workflow_runs", w => WorkflowRun(root, r, w));
        }).WithName(ListWorkflowRuns);
    }

    // ------------------------------------------------------------------ search

    private static IResult Search(FakeGitHubStore store, FakeGitHubExtras extras, HttpContext http)
    {
        var q = http.Request.Query["q"].ToString();
        if (!TryParseQuery(q, out var query, out var problem)) return Invalid(problem);
        var repositories = query.Repositories
            .Select(name => name.Split('/') is [var owner, var repo] ? FakeGitHubRoutes.Visible(store, http, owner, repo) : null)
            .ToList();
        // GitHub answers 422 when a repo: or org: qualifier names nothing the caller can see.
        if (repositories.Any(r => r is null) || query.Owners.Any(o => !extras.IsOrganization(o) && store.Repositories.All(r => !string.Equals(r.Owner, o, StringComparison.OrdinalIgnoreCase))))
            return Invalid("The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.");
        repositories.AddRange(query.Owners.SelectMany(o => OwnedRepositories(store, http, o, includePrivate: true)));

        var matches = repositories.Distinct().SelectMany(r => r!.Issues)
            .Where(i => query.PullRequests is null || i.IsPullRequest == query.PullRequests)
            .Where(i => i.CreatedAt >= query.CreatedFrom && i.CreatedAt <= query.CreatedTo)
            .Where(i => query.UpdatedFrom is null || i.UpdatedAt() >= query.UpdatedFrom && i.UpdatedAt() <= query.UpdatedTo)
            .ToList();
        var ascending = http.Request.Query["order"] == "asc";
        IEnumerable<FakeIssue> sorted = http.Request.Query["sort"].ToString() is "created" or ""
            ? (ascending ? matches.OrderBy(i => i.CreatedAt).ThenBy(i => i.Number) : matches.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Number))
            : matches.OrderByDescending(i => i.Number);
        var listed = sorted.Take(extras.SearchResultCap).ToList();

        var (page, perPage) = FakeGitHubPaging.Requested(http);
        if ((page - 1) * perPage >= extras.SearchResultCap && page > 1)
            return Invalid($"Only the first {extras.SearchResultCap} search results are available");
        var root = FakeGitHubJson.Root(http);
        return WrappedPage(http, listed, matches.Count, "items", i => SearchItem(root, i));
    }

    /// <summary>The repositories of <paramref name="owner"/> the caller can see (private ones only when asked and authenticated), by name.</summary>
    private static List<FakeRepository> OwnedRepositories(FakeGitHubStore store, HttpContext http, string owner, bool includePrivate) =>
        store.Repositories
            .Where(r => string.Equals(r.Owner, owner, StringComparison.OrdinalIgnoreCase))
            .Where(r => !r.IsPrivate || includePrivate && FakeGitHubServer.UserOf(http) is not null)
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();

    private sealed record SearchQuery(List<string> Repositories, List<string> Owners, bool? PullRequests, DateTimeOffset CreatedFrom, DateTimeOffset CreatedTo,
        DateTimeOffset? UpdatedFrom = null, DateTimeOffset? UpdatedTo = null);

    private static bool TryParseQuery(string q, out SearchQuery query, out string problem)
    {
        query = new SearchQuery([], [], null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        problem = "";
        foreach (var term in q.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = term.IndexOf(':');
            if (colon < 0) { problem = $"The fake search understands only qualifiers; '{term}' is not one."; return false; }
            var (name, value) = (term[..colon].ToLowerInvariant(), term[(colon + 1)..]);
            switch (name)
            {
                case "repo":
                    query.Repositories.Add(value);
                    break;
                case "org" or "user":
                    query.Owners.Add(value);
                    break;
                case "updated":
                    if (!TryParseRange(value, out var since, out var until)) { problem = $"'{term}' is not a valid date range."; return false; }
                    query = query with { UpdatedFrom = since, UpdatedTo = until };
                    break;
                case "is" or "type" when value is "pr" or "issue":
                    query = query with { PullRequests = value == "pr" };
                    break;
                case "created":
                    if (!TryParseRange(value, out var from, out var to)) { problem = $"'{term}' is not a valid date range."; return false; }
                    query = query with { CreatedFrom = from, CreatedTo = to };
                    break;
                default:
                    problem = $"The fake search does not know the qualifier '{term}'.";
                    return false;
            }
        }
        if (query.Repositories.Count == 0 && query.Owners.Count == 0) { problem = "The fake search needs a repo:, org: or user: qualifier."; return false; }
        return true;
    }

    /// <summary>GitHub's forms: A..B, &gt;=A, &gt;A, &lt;=B, &lt;B, A (that day). A date alone covers its whole day (UTC).</summary>
    private static bool TryParseRange(string value, out DateTimeOffset from, out DateTimeOffset to)
    {
        from = DateTimeOffset.MinValue;
        to = DateTimeOffset.MaxValue;
        if (value.Split("..") is [var a, var b])
            return (a == "*" || TryParseBound(a, start: true, out from)) && (b == "*" || TryParseBound(b, start: false, out to));
        if (value.StartsWith(">=", StringComparison.Ordinal)) return TryParseBound(value[2..], true, out from);
        if (value.StartsWith("<=", StringComparison.Ordinal)) return TryParseBound(value[2..], false, out to);
        if (value.StartsWith('>') && TryParseBound(value[1..], false, out var after)) { from = after.AddTicks(1); return true; }
        if (value.StartsWith('<') && TryParseBound(value[1..], true, out var before)) { to = before.AddTicks(-1); return true; }
        return TryParseBound(value, true, out from) && TryParseBound(value, false, out to);
    }

    private static bool TryParseBound(string text, bool start, out DateTimeOffset at)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            if (!start) at = at.AddDays(1).AddTicks(-1);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }

    private static JsonNode SearchItem(string root, FakeIssue issue)
    {
        var node = JsonSerializer.SerializeToNode(FakeGitHubJson.Issue(root, issue, issue.Repository.CommentsOn(issue.Number).Count))!;
        var facts = issue.Facts();
        node["score"] = 1.0;
        node["updated_at"] = FakeGitHubJson.Timestamp(issue.UpdatedAt());
        node["repository_url"] = $"{root}repos/{issue.Repository.FullName}";
        node["state_reason"] = facts.StateReason;
        node["closed_at"] = ClosedAt(issue, facts) is { } closed ? FakeGitHubJson.Timestamp(closed) : null;
        if (node["pull_request"] is JsonObject pull)
            pull["merged_at"] = MergedAt(issue, facts) is { } merged ? FakeGitHubJson.Timestamp(merged) : null;
        return node;
    }

    // ------------------------------------------------------------------ pull request details, workflow runs

    /// <summary>The base route's PR JSON with the facts the extraction reads added.</summary>
    private static JsonNode PullRequestDetails(JsonNode node, FakeIssue pr)
    {
        var facts = pr.Facts();
        node["additions"] = facts.Additions;
        node["deletions"] = facts.Deletions;
        node["changed_files"] = facts.ChangedFiles;
        node["commits"] = facts.Commits;
        node["review_comments"] = facts.ReviewComments;
        node["merged_at"] = MergedAt(pr, facts) is { } merged ? FakeGitHubJson.Timestamp(merged) : null;
        node["closed_at"] = ClosedAt(pr, facts) is { } closed ? FakeGitHubJson.Timestamp(closed) : null;
        node["head"]!["sha"] = facts.HeadSha ?? DefaultSha(pr);
        if (pr.HeadOwner is { } headOwner && !string.Equals(headOwner, pr.Repository.Owner, StringComparison.OrdinalIgnoreCase))
        {
            node["head"]!["repo"]!["full_name"] = $"{headOwner}/{pr.Repository.Name}";
            node["head"]!["repo"]!["name"] = pr.Repository.Name;
        }
        return node;
    }

    private static DateTimeOffset? MergedAt(FakeIssue issue, FakePullRequestFacts facts) =>
        issue.Merged ? facts.MergedAt ?? issue.CreatedAt : null;

    private static DateTimeOffset? ClosedAt(FakeIssue issue, FakePullRequestFacts facts) =>
        issue.State == "closed" ? facts.ClosedAt ?? MergedAt(issue, facts) ?? issue.CreatedAt : null;

    public static string DefaultSha(FakeIssue pr) =>
        Convert.ToHexString(SHA1.HashData(System.Text.Encoding.UTF8.GetBytes($"{pr.Repository.FullName}#{pr.Number}"))).ToLowerInvariant();

    private static object WorkflowRun(string root, FakeRepository repo, FakeWorkflowRun w) => new
    {
        id = w.Id,
        name = w.Name,
        node_id = "WFR_" + w.Id,
        head_branch = w.HeadBranch,
        head_sha = w.HeadSha,
        path = ".github/workflows/ci.yml",
        run_number = w.Id % 10_000,
        @event = w.Event,
        display_title = w.Name,
        status = w.Status,
        conclusion = w.Conclusion,
        workflow_id = 1,
        url = $"{root}repos/{repo.FullName}/actions/runs/{w.Id}",
        html_url = $"{root}{repo.FullName}/actions/runs/{w.Id}",
        pull_requests = Array.Empty<object>(),
        created_at = FakeGitHubJson.Timestamp(w.CreatedAt),
        updated_at = FakeGitHubJson.Timestamp(w.CreatedAt.AddMinutes(5)),
        run_attempt = 1,
        run_started_at = FakeGitHubJson.Timestamp(w.CreatedAt),
        repository = FakeGitHubJson.Repository(root, repo),
        head_repository = new
        {
            id = FakeGitHubJson.StableId(w.HeadRepository ?? repo.FullName),
            name = (w.HeadRepository ?? repo.FullName).Split('/')[1],
            full_name = w.HeadRepository ?? repo.FullName,
            owner = FakeGitHubJson.User(root, (w.HeadRepository ?? repo.FullName).Split('/')[0]),
        },
    };

    // ------------------------------------------------------------------ paging of wrapped lists, errors

    /// <summary>A page of <paramref name="items"/> as {"total_count": n, "&lt;member&gt;": [...]} with GitHub's Link header.</summary>
    private static IResult WrappedPage<T>(HttpContext http, IReadOnlyList<T> items, int totalCount, string member, Func<T, object> toJson)
    {
        var slice = FakeGitHubPaging.Slice(http, items).Select(i => JsonSerializer.SerializeToNode(toJson(i))).ToArray();
        var body = new JsonObject
        {
            ["total_count"] = totalCount,
            ["incomplete_results"] = false,
            [member] = new JsonArray(slice),
        };
        if (member != "items") body.Remove("incomplete_results");
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult Invalid(string message) =>
        Results.Json(new
        {
            message = "Validation Failed",
            errors = new[] { new { resource = "Search", field = "q", code = "invalid", message } },
            documentation_url = "https://docs.github.com/v3/search/",
        }, statusCode: 422);

    // ------------------------------------------------------------------ latency, path faults, conditional requests

    private static async Task Conditional(FakeGitHubServer server, FakeGitHubExtras extras, HttpContext http, RequestDelegate next)
    {
        if (extras.Latency > TimeSpan.Zero) await Task.Delay(extras.Latency);
        var path = http.Request.Path.Value ?? "/";
        if (extras.TakePathFault(path) is { } fault)
        {
            foreach (var (name, value) in fault.Headers) http.Response.Headers[name] = value;
            http.Response.StatusCode = fault.Status;
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(fault.Body());
            return;
        }
        if (!HttpMethods.IsGet(http.Request.Method))
        {
            await next(http);
            return;
        }

        var realBody = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try { await next(http); }
        finally { http.Features.Set(realBody); }

        if (http.Response.StatusCode == StatusCodes.Status200OK
            && http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == FakeGitHubRoutes.GetPullRequest
            && FakeGitHubRoutes.Visible(server.Store, http, (string)http.GetRouteValue("owner")!, (string)http.GetRouteValue("repo")!) is { } repository
            && int.TryParse((string?)http.GetRouteValue("number"), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && repository.FindIssue(number) is { } pr)
        {
            var details = PullRequestDetails(JsonNode.Parse(buffer.ToArray())!, pr).ToJsonString();
            buffer.SetLength(0);
            buffer.Write(System.Text.Encoding.UTF8.GetBytes(details));
            http.Response.ContentLength = null;
        }
        if (http.Response.StatusCode == StatusCodes.Status200OK)
        {
            var etag = "W/\"" + Convert.ToHexString(SHA256.HashData(buffer.ToArray()))[..40].ToLowerInvariant() + "\"";
            http.Response.Headers.ETag = etag;
            if (Matches(http.Request.Headers.IfNoneMatch, etag))
            {
                http.Response.StatusCode = StatusCodes.Status304NotModified;
                http.Response.Headers.ContentType = StringValues.Empty;
                http.Response.Headers.ContentLength = null;
                RefundRateLimit(server, http);
                return;
            }
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body);
    }

    private static bool Matches(StringValues ifNoneMatch, string etag) =>
        ifNoneMatch.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()).Any(v => v == etag || v == "*");

    /// <summary>A 304 is free on GitHub: give back the request the server counted, and say so in the headers.</summary>
    private static void RefundRateLimit(FakeGitHubServer server, HttpContext http)
    {
        var identity = FakeGitHubServer.UserOf(http)?.Login ?? "anonymous:" + http.Connection.RemoteIpAddress;
        lock (server.Store.Gate)
        {
            var limit = server.Store.RateLimit(identity);
            limit.Remaining = Math.Min(limit.Limit, limit.Remaining + 1);
            http.Response.Headers["X-RateLimit-Remaining"] = limit.Remaining.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["X-RateLimit-Used"] = limit.Used.ToString(CultureInfo.InvariantCulture);
        }
        Interlocked.Increment(ref server.Extras().NotModifiedCount);
    }
}

/// <summary>Per-server settings and data of <see cref="FakeGitHubExtractionRoutes"/>.</summary>
public sealed class FakeGitHubExtras
{
    private readonly object _gate = new();
    private readonly List<(string Path, FakeFault Fault)> _pathFaults = [];
    internal int NotModifiedCount;

    private readonly HashSet<string> _organizations = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes <paramref name="name"/> an organization: GET /orgs/{name}/repos lists its repositories (any other owner is a user there: 404).</summary>
    public void AddOrganization(string name)
    {
        lock (_gate) _organizations.Add(name);
    }

    public bool IsOrganization(string name)
    {
        lock (_gate) return _organizations.Contains(name);
    }

    /// <summary>How many results the search lists per query at most (GitHub: 1,000).</summary>
    public int SearchResultCap { get; set; } = 1000;

    /// <summary>Added to every request before it is answered (benchmarks: 50 ms, like a distant API).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Requests answered 304 Not Modified so far.</summary>
    public int NotModified => Volatile.Read(ref NotModifiedCount);

    /// <summary>The next <paramref name="times"/> requests to exactly <paramref name="path"/> (e.g. /repos/o/r/issues/7/comments) get <paramref name="fault"/>.</summary>
    public void FailPath(string path, FakeFault fault, int times = 1)
    {
        lock (_gate)
            for (var i = 0; i < times; i++) _pathFaults.Add((path, fault));
    }

    internal FakeFault? TakePathFault(string path)
    {
        lock (_gate)
        {
            var index = _pathFaults.FindIndex(f => string.Equals(f.Path, path, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return null;
            var fault = _pathFaults[index].Fault;
            _pathFaults.RemoveAt(index);
            return fault;
        }
    }
}

/// <summary>What GitHub knows about a PR or issue beyond the base fake's fields.</summary>
public sealed class FakePullRequestFacts
{
    public int Additions { get; set; }
    public int Deletions { get; set; }
    public int ChangedFiles { get; set; } = 1;
    public int Commits { get; set; } = 1;
    public int ReviewComments { get; set; }
    public string? HeadSha { get; set; }
    /// <summary>Defaults to the creation time when the PR is merged.</summary>
    public DateTimeOffset? MergedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>Issues: completed, not_planned, reopened.</summary>
    public string? StateReason { get; set; }
}

public sealed record FakeWorkflowRun(long Id, string Name, string HeadBranch, string HeadSha, string Event, string Status, string? Conclusion,
    DateTimeOffset CreatedAt, string? HeadRepository = null);

/// <summary>The extras hung on the base fake's objects without changing their classes.</summary>
public static class FakeGitHubExtractionData
{
    private static readonly ConditionalWeakTable<FakeGitHubServer, FakeGitHubExtras> ServerExtras = new();
    private static readonly ConditionalWeakTable<FakeIssue, FakePullRequestFacts> IssueFacts = new();
    private static readonly ConditionalWeakTable<FakeRepository, List<FakeWorkflowRun>> RepositoryRuns = new();
    private static readonly ConditionalWeakTable<FakeIssue, StrongBox<DateTimeOffset>> Touched = new();
    private static long _nextRunId = 90_000;

    public static FakeGitHubExtras Extras(this FakeGitHubServer server) => ServerExtras.GetValue(server, _ => new FakeGitHubExtras());

    public static FakePullRequestFacts Facts(this FakeIssue issue) => IssueFacts.GetValue(issue, _ => new FakePullRequestFacts());

    /// <summary>GitHub's updated_at of an issue or PR: the latest of its creation, its comments' creation or edit, and <see cref="Touch"/>.</summary>
    public static DateTimeOffset UpdatedAt(this FakeIssue issue)
    {
        var latest = issue.CreatedAt;
        foreach (var c in issue.Repository.CommentsOn(issue.Number)) if (c.UpdatedAt > latest) latest = c.UpdatedAt;
        if (Touched.TryGetValue(issue, out var touched) && touched.Value > latest) latest = touched.Value;
        return latest;
    }

    /// <summary>Something else changed the issue or PR at <paramref name="at"/> (a push, a review, a merge, a label): its updated_at moves.</summary>
    public static void Touch(this FakeIssue issue, DateTimeOffset at) => Touched.AddOrUpdate(issue, new StrongBox<DateTimeOffset>(at));

    public static IReadOnlyList<FakeWorkflowRun> WorkflowRuns(this FakeRepository repo)
    {
        var runs = RepositoryRuns.GetValue(repo, _ => []);
        lock (runs) return runs.ToList();
    }

    /// <summary>Adds a workflow run of <paramref name="pr"/>'s head branch (from its head repository, unless given).</summary>
    public static FakeWorkflowRun AddWorkflowRun(this FakeIssue pr, DateTimeOffset createdAt, string? conclusion = "success",
        string status = "completed", string @event = "pull_request", string? headRepository = null, string? branch = null)
    {
        var run = new FakeWorkflowRun(Interlocked.Increment(ref _nextRunId), "CI", branch ?? pr.HeadRef ?? "unknown",
            pr.Facts().HeadSha ?? FakeGitHubExtractionRoutes.DefaultSha(pr), @event, status, status == "completed" ? conclusion : null, createdAt,
            headRepository ?? $"{pr.HeadOwner ?? pr.Repository.Owner}/{pr.Repository.Name}");
        var runs = RepositoryRuns.GetValue(pr.Repository, _ => []);
        lock (runs) runs.Add(run);
        return run;
    }
}
