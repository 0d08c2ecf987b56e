using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SessionAnalytics.Tests.FakeGitHub;

/// <summary>The fake GitHub itself, over plain HttpClient: what tests built on it may rely on.</summary>
public sealed class FakeGitHubServerTests : IAsyncLifetime
{
    private const string Token = "ghp_fake_server_tests";
    private FakeGitHubServer _server = null!;
    private FakeRepository _repo = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _server = await FakeGitHubServer.StartAsync((server, routes) =>
            routes.MapGet("/search/issues", (HttpContext http) => FakeGitHubPaging.Page(http, server.Store.Repositories.SelectMany(r => r.Issues).ToList(),
                i => FakeGitHubJson.Issue(FakeGitHubJson.Root(http), i, 0))).WithName("SearchIssues"));
        _server.Store.AddUser("octo", Token);
        _repo = _server.Store.AddRepository("octo-org", "widget");
        _repo.AddPullRequest("fix/login", number: 7);
        _http.BaseAddress = new Uri(_server.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? token = Token, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("token", token);
        if (json is not null) request.Content = JsonContent.Create(json);
        return request;
    }

    private static Dictionary<string, string> Links(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var values)
            ? values.Single().Split(", ").ToDictionary(l => l[(l.IndexOf("rel=\"") + 5)..^1], l => l[1..l.IndexOf('>')])
            : [];

    [Fact]
    public async Task Pages_carry_absolute_first_prev_next_last_links_that_keep_the_query()
    {
        for (int i = 0; i < 65; i++) _repo.AddComment(7, "someone", $"c{i}");
        var url = $"{_server.BaseUrl}repos/octo-org/widget/issues/7/comments";

        var first = await _http.SendAsync(Request(HttpMethod.Get, "repos/octo-org/widget/issues/7/comments"));
        var middle = await _http.SendAsync(Request(HttpMethod.Get, "repos/octo-org/widget/issues/7/comments?per_page=30&page=2"));
        var last = await _http.SendAsync(Request(HttpMethod.Get, "repos/octo-org/widget/issues/7/comments?per_page=30&page=3"));

        Assert.Equal(new Dictionary<string, string> { ["next"] = url + "?page=2", ["last"] = url + "?page=3" }, Links(first));
        Assert.Equal(new Dictionary<string, string>
        {
            ["next"] = url + "?per_page=30&page=3", ["last"] = url + "?per_page=30&page=3",
            ["first"] = url + "?per_page=30&page=1", ["prev"] = url + "?per_page=30&page=1",
        }, Links(middle));
        Assert.Equal(["first", "prev"], Links(last).Keys.Order());
        var bodies = (await last.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(c => c.GetProperty("body").GetString()).ToList();
        Assert.Equal(["c60", "c61", "c62", "c63", "c64"], bodies);
    }

    [Fact]
    public async Task Writes_need_a_known_token_and_reads_of_private_repositories_need_any()
    {
        _server.Store.AddRepository("octo-org", "secret", isPrivate: true).AddIssue(number: 1);

        var anonymousWrite = await _http.SendAsync(Request(HttpMethod.Post, "repos/octo-org/widget/issues/7/comments", token: null, json: new { body = "x" }));
        var badToken = await _http.SendAsync(Request(HttpMethod.Get, "repos/octo-org/widget/issues/7", token: "nope"));
        var anonymousRead = await _http.SendAsync(Request(HttpMethod.Get, "repos/octo-org/widget/issues/7", token: null));
        var anonymousPrivate = await _http.SendAsync(Request(HttpMethod.Get, "repos/octo-org/secret/issues/1", token: null));
        var authenticatedPrivate = await _http.SendAsync(Request(HttpMethod.Get, "repos/octo-org/secret/issues/1"));

        Assert.Equal((HttpStatusCode.Unauthorized, "Requires authentication"), (anonymousWrite.StatusCode, await Message(anonymousWrite)));
        Assert.Equal((HttpStatusCode.Unauthorized, "Bad credentials"), (badToken.StatusCode, await Message(badToken)));
        Assert.Equal(HttpStatusCode.OK, anonymousRead.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, anonymousPrivate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authenticatedPrivate.StatusCode);
        Assert.Empty(_repo.CommentsOn(7));
    }

    [Fact]
    public async Task Rate_limit_headers_count_down_per_identity_and_an_empty_limit_is_403()
    {
        var a = await _http.SendAsync(Request(HttpMethod.Get, "user"));
        var b = await _http.SendAsync(Request(HttpMethod.Get, "user"));
        _server.Store.SetRateLimitRemaining("octo", 0);
        var c = await _http.SendAsync(Request(HttpMethod.Get, "user"));

        Assert.Equal(["4999", "4998"], new[] { a, b }.Select(r => r.Headers.GetValues("X-RateLimit-Remaining").Single()));
        Assert.Equal(["1", "2"], new[] { a, b }.Select(r => r.Headers.GetValues("X-RateLimit-Used").Single()));
        Assert.Equal("core", a.Headers.GetValues("X-RateLimit-Resource").Single());
        Assert.True(long.Parse(a.Headers.GetValues("X-RateLimit-Reset").Single()) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.Forbidden, c.StatusCode);
        Assert.StartsWith("API rate limit exceeded", await Message(c));
    }

    [Fact]
    public async Task Faults_hit_the_next_requests_of_their_route_and_the_log_records_everything()
    {
        _server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.ServerError(), times: 2);
        _server.Faults.Enqueue(FakeGitHubRoutes.CreateIssueComment, FakeFault.SecondaryRateLimit(30).AfterApplying());

        var statuses = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            var r = await _http.SendAsync(Request(HttpMethod.Post, "repos/octo-org/widget/issues/7/comments", json: new { body = $"try {i}" }));
            statuses.Add((int)r.StatusCode);
            if (r.StatusCode == HttpStatusCode.Forbidden) Assert.Equal("30", r.Headers.GetValues("Retry-After").Single());
        }

        Assert.Equal([500, 500, 403, 201], statuses);
        Assert.Equal(["try 2", "try 3"], _repo.CommentsOn(7).Select(c => c.Body)); // the third was done, then "failed"
        Assert.Equal([true, true, true, false], _server.Requests.All.Select(r => r.Faulted));
        Assert.All(_server.Requests.All, r => Assert.Equal(("POST", "/repos/octo-org/widget/issues/7/comments", "octo"), (r.Method, r.Path, r.Login)));
        Assert.Equal(0, _server.Faults.Pending);
    }

    [Fact]
    public async Task Routes_added_by_other_tests_get_authentication_faults_and_the_log()
    {
        _server.Faults.Enqueue("SearchIssues", FakeFault.NotFound());

        var faulted = await _http.SendAsync(Request(HttpMethod.Get, "search/issues"));
        var found = await _http.SendAsync(Request(HttpMethod.Get, "search/issues?per_page=1"));
        var rejected = await _http.SendAsync(Request(HttpMethod.Get, "search/issues", token: "bad"));

        Assert.Equal(HttpStatusCode.NotFound, faulted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(7, (await found.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("number").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(3, _server.Requests.Count("SearchIssues"));
    }

    [Fact]
    public async Task Only_the_author_edits_or_deletes_and_bodies_over_65536_characters_are_422()
    {
        _server.Store.AddUser("mallory", "ghp_mallory");
        var theirs = _repo.AddComment(7, "mallory", "theirs");

        var edit = await _http.SendAsync(Request(HttpMethod.Patch, $"repos/octo-org/widget/issues/comments/{theirs.Id}", json: new { body = "mine" }));
        var delete = await _http.SendAsync(Request(HttpMethod.Delete, $"repos/octo-org/widget/issues/comments/{theirs.Id}"));
        var own = await _http.SendAsync(Request(HttpMethod.Patch, $"repos/octo-org/widget/issues/comments/{theirs.Id}", token: "ghp_mallory", json: new { body = "edited" }));
        var tooLong = await _http.SendAsync(Request(HttpMethod.Post, "repos/octo-org/widget/issues/7/comments", json: new { body = new string('x', 65_537) }));
        var gone = await _http.SendAsync(Request(HttpMethod.Delete, "repos/octo-org/widget/issues/comments/999999"));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK), (edit.StatusCode, delete.StatusCode, own.StatusCode));
        Assert.Equal("edited", _repo.FindComment(theirs.Id)!.Body);
        Assert.Equal((HttpStatusCode)422, tooLong.StatusCode);
        Assert.Contains("body is too long (maximum is 65536 characters)", await tooLong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private static async Task<string?> Message(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString();
}
