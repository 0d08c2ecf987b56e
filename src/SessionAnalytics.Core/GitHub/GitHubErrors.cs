using System.Globalization;
using System.Net;
using Octokit;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>The ErrorIds of GitHub failures, and the translation of Octokit's exceptions into them.</summary>
public static class GitHubErrors
{
    public const string AuthenticationFailed = "GitHubAuthenticationFailed";
    public const string RateLimitExceeded = "GitHubRateLimitExceeded";
    public const string SecondaryRateLimit = "GitHubSecondaryRateLimit";
    public const string PermissionDenied = "GitHubPermissionDenied";
    public const string NotFound = "GitHubNotFound";
    public const string CommentTooLong = "GitHubCommentTooLong";
    public const string ValidationFailed = "GitHubValidationFailed";
    public const string ServerError = "GitHubServerError";
    public const string RequestFailed = "GitHubRequestFailed";
    public const string Unreachable = "GitHubUnreachable";
    /// <summary>The connection broke after the request was sent: GitHub may or may not have done the work.</summary>
    public const string ConnectionLost = "GitHubConnectionLost";
    /// <summary>No answer within the request timeout (<see cref="GitHubRetryPolicy.AttemptTimeout"/>): the work may or may not have been done.</summary>
    public const string Timeout = "GitHubTimeout";
    public const string ApiUrlInvalid = "GitHubApiUrlInvalid";
    public const string RequestTimeoutInvalid = "GitHubRequestTimeoutInvalid";

    /// <summary>
    /// Turns what Octokit or the HTTP stack threw while <paramref name="action"/> into an <see cref="EngineException"/>
    /// with an ErrorId, a category and a message that says what to do. The caller's cancellation (Ctrl+C) passes through
    /// unchanged; any other cancellation is a timer that ran out (the HTTP stack's own, or one nobody asked for), so it
    /// is <see cref="Timeout"/>, never a bare TaskCanceledException. With a token, the token's value is scrubbed from
    /// the message and from every exception inside (a server may quote the Authorization header in its error body).
    /// </summary>
    internal static Exception Translate(Exception e, string action, Uri apiUrl, GitHubToken? token, object? target, bool cancelledByCaller = false)
    {
        if (e is OperationCanceledException && cancelledByCaller) return e;
        if (e is EngineException) return e;
        var error = ToError(e, action, apiUrl, token, target);
        return new EngineException(token is null ? error : TokenRedaction.Redact(error, token.Value));
    }

    private static EngineError ToError(Exception e, string action, Uri apiUrl, GitHubToken? token, object? target)
    {
        var tokenText = token is null ? "no token" : $"the token from {token.Source}";
        return e switch
        {
            AuthorizationException a => new EngineError(AuthenticationFailed, ErrorKind.AuthenticationError,
                $"GitHub rejected {tokenText} while {action}: {a.Message} (401).", target, a)
            {
                RecommendedAction = "Check the token: pass -Token, or set GH_TOKEN or GITHUB_TOKEN, or run `gh auth login`; it needs read and write access to issues and pull requests.",
            },
            RateLimitExceededException r => new EngineError(RateLimitExceeded, ErrorKind.LimitsExceeded,
                $"GitHub's rate limit is used up ({r.Limit} requests per hour) while {action}; it resets at {Time(r.Reset)}.", target, r)
            {
                RecommendedAction = $"Run the command again after {Time(r.Reset)}.",
            },
            SecondaryRateLimitExceededException s => new EngineError(SecondaryRateLimit, ErrorKind.LimitsExceeded,
                $"GitHub's secondary rate limit stopped {action}{SecondaryWait(s)}.", target, s)
            {
                RecommendedAction = "Wait a few minutes, and avoid running many publishers against one repository at the same moment.",
            },
            ForbiddenException f => new EngineError(PermissionDenied, ErrorKind.PermissionDenied,
                $"GitHub refused {action} with {tokenText}: {f.Message} (403).", target, f)
            {
                RecommendedAction = "The token needs write access to issues and pull requests of the repository.",
            },
            NotFoundException n => new EngineError(NotFound, ErrorKind.ObjectNotFound,
                $"GitHub answered 404 Not Found while {action}.", target, n)
            {
                RecommendedAction = "Check -Repository and the PR/issue number, and that the token can see the repository (private repositories answer 404 to tokens without access).",
            },
            ApiValidationException v when Details(v).Contains("too long", StringComparison.OrdinalIgnoreCase) => new EngineError(CommentTooLong, ErrorKind.LimitsExceeded,
                $"GitHub rejected the comment while {action}: {Details(v)} (422).", target, v),
            ApiValidationException v => new EngineError(ValidationFailed, ErrorKind.InvalidData,
                $"GitHub rejected the request while {action}: {Details(v)} (422).", target, v),
            ApiException { StatusCode: >= HttpStatusCode.InternalServerError } x => new EngineError(ServerError, ErrorKind.ResourceUnavailable,
                $"GitHub failed with {(int)x.StatusCode} while {action}, after retrying: {x.Message}.", target, x)
            {
                RecommendedAction = "GitHub may be having an outage (https://www.githubstatus.com); run the command again later.",
            },
            ApiException x => new EngineError(RequestFailed, ErrorKind.InvalidOperation,
                $"GitHub answered {(int)x.StatusCode} while {action}: {x.Message}.", target, x),
            HttpRequestException h when GitHubRequestHandler.IsCutOff(h) => new EngineError(ConnectionLost, ErrorKind.ConnectionError,
                $"The connection to the GitHub API at {apiUrl} broke before GitHub answered while {action}: {Innermost(h)}", target, h)
            {
                RecommendedAction = "GitHub may or may not have done it; run the command again (publishing finds what was written and does not post twice).",
            },
            HttpRequestException h => new EngineError(Unreachable, ErrorKind.ConnectionError,
                $"Could not reach the GitHub API at {apiUrl} while {action}: {h.Message}", target, h)
            {
                RecommendedAction = "Check -ApiUrl (or GITHUB_API_URL) and the network connection.",
            },
            TimeoutException or OperationCanceledException => new EngineError(Timeout, ErrorKind.OperationTimeout,
                $"The GitHub API at {apiUrl} did not answer in time while {action}{(e is TimeoutException ? ": " + e.Message : ".")}", target, e)
            {
                RecommendedAction = "GitHub may be slow or the network congested; run the command again, or allow more time with -RequestTimeout.",
            },
            _ => new EngineError(RequestFailed, ErrorKind.InvalidOperation, $"GitHub request failed while {action}: {e.Message}", target, e),
        };
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    private static string Details(ApiValidationException v)
    {
        var details = v.ApiError?.Errors?.Select(d => d.Message).Where(m => !string.IsNullOrWhiteSpace(m)).ToList();
        return details is { Count: > 0 } ? v.Message + ": " + string.Join("; ", details) : v.Message;
    }

    private static string SecondaryWait(SecondaryRateLimitExceededException s)
    {
        var headers = s.HttpResponse?.Headers;
        if (headers is null) return "";
        var retryAfter = headers.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value;
        if (int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return $"; GitHub asks to retry after {seconds} seconds ({Time(DateTimeOffset.UtcNow.AddSeconds(seconds))})";
        var reset = headers.FirstOrDefault(h => h.Key.Equals("X-RateLimit-Reset", StringComparison.OrdinalIgnoreCase)).Value;
        return long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            ? $"; the limit resets at {Time(DateTimeOffset.FromUnixTimeSeconds(epoch))}"
            : "";
    }

    internal static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
