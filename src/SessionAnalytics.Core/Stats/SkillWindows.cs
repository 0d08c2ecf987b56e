using System.Text.Json;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Skills invoked through the Skill tool, their status, and the tokens of their window. A skill's window runs from its
/// invocation to the first of: the next skill invocation, the next prompt the user typed, a compaction boundary. A
/// failed invocation has no window (it gets nothing). Responses inside a window count for the skill, subagent responses
/// included; compaction calls do not (docs/about_SessionAnalytics.md, "Accounting").
/// </summary>
internal sealed class SkillWindows
{
    private sealed record Invocation(string ToolUseId, string Skill, long Ticks);

    private readonly List<Invocation> _invocations = [];
    private readonly Dictionary<string, bool> _failed = new(StringComparer.Ordinal);
    /// <summary>Times that end every open window: prompts typed by the user and compaction boundaries.</summary>
    private readonly List<long> _ends = [];

    public void Invoked(in ToolUse use)
    {
        if (use.Input.ValueKind == JsonValueKind.Object && use.Input.TryGetProperty("skill"u8, out var s) && s.ValueKind == JsonValueKind.String && s.GetString() is { Length: > 0 } skill)
            _invocations.Add(new Invocation(use.Id, skill, use.Ticks));
    }

    /// <summary>The invocation's result: failed when <c>is_error</c>, or <c>toolUseResult.success</c> is false.</summary>
    public void Finished(in ToolResult result) =>
        _failed[result.ToolUseId] = result.IsError
            || (result.Details.ValueKind == JsonValueKind.Object && result.Details.TryGetProperty("success"u8, out var ok) && ok.ValueKind == JsonValueKind.False);

    public void Prompt(long ticks) => _ends.Add(ticks);

    public void CompactionBoundary(long ticks) => _ends.Add(ticks);

    /// <param name="failedTests">Test and CI commands that failed (<see cref="TestRuns.Failures"/>), in time order: each
    /// is told to the invocation before it, when it came before the next invocation.</param>
    public (List<SkillUsage> Skills, List<string> Sequence, List<SkillInvocation> Invocations) Build(IEnumerable<Response> responses,
        IReadOnlyList<(long Ticks, string Command)> failedTests)
    {
        var calls = _invocations.OrderBy(s => s.Ticks).ToList();
        var tokens = new Dictionary<string, (long In, long Out)>(StringComparer.Ordinal);
        if (calls.Count > 0)
        {
            _ends.Sort();
            var starts = calls.Select(c => c.Ticks).ToArray();
            foreach (var r in responses)
            {
                if (r.Agent is not null && TranscriptFile.IsCompactionAgent(r.Agent)) continue;
                var i = Array.BinarySearch(starts, r.Ticks);
                if (i < 0) i = ~i - 1;
                else while (i + 1 < starts.Length && starts[i + 1] == r.Ticks) i++;
                if (i < 0) continue;
                var call = calls[i];
                if (_failed.GetValueOrDefault(call.ToolUseId)) continue;
                // A prompt or compaction boundary after the invocation and before the response closed the window.
                var p = _ends.BinarySearch(call.Ticks + 1);
                if (p < 0) p = ~p;
                if (p < _ends.Count && _ends[p] <= r.Ticks) continue;
                var (tin, tout) = tokens.GetValueOrDefault(call.Skill);
                tokens[call.Skill] = (checked(tin + r.Tokens.Input), checked(tout + r.Tokens.Output));
            }
        }
        var skills = calls.GroupBy(c => c.Skill, StringComparer.Ordinal).Select(g =>
        {
            var failures = g.Count(c => _failed.GetValueOrDefault(c.ToolUseId));
            var lastFailed = _failed.GetValueOrDefault(g.Last().ToolUseId);
            var (tin, tout) = tokens.GetValueOrDefault(g.Key);
            return new SkillUsage
            {
                Skill = g.Key,
                Count = g.Count(),
                Status = failures == 0 ? "pass" : lastFailed ? "fail" : "partial",
                InputTokens = tin,
                OutputTokens = tout,
            };
        }).ToList();
        var invocations = new List<SkillInvocation>(calls.Count);
        var f = 0;
        for (var i = 0; i < calls.Count; i++)
        {
            var next = i + 1 < calls.Count ? calls[i + 1].Ticks : long.MaxValue;
            while (f < failedTests.Count && failedTests[f].Ticks < calls[i].Ticks) f++;
            string? failed = f < failedTests.Count && failedTests[f].Ticks < next ? failedTests[f].Command : null;
            invocations.Add(new SkillInvocation { Skill = calls[i].Skill, Succeeded = !_failed.GetValueOrDefault(calls[i].ToolUseId), FailedTestOrCi = failed });
        }
        return (skills, calls.Select(c => c.Skill).ToList(), invocations);
    }

    /// <summary>
    /// True for text a person typed: not Claude Code's own additions to the conversation (local command output, task
    /// notifications, interruption notes).
    /// </summary>
    public static bool IsTypedPrompt(string text)
    {
        var t = text.AsSpan().TrimStart();
        foreach (var generated in GeneratedPrefixes)
            if (t.StartsWith(generated, StringComparison.Ordinal)) return false;
        return !t.IsEmpty;
    }

    private static readonly string[] GeneratedPrefixes =
        ["<local-command-stdout>", "<local-command-stderr>", "<bash-stdout>", "<bash-stderr>", "<task-notification>", "[Request interrupted", "<system-reminder>"];
}
