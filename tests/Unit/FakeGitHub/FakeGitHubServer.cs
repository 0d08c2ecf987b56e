using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionAnalytics.Tests.FakeGitHub;

/// <summary>
/// A stateful fake of the GitHub REST API on 127.0.0.1 (a free port per instance) for tests that drive the real
/// Octokit client over real HTTP. What it does for every request, in order:
/// <list type="number">
/// <item>authenticates <c>Authorization: token|Bearer &lt;token&gt;</c> against <see cref="FakeGitHubStore"/> users:
/// an unknown token is 401 "Bad credentials"; no token is anonymous (reads of public repositories only);</item>
/// <item>counts the request against the identity's rate limit and sends the X-RateLimit-* headers; an exhausted
/// limit is GitHub's 403 "API rate limit exceeded";</item>
/// <item>answers with a queued <see cref="FakeGitHubFaults">fault</see> for the route, if any (an error, a dropped
/// connection, an answer held back), before or after doing the work;</item>
/// <item>runs the route (see <see cref="FakeGitHubRoutes"/>) and records method, path, status in <see cref="Requests"/>.</item>
/// </list>
/// More routes (search, pulls of a date range, ...) are added with the <c>extraRoutes</c> callback of
/// <see cref="StartAsync"/>; they get authentication, rate limits, faults and the log for free.
/// </summary>
public sealed class FakeGitHubServer : IAsyncDisposable, IDisposable
{
    private const string UserItem = "fake-github-user";
    private WebApplication? _app;

    private FakeGitHubServer() { }

    /// <summary>The API root with a trailing slash, e.g. http://127.0.0.1:41234/ (what -ApiUrl takes).</summary>
    public string BaseUrl { get; private set; } = "";
    public FakeGitHubStore Store { get; } = new();
    public FakeGitHubFaults Faults { get; } = new();
    public FakeGitHubRequestLog Requests { get; } = new();

    public static async Task<FakeGitHubServer> StartAsync(Action<FakeGitHubServer, IEndpointRouteBuilder>? extraRoutes = null)
    {
        var server = new FakeGitHubServer();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseRouting();
        app.Use(server.Handle);
        FakeGitHubRoutes.Map(server, app);
        extraRoutes?.Invoke(server, app);
        app.MapFallback(() => Error(404, "Not Found"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server._app = app;
        server.BaseUrl = address.TrimEnd('/') + "/";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The authenticated user of a request, null when anonymous. For route handlers.</summary>
    public static FakeUser? UserOf(HttpContext http) => http.Items[UserItem] as FakeUser;

    /// <summary>GitHub's error body: {"message": ..., "documentation_url": ...}.</summary>
    public static IResult Error(int status, string message) =>
        Results.Json(new { message, documentation_url = "https://docs.github.com/rest" }, statusCode: status);

    private async Task Handle(HttpContext http, RequestDelegate next)
    {
        var route = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        var method = http.Request.Method;
        string? login = null;
        var faulted = false;
        try
        {
            FakeUser? user = null;
            var authorization = http.Request.Headers.Authorization.ToString();
            if (authorization.Length > 0)
            {
                user = TokenOf(authorization) is { } token ? Store.UserForToken(token) : null;
                if (user is null)
                {
                    await WriteJson(http, 401, new FakeFault(401, "Bad credentials", new Dictionary<string, string>()).Body());
                    return;
                }
            }
            http.Items[UserItem] = user;
            login = user?.Login;

            var limit = CountRequest(user?.Login ?? "anonymous:" + http.Connection.RemoteIpAddress, out var exhausted);
            SetRateLimitHeaders(http, limit);
            if (exhausted)
            {
                await WriteJson(http, 403, new FakeFault(403, $"API rate limit exceeded for {login ?? "your address"}. (But here's the good news: Authenticated requests get a higher rate limit.)",
                    new Dictionary<string, string>()).Body());
                return;
            }

            var fault = Faults.Take(route, method);
            if (fault is null)
            {
                await next(http);
                return;
            }
            faulted = true;
            if (fault.ApplyFirst)
            {
                // Do the work into a buffer: the client learns of it only if the fault lets the answer through.
                var realBody = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
                using var answer = new MemoryStream();
                http.Response.Body = answer;
                await next(http);
                http.Features.Set(realBody);
                if (fault.Delay is { } held) await HoldBack(http, held);
                if (http.RequestAborted.IsCancellationRequested) return; // the client gave up waiting
                if (fault.Status == 0 && !fault.Abort)
                {
                    if (fault.NextLinkToItself)
                        http.Response.Headers["Link"] = $"<{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}{http.Request.QueryString}>; rel=\"next\"";
                    answer.Position = 0;
                    await answer.CopyToAsync(http.Response.Body, http.RequestAborted);
                    return;
                }
                http.Response.Clear();
                SetRateLimitHeaders(http, limit);
            }
            else if (fault.Delay is { } held)
            {
                await HoldBack(http, held);
                if (http.RequestAborted.IsCancellationRequested) return; // gave up before the work was done: nothing happens
                if (fault.Status == 0)
                {
                    await next(http);
                    return;
                }
            }
            if (fault.Abort)
            {
                http.Abort();
                return;
            }
            foreach (var (name, value) in fault.Headers) http.Response.Headers[name] = value;
            await WriteJson(http, fault.Status, fault.Body(http.Request.Headers.Authorization.ToString()));
        }
        finally
        {
            Requests.Add(method, http.Request.Path.Value ?? "/", http.Request.QueryString.Value ?? "", http.Response.StatusCode, route, login, faulted);
        }
    }

    /// <summary>Waits, but no longer than the client does: a client that gave up has closed the connection.</summary>
    private static async Task HoldBack(HttpContext http, TimeSpan delay)
    {
        try { await Task.Delay(delay, http.RequestAborted); }
        catch (OperationCanceledException) { }
    }

    private (int Limit, int Remaining, int Used, DateTimeOffset Reset) CountRequest(string identity, out bool exhausted)
    {
        lock (Store.Gate)
        {
            var limit = Store.RateLimit(identity);
            exhausted = limit.Remaining == 0;
            if (!exhausted) limit.Remaining--;
            return (limit.Limit, limit.Remaining, limit.Used, limit.Reset);
        }
    }

    private static void SetRateLimitHeaders(HttpContext http, (int Limit, int Remaining, int Used, DateTimeOffset Reset) limit)
    {
        var h = http.Response.Headers;
        h["X-RateLimit-Limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Remaining"] = limit.Remaining.ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Reset"] = limit.Reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Used"] = limit.Used.ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Resource"] = "core";
    }

    private static async Task WriteJson(HttpContext http, int status, string json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(json, Encoding.UTF8);
    }

    /// <summary>"token X" and "Bearer X" (what Octokit and gh send), and Basic with the token as password.</summary>
    private static string? TokenOf(string authorization)
    {
        var space = authorization.IndexOf(' ');
        if (space < 0) return null;
        var scheme = authorization[..space];
        var value = authorization[(space + 1)..].Trim();
        if (scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) return value;
        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(value));
            return pair[(pair.IndexOf(':') + 1)..];
        }
        catch (FormatException) { return null; }
    }
}
