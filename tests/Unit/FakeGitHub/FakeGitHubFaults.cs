using System.Text.Json;

namespace SessionAnalytics.Tests.FakeGitHub;

/// <summary>
/// An error response the fake gives instead of (or, with <see cref="AfterApplying"/>, after) doing the work:
/// the shapes GitHub really sends, so Octokit maps them to the same exceptions it would in production. Besides
/// error answers, the network's own failures: a connection dropped without an answer (<see cref="DropConnection"/>)
/// and an answer held back longer than the client waits (<see cref="SlowAnswer"/>).
/// </summary>
public sealed record FakeFault(int Status, string Message, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Do the work first (the comment is created/updated), then answer with the fault: a lost response.</summary>
    public bool ApplyFirst { get; init; }

    /// <summary>Extra JSON members of the error body (e.g. GitHub's "errors" array for 422).</summary>
    public object? Errors { get; init; }

    /// <summary>Close the connection instead of answering (with <see cref="AfterApplying"/>: after the work was done).</summary>
    public bool Abort { get; init; }

    /// <summary>
    /// Hold the answer back this long, or until the client hangs up. With <see cref="Status"/> 0 the answer is the
    /// route's own (the work is done at once): a server slower than the client's timeout.
    /// </summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>The error message quotes the request's Authorization header, as careless proxies and servers do.</summary>
    public bool EchoAuthorization { get; init; }

    /// <summary>The answer is the route's own, but its Link header names the same page as "next": a listing without end.</summary>
    public bool NextLinkToItself { get; init; }

    public FakeFault AfterApplying() => this with { ApplyFirst = true };

    /// <summary>The route's own answer with a Link header whose "next" page is the page just read (a broken proxy or server).</summary>
    public static FakeFault EndlessNextLink() => new(0, "", new Dictionary<string, string>()) { NextLinkToItself = true, ApplyFirst = true };

    /// <summary>The connection is closed without an answer (after the work, with <see cref="AfterApplying"/>).</summary>
    public static FakeFault DropConnection() => new(0, "", new Dictionary<string, string>()) { Abort = true };

    /// <summary>The work is done at once but its answer comes only after <paramref name="delay"/> (or never, if the client gives up first).</summary>
    public static FakeFault SlowAnswer(TimeSpan delay) => new(0, "", new Dictionary<string, string>()) { Delay = delay, ApplyFirst = true };

    /// <summary>An error whose message repeats the Authorization header the client sent (token included).</summary>
    public static FakeFault EchoingAuthorization(int status = 400) =>
        new(status, "", new Dictionary<string, string>()) { EchoAuthorization = true };

    public static FakeFault ServerError(int status = 500) =>
        new(status, status == 502 ? "Server Error" : "Internal Server Error", new Dictionary<string, string>());

    /// <summary>403 with GitHub's secondary-rate-limit message and a Retry-After header.</summary>
    public static FakeFault SecondaryRateLimit(int retryAfterSeconds = 1) =>
        new(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public static FakeFault BodyTooLong() =>
        new(422, "Validation Failed", new Dictionary<string, string>())
        {
            Errors = new[] { new { resource = "IssueComment", code = "custom", field = "body", message = $"body is too long (maximum is {FakeGitHubStore.MaxCommentBodyLength} characters)" } },
        };

    public static FakeFault NotFound() => new(404, "Not Found", new Dictionary<string, string>());

    public static FakeFault BadCredentials() => new(401, "Bad credentials", new Dictionary<string, string>());

    internal string Body(string? authorization = null)
    {
        var message = EchoAuthorization ? $"Problems parsing the request: the header 'Authorization: {authorization}' is not accepted here." : Message;
        return JsonSerializer.Serialize(Errors is null
            ? (object)new { message, documentation_url = "https://docs.github.com/rest" }
            : new { message, errors = Errors, documentation_url = "https://docs.github.com/rest" });
    }
}

/// <summary>
/// Faults queued per route: the next <c>times</c> requests to a named route (see <see cref="FakeGitHubRoutes"/>)
/// get the fault, then the route behaves normally again. Route "*" matches every request.
/// </summary>
public sealed class FakeGitHubFaults
{
    private readonly object _gate = new();
    private readonly List<(string Route, string? Method, FakeFault Fault)> _queue = [];

    public void Enqueue(string route, FakeFault fault, int times = 1, string? method = null)
    {
        lock (_gate)
            for (int i = 0; i < times; i++) _queue.Add((route, method, fault));
    }

    public int Pending
    {
        get { lock (_gate) return _queue.Count; }
    }

    public void Clear()
    {
        lock (_gate) _queue.Clear();
    }

    internal FakeFault? Take(string? route, string method)
    {
        lock (_gate)
        {
            var index = _queue.FindIndex(f => (f.Route == "*" || f.Route == route)
                                             && (f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase)));
            if (index < 0) return null;
            var fault = _queue[index].Fault;
            _queue.RemoveAt(index);
            return fault;
        }
    }
}

/// <summary>One request as the fake saw it: what tests count and assert on.</summary>
public sealed record FakeRequest(long Sequence, string Method, string Path, string Query, int Status, string? Route, string? Login, bool Faulted);

public sealed class FakeGitHubRequestLog
{
    private readonly object _gate = new();
    private readonly List<FakeRequest> _requests = [];
    private long _sequence;

    internal void Add(string method, string path, string query, int status, string? route, string? login, bool faulted)
    {
        lock (_gate) _requests.Add(new FakeRequest(++_sequence, method, path, query, status, route, login, faulted));
    }

    public IReadOnlyList<FakeRequest> All
    {
        get { lock (_gate) return _requests.ToList(); }
    }

    public int Count() => All.Count;

    public int Count(string route) => All.Count(r => r.Route == route);

    public int Count(string method, string route) =>
        All.Count(r => r.Route == route && string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase));

    /// <summary>Requests that changed something (POST, PATCH, PUT, DELETE).</summary>
    public IReadOnlyList<FakeRequest> Writes => All.Where(r => r.Method is not ("GET" or "HEAD")).ToList();

    public void Clear()
    {
        lock (_gate) _requests.Clear();
    }
}
