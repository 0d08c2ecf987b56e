using System.Text.RegularExpressions;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Comments;

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

    /// <summary>
    /// A copy of <paramref name="stats"/> whose every text (ids, names, descriptions, messages, dictionary keys) is
    /// redacted; numbers are untouched. Dictionary keys that redact to the same text add their counts.
    /// </summary>
    public static SessionStats Redact(SessionStats stats) => CopyOf(stats, Redact);

    /// <summary>A field-by-field copy with <paramref name="text"/> applied to every string (identity when null).</summary>
    internal static SessionStats CopyOf(SessionStats s, Func<string?, string?>? text = null, string? targetType = null, int? targetNumber = null, bool overrideTarget = false)
    {
        text ??= t => t;
        string T(string value) => text(value) ?? "";
        return new SessionStats
        {
            SessionId = T(s.SessionId),
            Project = text(s.Project),
            Branch = text(s.Branch),
            TargetType = overrideTarget ? targetType : text(s.TargetType),
            TargetNumber = overrideTarget ? targetNumber : s.TargetNumber,
            StartedAt = s.StartedAt,
            EndedAt = s.EndedAt,
            DurationMinutes = s.DurationMinutes,
            ActiveMinutes = s.ActiveMinutes,
            InputTokens = s.InputTokens,
            OutputTokens = s.OutputTokens,
            CacheCreationTokens = s.CacheCreationTokens,
            CacheReadTokens = s.CacheReadTokens,
            EstimatedCostUsd = s.EstimatedCostUsd,
            MessageCount = s.MessageCount,
            Cwd = text(s.Cwd),
            Version = text(s.Version),
            Models = s.Models.Select(m => new ModelUsage
            {
                Model = T(m.Model),
                Messages = m.Messages,
                InputTokens = m.InputTokens,
                OutputTokens = m.OutputTokens,
                CacheCreationTokens = m.CacheCreationTokens,
                CacheCreation1hTokens = m.CacheCreation1hTokens,
                CacheReadTokens = m.CacheReadTokens,
                CostUsd = m.CostUsd,
            }).ToList(),
            Tools = Counts(s.Tools, T),
            SkillsInvoked = s.SkillsInvoked.Select(k => new SkillUsage
            {
                Skill = T(k.Skill),
                Count = k.Count,
                Status = T(k.Status),
                InputTokens = k.InputTokens,
                OutputTokens = k.OutputTokens,
            }).ToList(),
            SkillSequence = s.SkillSequence.Select(T).ToList(),
            Subagents = s.Subagents.Select(a => new SubagentUsage
            {
                Id = T(a.Id),
                Type = text(a.Type),
                Model = text(a.Model),
                InputTokens = a.InputTokens,
                OutputTokens = a.OutputTokens,
                CacheCreationTokens = a.CacheCreationTokens,
                CacheReadTokens = a.CacheReadTokens,
                TotalTokens = a.TotalTokens,
                DurationMs = a.DurationMs,
                ToolUseCount = a.ToolUseCount,
                Description = text(a.Description),
                Source = T(a.Source),
            }).ToList(),
            Commits = s.Commits.Select(c => new CommitRecord { Sha = T(c.Sha), Message = T(c.Message), Branch = text(c.Branch) }).ToList(),
            ProblemsFaced = s.ProblemsFaced.Select(p => new ProblemRecord
            {
                Description = T(p.Description),
                Resolved = p.Resolved,
                Iterations = p.Iterations,
                Kind = text(p.Kind),
            }).ToList(),
            WorkflowEdges = MergeFamilies(s.WorkflowEdges, T),
            UnpricedModels = s.UnpricedModels.Select(T).ToList(),
            Branches = s.Branches.Select(T).ToList(),
            TranscriptPaths = s.TranscriptPaths.Select(T).ToList(),
        };
    }

    private static Dictionary<string, int> Counts(IReadOnlyDictionary<string, int> source, Func<string, string> text)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in source)
        {
            var k = text(key);
            result[k] = result.TryGetValue(k, out var existing) ? existing + count : count;
        }
        return result;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, int>> MergeFamilies(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> source, Func<string, string> text)
    {
        var merged = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (family, edges) in source)
        {
            var target = merged.TryGetValue(text(family), out var m) ? m : merged[text(family)] = new(StringComparer.Ordinal);
            foreach (var (edge, count) in Counts(edges, text))
                target[edge] = target.TryGetValue(edge, out var existing) ? existing + count : count;
        }
        return merged.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value, StringComparer.Ordinal);
    }
}
