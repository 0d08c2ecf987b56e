using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Problems the session met, derived: failed tool results (grouped by tool and, for Bash, the command's first two
/// words), rejected commits, API errors (grouped by status code). A later success of the same group resolves it.
/// </summary>
internal sealed partial class ProblemLog
{
    private enum Kind { ToolError, CommitFailed, ApiError }

    private sealed class Group(Kind kind, string description, long firstTicks)
    {
        public Kind Kind { get; } = kind;
        public string Description { get; } = description;
        public long FirstTicks { get; } = firstTicks;
        public int Failures { get; set; }
        public bool Resolved { get; set; }
    }

    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _bashSignatures = new(StringComparer.Ordinal);

    /// <summary>A Bash call: its signature names the problem group of its failures.</summary>
    public void Command(in ToolUse use)
    {
        if (use.Input.ValueKind == JsonValueKind.Object && use.Input.TryGetProperty("command"u8, out var c) && c.ValueKind == JsonValueKind.String)
            _bashSignatures[use.Id] = BashSignature(c.GetString()!);
    }

    public void ToolResult(in ToolResult result)
    {
        if (result.ToolName is not { } tool) return;
        var signature = _bashSignatures.GetValueOrDefault(result.ToolUseId);
        var key = "tool:" + tool + ":" + signature;
        if (!result.IsError)
        {
            Resolve(key);
            return;
        }
        var text = result.ContentText();
        if (IsUserRejection(text)) return;
        var what = signature is not null ? $"Bash '{SecretRedactor.Redact(signature)}'" : tool;
        Fail(Kind.ToolError, key, $"{what} failed: {TranscriptText.FirstLine(StripErrorPrefix(text), 120)}", result.Ticks);
    }

    public void CommitRejected(in ToolResult result) =>
        Fail(Kind.CommitFailed, "commit", "git commit rejected: " + TranscriptText.FirstLine(StripErrorPrefix(result.ContentText()), 120), result.Ticks);

    public void CommitMade() => Resolve("commit");

    public void ApiError(JsonElement message, long ticks)
    {
        var content = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content"u8, out var c) ? c : default;
        var text = TranscriptText.FirstLine(TranscriptText.ContentText(content), 120);
        Fail(Kind.ApiError, "api:" + ApiErrorKey(text), $"API error: {text}", ticks);
    }

    /// <summary>A successful response after API errors means the errors were overcome.</summary>
    public void ResponseSucceeded()
    {
        foreach (var g in _groups.Values)
            if (g.Kind == Kind.ApiError) g.Resolved = true;
    }

    public List<ProblemRecord> Build() => _groups.Values.OrderBy(p => p.FirstTicks).Select(p => new ProblemRecord
    {
        Description = p.Description,
        Resolved = p.Resolved,
        Iterations = p.Failures,
        Kind = p.Kind switch { Kind.CommitFailed => "commit_failed", Kind.ApiError => "api_error", _ => "tool_error" },
    }).ToList();

    private void Fail(Kind kind, string key, string description, long ticks)
    {
        if (!_groups.TryGetValue(key, out var group))
            _groups[key] = group = new Group(kind, description, ticks);
        group.Failures++;
        group.Resolved = false;
    }

    private void Resolve(string key)
    {
        if (_groups.TryGetValue(key, out var group)) group.Resolved = true;
    }

    /// <summary>The first two words of a command (after env assignments and cd prefixes): "mix test", "git push".</summary>
    internal static string BashSignature(string command)
    {
        var last = command.Split(["&&", ";", "\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => !p.StartsWith("cd ", StringComparison.Ordinal)).FirstOrDefault() ?? command.Trim();
        var words = last.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.Contains('=') || w.StartsWith('-')).Take(2);
        return string.Join(' ', words);
    }

    private static bool IsUserRejection(string text) =>
        text.StartsWith("The user doesn't want to proceed", StringComparison.Ordinal) ||
        text.StartsWith("[Request interrupted", StringComparison.Ordinal) ||
        text.Contains("user rejected", StringComparison.OrdinalIgnoreCase);

    private static string StripErrorPrefix(string text) =>
        text.StartsWith("Error: ", StringComparison.Ordinal) ? text[7..] : text;

    private static string ApiErrorKey(string text)
    {
        var m = StatusCode().Match(text);
        return m.Success ? m.Value : TranscriptText.FirstLine(text, 40);
    }

    [GeneratedRegex(@"\b[45]\d\d\b")]
    private static partial Regex StatusCode();
}
