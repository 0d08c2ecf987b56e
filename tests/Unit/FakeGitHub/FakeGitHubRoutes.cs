using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SessionAnalytics.Tests.FakeGitHub;

/// <summary>
/// The REST routes the fake serves. Each has a name (the constants) that faults and the request log use.
/// Behaviour follows GitHub: PRs are issues too (GET issues/{n} finds both, GET pulls/{n} only PRs), comment ids
/// are unique across the repository, only a comment's author may edit or delete it here (403 otherwise),
/// bodies over 65,536 characters are 422, writes need a token (401 "Requires authentication").
/// </summary>
public static class FakeGitHubRoutes
{
    public const string GetAuthenticatedUser = "GetAuthenticatedUser";
    public const string GetRateLimit = "GetRateLimit";
    public const string GetRepository = "GetRepository";
    public const string GetIssue = "GetIssue";
    public const string ListIssueComments = "ListIssueComments";
    public const string CreateIssueComment = "CreateIssueComment";
    public const string GetIssueComment = "GetIssueComment";
    public const string UpdateIssueComment = "UpdateIssueComment";
    public const string DeleteIssueComment = "DeleteIssueComment";
    public const string ListPullRequests = "ListPullRequests";
    public const string GetPullRequest = "GetPullRequest";

    public static void Map(FakeGitHubServer server, IEndpointRouteBuilder app)
    {
        var store = server.Store;

        app.MapGet("/user", (HttpContext http) => FakeGitHubServer.UserOf(http) switch
        {
            null => FakeGitHubServer.Error(401, "Requires authentication"),
            { Kind: FakeUserKind.Integration } => FakeGitHubServer.Error(403, "Resource not accessible by integration"),
            var user => Results.Json(FakeGitHubJson.User(FakeGitHubJson.Root(http), user)),
        }).WithName(GetAuthenticatedUser);

        app.MapGet("/rate_limit", (HttpContext http) =>
        {
            var h = http.Response.Headers;
            var core = new { limit = int.Parse(h["X-RateLimit-Limit"]!), remaining = int.Parse(h["X-RateLimit-Remaining"]!), reset = long.Parse(h["X-RateLimit-Reset"]!), used = int.Parse(h["X-RateLimit-Used"]!) };
            return Results.Json(new { resources = new { core }, rate = core });
        }).WithName(GetRateLimit);

        app.MapGet("/repos/{owner}/{repo}", (HttpContext http, string owner, string repo) =>
            Visible(store, http, owner, repo) is { } r ? Results.Json(FakeGitHubJson.Repository(FakeGitHubJson.Root(http), r)) : NotFound())
            .WithName(GetRepository);

        app.MapGet("/repos/{owner}/{repo}/issues/{number:int}", (HttpContext http, string owner, string repo, int number) =>
            Visible(store, http, owner, repo)?.FindIssue(number) is { } issue
                ? Results.Json(FakeGitHubJson.Issue(FakeGitHubJson.Root(http), issue, issue.Repository.CommentsOn(number).Count))
                : NotFound())
            .WithName(GetIssue);

        app.MapGet("/repos/{owner}/{repo}/issues/{number:int}/comments", (HttpContext http, string owner, string repo, int number) =>
        {
            if (Visible(store, http, owner, repo)?.FindIssue(number) is not { } issue) return NotFound();
            var root = FakeGitHubJson.Root(http);
            return FakeGitHubPaging.Page(http, issue.Repository.CommentsOn(number), c => FakeGitHubJson.Comment(root, c, issue));
        }).WithName(ListIssueComments);

        app.MapPost("/repos/{owner}/{repo}/issues/{number:int}/comments", async (HttpContext http, string owner, string repo, int number) =>
        {
            if (FakeGitHubServer.UserOf(http) is not { } user) return RequiresAuthentication();
            if (Visible(store, http, owner, repo)?.FindIssue(number) is not { } issue) return NotFound();
            var (body, invalid) = await ReadBody(http);
            if (invalid is not null) return invalid;
            var comment = issue.Repository.CreateComment(issue, user.Login, body!);
            return Results.Json(FakeGitHubJson.Comment(FakeGitHubJson.Root(http), comment.Snapshot(), issue), statusCode: 201);
        }).WithName(CreateIssueComment);

        app.MapGet("/repos/{owner}/{repo}/issues/comments/{id:long}", (HttpContext http, string owner, string repo, long id) =>
            Visible(store, http, owner, repo) is { } r && r.FindComment(id) is { } c
                ? Results.Json(FakeGitHubJson.Comment(FakeGitHubJson.Root(http), c, r.FindIssue(c.IssueNumber)!))
                : NotFound())
            .WithName(GetIssueComment);

        app.MapMethods("/repos/{owner}/{repo}/issues/comments/{id:long}", ["PATCH"], async (HttpContext http, string owner, string repo, long id) =>
        {
            if (FakeGitHubServer.UserOf(http) is not { } user) return RequiresAuthentication();
            if (Visible(store, http, owner, repo) is not { } r) return NotFound();
            var (body, invalid) = await ReadBody(http);
            if (invalid is not null) return r.FindComment(id) is null ? NotFound() : invalid;
            return r.UpdateComment(id, user.Login, body!) switch
            {
                (FakeEditOutcome.Done, var comment) => Results.Json(FakeGitHubJson.Comment(FakeGitHubJson.Root(http), comment!, r.FindIssue(comment!.IssueNumber)!)),
                (FakeEditOutcome.NotTheAuthor, _) => NotTheAuthor(),
                _ => NotFound(),
            };
        }).WithName(UpdateIssueComment);

        app.MapDelete("/repos/{owner}/{repo}/issues/comments/{id:long}", (HttpContext http, string owner, string repo, long id) =>
        {
            if (FakeGitHubServer.UserOf(http) is not { } user) return RequiresAuthentication();
            if (Visible(store, http, owner, repo) is not { } r) return NotFound();
            return r.DeleteComment(id, user.Login) switch
            {
                FakeEditOutcome.Done => Results.StatusCode(204),
                FakeEditOutcome.NotTheAuthor => NotTheAuthor(),
                _ => NotFound(),
            };
        }).WithName(DeleteIssueComment);

        app.MapGet("/repos/{owner}/{repo}/pulls", (HttpContext http, string owner, string repo, string? head, string? state, string? @base) =>
        {
            if (Visible(store, http, owner, repo) is not { } r) return NotFound();
            state ??= "open";
            var pulls = r.Issues.Where(i => i.IsPullRequest)
                .Where(i => state == "all" || i.State == state)
                .Where(i => head is null || $"{i.HeadOwner}:{i.HeadRef}".Equals(head, StringComparison.OrdinalIgnoreCase)
                                         || (!head.Contains(':') && string.Equals(i.HeadOwner, head, StringComparison.OrdinalIgnoreCase)))
                .Where(i => @base is null || i.BaseRef == @base)
                .OrderByDescending(i => i.CreatedAt)
                .ToList();
            var root = FakeGitHubJson.Root(http);
            return FakeGitHubPaging.Page(http, pulls, p => FakeGitHubJson.PullRequest(root, p, r.CommentsOn(p.Number).Count));
        }).WithName(ListPullRequests);

        app.MapGet("/repos/{owner}/{repo}/pulls/{number:int}", (HttpContext http, string owner, string repo, int number) =>
            Visible(store, http, owner, repo)?.FindIssue(number) is { IsPullRequest: true } pr
                ? Results.Json(FakeGitHubJson.PullRequest(FakeGitHubJson.Root(http), pr, pr.Repository.CommentsOn(number).Count))
                : NotFound())
            .WithName(GetPullRequest);
    }

    /// <summary>The repository if the caller may see it: private ones are 404 to anonymous callers, as on GitHub.</summary>
    public static FakeRepository? Visible(FakeGitHubStore store, HttpContext http, string owner, string repo) =>
        store.FindRepository(owner, repo) is { } r && (!r.IsPrivate || FakeGitHubServer.UserOf(http) is not null) ? r : null;

    public static IResult NotFound() => FakeGitHubServer.Error(404, "Not Found");

    public static IResult RequiresAuthentication() => FakeGitHubServer.Error(401, "Requires authentication");

    private static IResult NotTheAuthor() => FakeGitHubServer.Error(403, "Must have admin rights to Repository.");

    /// <summary>The "body" member of a comment request; 422 when missing or longer than GitHub allows.</summary>
    private static async Task<(string? Body, IResult? Invalid)> ReadBody(HttpContext http)
    {
        JsonDocument doc;
        try { doc = await JsonDocument.ParseAsync(http.Request.Body); }
        catch (JsonException) { return (null, FakeGitHubServer.Error(400, "Problems parsing JSON")); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("body", out var b) || b.ValueKind != JsonValueKind.String)
                return (null, Validation("missing_field", "body", "body wasn't supplied"));
            var body = b.GetString()!;
            if (body.Length > FakeGitHubStore.MaxCommentBodyLength)
                return (null, Validation("custom", "body", $"body is too long (maximum is {FakeGitHubStore.MaxCommentBodyLength} characters)"));
            return (body, null);
        }
    }

    private static IResult Validation(string code, string field, string message) =>
        Results.Json(new
        {
            message = "Validation Failed",
            errors = new[] { new { resource = "IssueComment", code, field, message } },
            documentation_url = "https://docs.github.com/rest/issues/comments",
        }, statusCode: 422);
}
