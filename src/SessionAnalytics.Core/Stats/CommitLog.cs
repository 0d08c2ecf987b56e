using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Redaction;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// The commits as they stand at the end of the session. A Bash call whose command runs <c>git commit</c> (anywhere in a
/// <c>&amp;&amp;</c> or <c>;</c> chain) made a commit for each <c>[branch sha] subject</c> line its output shows, whether
/// or not a later command of the chain failed; an amend replaces the commit it amends (count unchanged, sha and subject
/// updated). A commit call that failed without showing such a line was rejected.
/// </summary>
internal sealed partial class CommitLog
{
    private readonly Dictionary<string, bool[]> _calls = new(StringComparer.Ordinal); // tool use id → amend flag of each git commit in the command
    private readonly List<CommitRecord> _commits = [];
    private readonly HashSet<string> _shas = new(StringComparer.Ordinal);

    public void Command(in ToolUse use)
    {
        if (use.Input.ValueKind != JsonValueKind.Object || !use.Input.TryGetProperty("command"u8, out var c) || c.ValueKind != JsonValueKind.String) return;
        var command = c.GetString()!;
        var invocations = GitCommitCommand().Matches(command);
        if (invocations.Count == 0) return;
        var amends = new bool[invocations.Count];
        for (var i = 0; i < invocations.Count; i++)
        {
            // The invocation's own arguments run to the next command of the chain.
            var rest = command.AsSpan(invocations[i].Index + invocations[i].Length);
            var end = rest.IndexOfAny(ChainSeparators);
            amends[i] = AmendOption().IsMatch(end < 0 ? rest : rest[..end]);
        }
        _calls[use.Id] = amends;
    }

    public bool IsCommitCall(string toolUseId) => _calls.ContainsKey(toolUseId);

    /// <summary>Records the commits a commit call's output shows; false when it shows none.</summary>
    public bool Finished(in ToolResult result)
    {
        var amends = _calls[result.ToolUseId];
        var lines = CommitLine().Matches(result.ContentText());
        for (var i = 0; i < lines.Count; i++)
        {
            var sha = lines[i].Groups["sha"].Value;
            var branch = lines[i].Groups["branch"].Value;
            var subject = SecretRedactor.Redact(lines[i].Groups["subject"].Value.Trim()) ?? "";
            // The n-th commit line answers the n-th git commit of the chain; extra lines take the last one's options.
            var amend = amends[Math.Min(i, amends.Length - 1)];
            if (!_shas.Add(sha)) continue;
            var amended = amend ? _commits.FindLastIndex(c => c.Branch == branch) : -1;
            var commit = new CommitRecord { Sha = sha, Message = subject, Branch = branch };
            // An amend of a commit made before the session rewrites history the session did not add to: nothing to count.
            if (amended >= 0) _commits[amended] = commit;
            else if (!amend) _commits.Add(commit);
        }
        return lines.Count > 0;
    }

    public List<CommitRecord> Build() => [.. _commits];

    private static readonly System.Buffers.SearchValues<char> ChainSeparators = System.Buffers.SearchValues.Create("&;|\n");

    [GeneratedRegex(@"^\[(?<branch>[^\]\r\n]+?)(?: \(root-commit\))? (?<sha>[0-9a-f]{7,40})\] (?<subject>[^\r\n]*)$", RegexOptions.Multiline)]
    internal static partial Regex CommitLine();

    [GeneratedRegex(@"\bgit\b(?:\s+-[Cc]\s+\S+|\s+--?[\w-]+(?:=\S+)?)*\s+commit\b")]
    internal static partial Regex GitCommitCommand();

    [GeneratedRegex(@"(?<!\S)--amend\b")]
    private static partial Regex AmendOption();
}
