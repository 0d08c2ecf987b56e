using System.Text.RegularExpressions;

namespace SessionAnalytics.Core.Redaction;

/// <summary>
/// Replaces credentials in session text with <see cref="Placeholder"/> before anything is rendered or embedded.
/// Transcripts hold whatever the user and the tools printed: a commit subject, a problem text or a subagent
/// description can carry a token, and a comment on a public PR must never repeat it.
/// Redacting is idempotent: <c>Redact(Redact(x)) == Redact(x)</c>.
/// </summary>
public static partial class SecretRedactor
{
    public const string Placeholder = "[REDACTED]";

    // Every pattern starts at a literal or has bounded repetitions before one: session text can be megabytes of
    // tool output, and an unbounded prefix would make redaction quadratic.

    // Whole-match secrets: the match is replaced by the placeholder.
    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----(?:.*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----|.*)", RegexOptions.Singleline)]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])sk-(?:ant-[A-Za-z0-9_-]{8,}|(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})")]
    private static partial Regex AnthropicOrOpenAiKey();

    [GeneratedRegex(@"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])")]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?:xox[abposr]-[A-Za-z0-9-]{10,}|AIza[A-Za-z0-9_-]{35}|npm_[A-Za-z0-9]{36}|glpat-[A-Za-z0-9_-]{20,})")]
    private static partial Regex OtherVendorToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,8192}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex JsonWebToken();

    // Secrets with a visible label: the label stays, the value goes. The keyword may end a longer name
    // (DB_PASSWORD=, GH_TOKEN:, "client_secret":); the part before it is simply left outside the match.
    [GeneratedRegex(@"(?<label>\b(?:Bearer|Basic)\s+)(?<value>[A-Za-z0-9\-._~+/]{8,}=*)", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"(?<label>(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)[""']?\s*[:=]\s*[""']?)(?<value>[^\s""'`,;&|<>\[\]]+)", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledAssignment();

    [GeneratedRegex(@"(?<label>\b[a-z][a-z0-9+.-]{0,30}://[^\s:/@]{1,200}:)(?<value>[^\s@/]{1,200})(?=@)", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPassword();

    /// <summary>The text with every recognised secret replaced by <see cref="Placeholder"/>; null stays null.</summary>
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = PrivateKeyBlock().Replace(text, Placeholder);
        result = GitHubToken().Replace(result, Placeholder);
        result = AnthropicOrOpenAiKey().Replace(result, Placeholder);
        result = AwsAccessKeyId().Replace(result, Placeholder);
        result = OtherVendorToken().Replace(result, Placeholder);
        result = JsonWebToken().Replace(result, Placeholder);
        result = UrlPassword().Replace(result, m => m.Groups["label"].Value + Placeholder);
        result = AuthorizationValue().Replace(result, m => LooksLikeCredential(m.Groups["value"].Value) ? KeepLabel(m) : m.Value);
        result = LabelledAssignment().Replace(result, KeepLabel);
        return result;
    }

    /// <summary>True when <see cref="Redact"/> would change the text.</summary>
    public static bool ContainsSecret(string? text) => !string.Equals(Redact(text), text, StringComparison.Ordinal);

    // "Bearer authentication" is prose; "Bearer eyJhbGciOi..." or "Basic dXNlcjpwYXNz" is a credential.
    private static bool LooksLikeCredential(string value) =>
        value.Length >= 24 || (value.Length >= 8 && value.Any(char.IsDigit)) || value.EndsWith('=');

    private static string KeepLabel(Match m) =>
        m.Groups["value"].Value == Placeholder ? m.Value : m.Groups["label"].Value + Placeholder;
}
