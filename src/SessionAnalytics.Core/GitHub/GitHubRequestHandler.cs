using System.Globalization;
using System.Net;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>How often and how long to retry. Tests make the waits instant through <see cref="Delay"/>.</summary>
public sealed class GitHubRetryPolicy
{
    /// <summary>Attempts per request, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First back-off after a server error; doubled per attempt.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest single wait. A Retry-After or rate-limit reset further away is not waited for: the request
    /// fails with the time to retry in its message instead of hanging the command.
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Time allowed for one attempt (connect, send, receive). GitHub ends requests it cannot serve in 10 seconds, so 30
    /// seconds without an answer means the answer is lost; for a write, the publisher then reads to see if it happened.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = DefaultAttemptTimeout;

    public static TimeSpan DefaultAttemptTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest timeout a command accepts: less is a mistake (PowerShell turns -RequestTimeout 30 into 30 ticks).</summary>
    public static TimeSpan MinimumAttemptTimeout { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How to wait; Task.Delay unless a test records the waits instead.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    public static GitHubRetryPolicy Default { get; } = new();
}

/// <summary>
/// The HTTP pipeline under Octokit: writes each request and the rate limit left to Verbose (method, path and
/// status only: never headers, so never the token), and retries a bounded number of times:
/// <list type="bullet">
/// <item>500/502/503/504 for idempotent methods (GET, PATCH, PUT, DELETE), with exponential back-off or the
/// server's Retry-After. A POST is not repeated here: a lost response to a created comment would post it twice;
/// the publisher re-reads the comments and retries safely instead.</item>
/// <item>secondary rate limits (403/429 with Retry-After or GitHub's "secondary rate limit" message) for every
/// method, since GitHub rejected the request before doing anything, waiting Retry-After (or until the reset when
/// no requests are left, or a minute otherwise, as GitHub documents) unless that is longer than
/// <see cref="GitHubRetryPolicy.MaxDelay"/>.</item>
/// <item>responses cut off mid-way for idempotent methods. Refused connections and unknown hosts fail at once:
/// retrying a wrong -ApiUrl only delays the error.</item>
/// </list>
/// </summary>
internal sealed class GitHubRequestHandler(GitHubRetryPolicy policy, IDiagnostics diagnostics, CancellationToken stopping)
    : DelegatingHandler(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All })
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        var token = linked.Token;
        // Buffered once, the body can be sent again on a retry.
        if (request.Content is not null) await request.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        var what = $"{request.Method} {request.RequestUri?.PathAndQuery}";

        for (int attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            using (var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                attemptTimeout.CancelAfter(policy.AttemptTimeout);
                try
                {
                    response = await base.SendAsync(request, attemptTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    if (!CanRepeat(request.Method) || attempt >= policy.MaxAttempts)
                        throw new TimeoutException($"GitHub did not answer {what} within {policy.AttemptTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} seconds.");
                    await Wait(Backoff(attempt), $"{what} timed out", attempt, token).ConfigureAwait(false);
                    continue;
                }
                catch (HttpRequestException e) when (IsCutOff(e) && CanRepeat(request.Method) && attempt < policy.MaxAttempts)
                {
                    await Wait(Backoff(attempt), $"{what} failed ({e.Message})", attempt, token).ConfigureAwait(false);
                    continue;
                }
            }

            diagnostics.Verbose($"GitHub {what} -> {(int)response.StatusCode} {response.ReasonPhrase}{RateLimitText(response)}");
            var wait = attempt < policy.MaxAttempts ? await RetryDelay(request, response, attempt).ConfigureAwait(false) : null;
            if (wait is null) return response;
            response.Dispose();
            await Wait(wait.Value, $"{what} got {(int)response.StatusCode}", attempt, token).ConfigureAwait(false);
        }
    }

    private async Task Wait(TimeSpan delay, string reason, int attempt, CancellationToken token)
    {
        diagnostics.Verbose($"GitHub: {reason}; retry {attempt} of {policy.MaxAttempts - 1} in {delay.TotalSeconds:0.#} s.");
        await policy.Delay(delay, token).ConfigureAwait(false);
    }

    /// <summary>How long to wait before repeating, or null when the response is final.</summary>
    private async Task<TimeSpan?> RetryDelay(HttpRequestMessage request, HttpResponseMessage response, int attempt)
    {
        var status = (int)response.StatusCode;
        if (status is 500 or 502 or 503 or 504)
        {
            if (!CanRepeat(request.Method)) return null;
            var delay = RetryAfter(response) ?? Backoff(attempt);
            return delay <= policy.MaxDelay ? delay : null;
        }
        if (status is 403 or 429 && await IsRateLimited(response).ConfigureAwait(false))
        {
            var delay = RetryAfter(response)
                        ?? (Header(response, "X-RateLimit-Remaining") == "0" ? UntilReset(response) : null)
                        ?? TimeSpan.FromMinutes(1);
            return delay <= policy.MaxDelay ? delay : null;
        }
        return null;
    }

    /// <summary>GitHub's rate-limit answers: Retry-After, no requests left, or the message says so (primary or secondary).</summary>
    private static async Task<bool> IsRateLimited(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not null || Header(response, "X-RateLimit-Remaining") == "0") return true;
        if (response.Content is null) return false;
        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return body.Contains("rate limit", StringComparison.OrdinalIgnoreCase);
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => Max(date - DateTimeOffset.UtcNow, TimeSpan.Zero),
        _ => null,
    };

    private static TimeSpan? UntilReset(HttpResponseMessage response) =>
        long.TryParse(Header(response, "X-RateLimit-Reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            ? Max(DateTimeOffset.FromUnixTimeSeconds(epoch) - DateTimeOffset.UtcNow, TimeSpan.Zero) + TimeSpan.FromSeconds(1)
            : null;

    private TimeSpan Backoff(int attempt)
    {
        var delay = TimeSpan.FromTicks(policy.BaseDelay.Ticks * (1L << Math.Min(attempt - 1, 16)));
        return delay <= policy.MaxDelay ? delay : policy.MaxDelay;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Methods whose repetition cannot do the work twice.</summary>
    private static bool CanRepeat(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Patch
        || method == HttpMethod.Delete || method == HttpMethod.Options;

    /// <summary>The connection broke after the request may have left: worth another try. Refused/unknown host is not.</summary>
    internal static bool IsCutOff(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse
        || (e.HttpRequestError == HttpRequestError.Unknown && e.InnerException is IOException);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string RateLimitText(HttpResponseMessage response)
    {
        var remaining = Header(response, "X-RateLimit-Remaining");
        if (remaining is null) return "";
        var limit = Header(response, "X-RateLimit-Limit");
        var resource = Header(response, "X-RateLimit-Resource");
        var reset = long.TryParse(Header(response, "X-RateLimit-Reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            ? ", resets " + DateTimeOffset.FromUnixTimeSeconds(epoch).UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : "";
        return $" ({remaining} of {limit ?? "?"} {resource ?? "core"} requests left{reset})";
    }
}
