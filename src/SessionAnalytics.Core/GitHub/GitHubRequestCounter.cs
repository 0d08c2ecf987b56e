using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// Counts what a <see cref="GitHubApi"/> sends over the wire: every attempt (a retried request counts each time),
/// the 304 Not Modified answers to revalidations (which GitHub does not count against the rate limit), and the rate
/// limit GitHub reported last per resource (core, search). Thread-safe.
/// <para>
/// <see cref="BeginScope"/> attributes requests to a piece of work (one PR): every request made later in the same
/// async flow also counts in that scope, which is how the extraction measures requests per PR exactly while
/// several PRs are read at once.
/// </para>
/// </summary>
public sealed class GitHubRequestCounter
{
    private readonly AsyncLocal<GitHubRequestScope?> _scope = new();
    private readonly ConcurrentDictionary<string, GitHubRateLimitStatus> _rateLimits = new(StringComparer.OrdinalIgnoreCase);
    private int _requests;
    private int _notModified;

    /// <summary>Requests sent, retries included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests answered 304 Not Modified (revalidated from the cache; free under GitHub's rate limit).</summary>
    public int NotModified => Volatile.Read(ref _notModified);

    /// <summary>The rate limit of each resource GitHub answered for, as of its last answer.</summary>
    public IReadOnlyDictionary<string, GitHubRateLimitStatus> RateLimits => new Dictionary<string, GitHubRateLimitStatus>(_rateLimits, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Starts counting the current async flow's requests in a new scope as well. Call it at the start of the async
    /// method that does the work; the scope ends when that method returns.
    /// </summary>
    public GitHubRequestScope BeginScope()
    {
        var scope = new GitHubRequestScope();
        _scope.Value = scope;
        return scope;
    }

    /// <summary>Puts a counter between the request handler (retries, verbose log) and the network, so each attempt is seen.</summary>
    internal static GitHubRequestHandler Attach(GitHubRequestCounter? counter, GitHubRequestHandler handler)
    {
        if (counter is not null) handler.InnerHandler = new CountingHandler(counter) { InnerHandler = handler.InnerHandler! };
        return handler;
    }

    private void Record(HttpResponseMessage? response)
    {
        var scope = _scope.Value;
        Interlocked.Increment(ref _requests);
        if (scope is not null) Interlocked.Increment(ref scope.RequestCount);
        if (response is null) return;
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            Interlocked.Increment(ref _notModified);
            if (scope is not null) Interlocked.Increment(ref scope.NotModifiedCount);
        }
        if (GitHubRateLimitStatus.FromHeaders(response) is { } limit)
            _rateLimits.AddOrUpdate(limit.Resource, limit, (_, old) => limit.Reset > old.Reset || limit.Remaining < old.Remaining ? limit : old);
    }

    private sealed class CountingHandler(GitHubRequestCounter counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            try { response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false); }
            catch
            {
                counter.Record(null);
                throw;
            }
            counter.Record(response);
            return response;
        }
    }
}

/// <summary>The requests of one piece of work (see <see cref="GitHubRequestCounter.BeginScope"/>).</summary>
public sealed class GitHubRequestScope
{
    internal int RequestCount;
    internal int NotModifiedCount;

    public int Requests => Volatile.Read(ref RequestCount);
    public int NotModified => Volatile.Read(ref NotModifiedCount);
}

/// <summary>GitHub's X-RateLimit-* headers of one answer.</summary>
public sealed record GitHubRateLimitStatus(string Resource, int Limit, int Remaining, DateTimeOffset Reset)
{
    internal static GitHubRateLimitStatus? FromHeaders(HttpResponseMessage response)
    {
        if (!int.TryParse(Header(response, "X-RateLimit-Remaining"), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining)
            || !long.TryParse(Header(response, "X-RateLimit-Reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
            return null;
        var limit = int.TryParse(Header(response, "X-RateLimit-Limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
        return new GitHubRateLimitStatus(Header(response, "X-RateLimit-Resource") ?? "core", limit, remaining, DateTimeOffset.FromUnixTimeSeconds(reset));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public override string ToString() =>
        $"{Remaining} of {Limit} {Resource} requests left, resets {GitHubErrors.Time(Reset)}";
}
