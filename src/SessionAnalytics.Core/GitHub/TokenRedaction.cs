using System.Text;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// Scrubs a token's value from what the GitHub code reports. The code never formats the token into a message; this is
/// for text that comes from elsewhere: a server's error body (which may quote the Authorization header), an
/// exception's message, and every exception inside it, because Get-Error and $Error[0].Exception show those too.
/// </summary>
internal static class TokenRedaction
{
    public const string Mask = "***";

    public static string Redact(string text, string secret) =>
        secret.Length == 0 ? text : text.Replace(secret, Mask, StringComparison.Ordinal);

    public static EngineError Redact(EngineError error, string secret) => error with
    {
        Message = Redact(error.Message, secret),
        RecommendedAction = error.RecommendedAction is null ? null : Redact(error.RecommendedAction, secret),
        Target = error.Target is string target ? Redact(target, secret) : error.Target,
        Exception = error.Exception is null ? null : Redact(error.Exception, secret),
    };

    /// <summary>
    /// A copy of the exception chain that keeps each exception's type name, message and stack trace with the token
    /// masked, and nothing else: Octokit's exceptions also carry the raw response (body, headers), which is exactly
    /// where an echoed token sits.
    /// </summary>
    public static Exception Redact(Exception e, string secret)
    {
        if (e is RedactedException or EngineException { InnerException: null or RedactedException }) return e;
        var inner = e.InnerException is null ? null : Redact(e.InnerException, secret);
        return new RedactedException(e.GetType().FullName ?? e.GetType().Name, Redact(e.Message, secret), Redact(e.StackTrace ?? "", secret), inner);
    }
}

/// <summary>
/// Stands in for an exception whose text could hold a secret: the original's type name, message and stack trace, the
/// secret masked, its inner exceptions likewise. See <see cref="TokenRedaction"/>.
/// </summary>
public sealed class RedactedException(string originalType, string message, string originalStackTrace, Exception? inner) : Exception(message, inner)
{
    /// <summary>The type of the exception this one stands for, e.g. Octokit.ApiException.</summary>
    public string OriginalType { get; } = originalType;

    public override string? StackTrace => originalStackTrace.Length > 0 ? originalStackTrace : base.StackTrace;

    public override string ToString()
    {
        var text = new StringBuilder(OriginalType).Append(": ").Append(Message);
        if (InnerException is not null) text.Append(" ---> ").Append(InnerException).Append(Environment.NewLine).Append("   --- End of inner exception stack trace ---");
        if (StackTrace is { Length: > 0 } trace) text.Append(Environment.NewLine).Append(trace);
        return text.ToString();
    }
}
