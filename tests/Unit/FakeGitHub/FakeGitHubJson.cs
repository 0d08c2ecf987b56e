using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SessionAnalytics.Tests.FakeGitHub;

/// <summary>
/// The JSON shapes GitHub sends (the members Octokit reads), built from the store's objects. Web links
/// (html_url) point at the fake's own host so nothing refers to github.com.
/// </summary>
public static class FakeGitHubJson
{
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>http://127.0.0.1:port/ of the request being answered.</summary>
    public static string Root(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}/";

    public static object User(string root, string login, string type = "User") => new
    {
        login,
        id = StableId(login),
        node_id = "U_" + login,
        type,
        site_admin = false,
        url = $"{root}users/{login}",
        html_url = $"{root}{login}",
    };

    public static object User(string root, FakeUser user) => User(root, user.Login, user.Type);

    public static object Repository(string root, FakeRepository repo) => new
    {
        id = repo.Id,
        node_id = "R_" + repo.Id,
        name = repo.Name,
        full_name = repo.FullName,
        owner = User(root, repo.Owner),
        @private = repo.IsPrivate,
        html_url = $"{root}{repo.FullName}",
        url = $"{root}repos/{repo.FullName}",
        default_branch = repo.DefaultBranch,
    };

    public static string HtmlUrl(string root, FakeIssue issue) =>
        $"{root}{issue.Repository.FullName}/{(issue.IsPullRequest ? "pull" : "issues")}/{issue.Number}";

    public static object Comment(string root, FakeComment c, FakeIssue issue) => new
    {
        id = c.Id,
        node_id = "IC_" + c.Id,
        url = $"{root}repos/{c.Repository.FullName}/issues/comments/{c.Id}",
        html_url = $"{HtmlUrl(root, issue)}#issuecomment-{c.Id}",
        issue_url = $"{root}repos/{c.Repository.FullName}/issues/{c.IssueNumber}",
        body = c.Body,
        user = User(root, c.Author, c.Author.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User"),
        created_at = Timestamp(c.CreatedAt),
        updated_at = Timestamp(c.UpdatedAt),
        author_association = c.Repository.AssociationOf(c.Author),
    };

    public static object Issue(string root, FakeIssue i, int commentCount) => new
    {
        id = StableId(i.Repository.FullName + "#" + i.Number),
        node_id = "I_" + i.Number,
        number = i.Number,
        title = i.Title,
        state = i.State,
        locked = false,
        url = $"{root}repos/{i.Repository.FullName}/issues/{i.Number}",
        html_url = HtmlUrl(root, i),
        comments_url = $"{root}repos/{i.Repository.FullName}/issues/{i.Number}/comments",
        user = User(root, i.Author),
        labels = Array.Empty<object>(),
        assignees = Array.Empty<object>(),
        comments = commentCount,
        created_at = Timestamp(i.CreatedAt),
        updated_at = Timestamp(i.CreatedAt),
        closed_at = i.State == "closed" ? Timestamp(i.CreatedAt) : null,
        author_association = "CONTRIBUTOR",
        body = (string?)null,
        pull_request = i.IsPullRequest
            ? new
            {
                url = $"{root}repos/{i.Repository.FullName}/pulls/{i.Number}",
                html_url = HtmlUrl(root, i),
                merged_at = i.Merged ? Timestamp(i.CreatedAt) : null,
            }
            : null,
    };

    public static object PullRequest(string root, FakeIssue pr, int commentCount) => new
    {
        id = StableId(pr.Repository.FullName + "#" + pr.Number),
        node_id = "PR_" + pr.Number,
        number = pr.Number,
        title = pr.Title,
        state = pr.State,
        locked = false,
        draft = false,
        merged = pr.Merged,
        url = $"{root}repos/{pr.Repository.FullName}/pulls/{pr.Number}",
        html_url = HtmlUrl(root, pr),
        issue_url = $"{root}repos/{pr.Repository.FullName}/issues/{pr.Number}",
        user = User(root, pr.Author),
        comments = commentCount,
        created_at = Timestamp(pr.CreatedAt),
        updated_at = Timestamp(pr.CreatedAt),
        closed_at = pr.State == "closed" ? Timestamp(pr.CreatedAt) : null,
        merged_at = pr.Merged ? Timestamp(pr.CreatedAt) : null,
        head = Ref(root, pr.Repository, pr.HeadOwner ?? pr.Repository.Owner, pr.HeadRef ?? "unknown"),
        @base = Ref(root, pr.Repository, pr.Repository.Owner, pr.BaseRef ?? pr.Repository.DefaultBranch),
    };

    private static object Ref(string root, FakeRepository repo, string owner, string branch) => new
    {
        label = $"{owner}:{branch}",
        @ref = branch,
        sha = "0123456789abcdef0123456789abcdef01234567",
        user = User(root, owner),
        repo = Repository(root, repo),
    };

    /// <summary>A positive id that stays the same for the same name across runs (string.GetHashCode does not).</summary>
    public static long StableId(string name)
    {
        ulong hash = 14695981039346656037;
        foreach (var ch in name) hash = (hash ^ ch) * 1099511628211;
        return (long)(hash % 1_000_000_000) + 1;
    }
}

/// <summary>
/// GitHub's pagination: <c>per_page</c> (default 30, at most 100) and <c>page</c> (from 1), and a Link header with
/// absolute first/prev/next/last links that keep the request's other query parameters.
/// </summary>
public static class FakeGitHubPaging
{
    public const int DefaultPerPage = 30;
    public const int MaxPerPage = 100;

    public static IResult Page<T>(HttpContext http, IReadOnlyList<T> items, Func<T, object> toJson) =>
        Results.Json(Slice(http, items).Select(toJson).ToList());

    /// <summary>The requested page number and size.</summary>
    public static (int Page, int PerPage) Requested(HttpContext http)
    {
        var query = http.Request.Query;
        var perPage = int.TryParse(query["per_page"], NumberStyles.None, CultureInfo.InvariantCulture, out var pp) && pp > 0 ? Math.Min(pp, MaxPerPage) : DefaultPerPage;
        var page = int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        return (page, perPage);
    }

    /// <summary>The items of the requested page; sets the Link header. Bare arrays and wrapped lists page alike.</summary>
    public static IEnumerable<T> Slice<T>(HttpContext http, IReadOnlyList<T> items)
    {
        var (page, perPage) = Requested(http);
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);

        var links = new List<string>();
        if (page < last)
        {
            links.Add($"<{PageUrl(http, page + 1)}>; rel=\"next\"");
            links.Add($"<{PageUrl(http, last)}>; rel=\"last\"");
        }
        if (page > 1)
        {
            links.Add($"<{PageUrl(http, 1)}>; rel=\"first\"");
            links.Add($"<{PageUrl(http, Math.Min(page - 1, last))}>; rel=\"prev\"");
        }
        if (links.Count > 0) http.Response.Headers["Link"] = string.Join(", ", links);
        return items.Skip((page - 1) * perPage).Take(perPage);
    }

    private static string PageUrl(HttpContext http, int page)
    {
        var parameters = http.Request.Query
            .Where(q => q.Key != "page")
            .Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value.ToString()))
            .Append("page=" + page.ToString(CultureInfo.InvariantCulture));
        return $"{FakeGitHubJson.Root(http)}{http.Request.Path.Value!.TrimStart('/')}?{string.Join("&", parameters)}";
    }
}
