using System.Text.Json;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Subagents launched through the Task/Agent tool: which transcript each ran as, the final usage its parent's tool
/// result reports, and one row per subagent and model. Figures come from the subagent's own responses (its file, the
/// inline sidechain of a 1.0.x parent, or, when its file is missing, its agent_progress replays), corrected by the final
/// usage; only when none exists, from the parent's tool result (<c>source: tool_result</c>).
/// </summary>
internal sealed class SubagentTracker
{
    private const string SidechainPrefix = "sidechain:";

    private sealed record Launch(string ToolUseId, string? Type, string? Description, string? Model, string? Prompt, long Ticks);

    private sealed record Result(string? AgentId, long? TotalTokens, long? DurationMs, int? ToolUses, ResponseTokens? Final, long Ticks);

    private readonly List<Launch> _launches = [];
    private readonly Dictionary<string, Result> _results = new(StringComparer.Ordinal);
    // 1.0.x inline sidechains: each line's uuid → the key of its chain (named after the chain's first line).
    private readonly Dictionary<string, string> _sidechainKeys = new(StringComparer.Ordinal);
    private readonly List<(string Key, string Prompt)> _sidechainPrompts = [];

    public void Launched(in ToolUse use)
    {
        var input = use.Input;
        _launches.Add(new Launch(use.Id, Text(input, "subagent_type"u8), Text(input, "description"u8), Text(input, "model"u8), Text(input, "prompt"u8), use.Ticks));
    }

    public void Finished(in ToolResult result, in TranscriptLine line)
    {
        var d = result.Details;
        ResponseTokens? final = null;
        if (d.ValueKind == JsonValueKind.Object && d.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            if (UsageReader.TryRead(usage, out var tokens, out var problem)) final = tokens;
            else line.Report(StatsErrors.UsageInvalid, $"the subagent's final usage in toolUseResult: {problem}; it is not used, the rest of the session is kept.");
        }
        _results[result.ToolUseId] = new Result(Text(d, "agentId"u8), Count(d, "totalTokens"u8), Count(d, "totalDurationMs"u8),
            Count(d, "totalToolUseCount"u8) is long n and <= int.MaxValue ? (int)n : null, final, result.Ticks);
    }

    /// <summary>The subagent a line belongs to: its file's agent, the agentId of a sidechain line, or its 1.0.x inline chain.</summary>
    public string? AgentOf(in TranscriptLine line)
    {
        if (line.FileAgent is not null) return line.FileAgent;
        if (!line.IsSidechain) return null;
        if (line.AgentId.ValueKind == JsonValueKind.String && line.AgentId.GetString() is { Length: > 0 } agentId) return agentId;
        // 1.0.x: the subagent's lines sit in the parent file without an agent id; they form a chain by parentUuid from
        // the subagent's prompt, which is the Task's prompt.
        if (line.Uuid.ValueKind != JsonValueKind.String) return SidechainPrefix;
        var uuid = line.Uuid.GetString()!;
        if (line.ParentUuid.ValueKind == JsonValueKind.String && _sidechainKeys.TryGetValue(line.ParentUuid.GetString()!, out var key))
        {
            _sidechainKeys[uuid] = key;
            return key;
        }
        key = SidechainPrefix + uuid;
        _sidechainKeys[uuid] = key;
        var content = line.Message.ValueKind == JsonValueKind.Object && line.Message.TryGetProperty("content"u8, out var c) ? c : default;
        if (line.TypeIs("user"u8)) _sidechainPrompts.Add((key, TranscriptText.ContentText(content)));
        return key;
    }

    public SubagentFacts Build(UsageLedger ledger)
    {
        var launches = _launches.OrderBy(l => l.Ticks).ToList();
        var agents = Assign(launches, ledger);

        ledger.ApplyFinalUsage(launches.Select((l, i) => (Agent: agents[i], Result: _results.GetValueOrDefault(l.ToolUseId)))
            .Where(x => x.Agent is not null && x.Result?.Final is not null)
            .Select(x => new FinalUsage(x.Agent!, x.Result!.Final!.Value, x.Result.Ticks)).ToList());

        var byAgent = Own(ledger);
        var rows = new List<SubagentUsage>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var usageOutsideTotals = false;
        for (var i = 0; i < launches.Count; i++)
        {
            var launch = launches[i];
            var agent = agents[i];
            var result = _results.GetValueOrDefault(launch.ToolUseId);
            var id = agent is null || agent.StartsWith(SidechainPrefix, StringComparison.Ordinal) ? ShortToolId(launch.ToolUseId) : agent;
            var type = launch.Type ?? "general-purpose";
            if (agent is not null) listed.Add(agent);
            if (agent is not null && byAgent.TryGetValue(agent, out var own))
                rows.AddRange(Rows(id, type, launch.Description, own, result));
            else if (result?.Final is ResponseTokens u)
            {
                // Nothing of the subagent's own was logged: its last call's figures are all there is, and its model is
                // not known exactly, so they stay out of the session's model totals.
                usageOutsideTotals = true;
                rows.Add(Row(id, type, launch.Description, launch.Model, Sum([u]), correction: 0, result, "tool_result"));
            }
            else rows.Add(Row(id, type, launch.Description, launch.Model, default, 0, result, "transcript"));
        }
        // Subagent transcripts whose launch is not in the transcripts (e.g. the parent was truncated).
        foreach (var (agent, own) in byAgent)
            if (!listed.Contains(agent))
                rows.AddRange(Rows(agent.StartsWith(SidechainPrefix, StringComparison.Ordinal) ? SessionStats.ShortId(agent[SidechainPrefix.Length..]) : agent, null, null, own, null));
        return new SubagentFacts(rows, usageOutsideTotals);
    }

    /// <summary>
    /// The transcript each launch ran as: the agent its result names; else (1.0.x) the inline chain whose prompt is the
    /// launch's; else the next unclaimed subagent transcript or chain that started after the launch.
    /// </summary>
    private string?[] Assign(List<Launch> launches, UsageLedger ledger)
    {
        var chains = _sidechainPrompts.GroupBy(p => p.Prompt, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Queue<string>(g.Select(p => p.Key)), StringComparer.Ordinal);
        var agents = new string?[launches.Count];
        for (var i = 0; i < launches.Count; i++)
        {
            var launch = launches[i];
            agents[i] = _results.GetValueOrDefault(launch.ToolUseId)?.AgentId
                ?? (launch.Prompt is not null && chains.TryGetValue(launch.Prompt, out var chain) && chain.Count > 0 ? chain.Dequeue() : null);
        }

        var firstTicks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in ledger.Responses)
            if (r.Agent is { } a && !TranscriptFile.IsCompactionAgent(a))
                firstTicks[a] = firstTicks.TryGetValue(a, out var t) ? Math.Min(t, r.Ticks) : r.Ticks;
        var claimed = agents.OfType<string>().Concat(_results.Values.Select(r => r.AgentId).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        var unclaimed = new Queue<string>(firstTicks.Where(a => !claimed.Contains(a.Key))
            .OrderBy(a => a.Value).ThenBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key));
        for (var i = 0; i < launches.Count; i++)
            if (agents[i] is null && unclaimed.Count > 0 && firstTicks[unclaimed.Peek()] >= launches[i].Ticks)
                agents[i] = unclaimed.Dequeue();
        return agents;
    }

    private static Dictionary<string, List<Response>> Own(UsageLedger ledger) =>
        ledger.Responses.Where(r => r.Agent is not null && !TranscriptFile.IsCompactionAgent(r.Agent))
            .GroupBy(r => r.Agent!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Ticks).ToList(), StringComparer.Ordinal);

    /// <summary>One row per model, the subagent's main model first; the tool result's totals go on that first row.</summary>
    private static IEnumerable<SubagentUsage> Rows(string id, string? type, string? description, List<Response> own, Result? result)
    {
        // Replayed lines stand in for a missing transcript; the final call added from the tool result belongs with them.
        var source = own.Any(r => r.Source == LineSource.Replay) ? "agent_progress" : "transcript";
        var first = true;
        foreach (var model in own.GroupBy(r => r.Model, StringComparer.Ordinal)
                     .OrderByDescending(g => g.Aggregate(0L, (s, r) => checked(s + r.Tokens.Total))).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return Row(id, type, description, model.Key, Sum(model.Select(r => r.Tokens)),
                model.Aggregate(0L, (s, r) => checked(s + r.OutputCorrection)), first ? result : null, source);
            first = false;
        }
    }

    private static SubagentUsage Row(string id, string? type, string? description, string? model, TokenSum sum, long correction, Result? result, string source) => new()
    {
        Id = id,
        Type = type,
        Description = description,
        Model = model,
        InputTokens = sum.Input,
        OutputTokens = sum.Output,
        CacheCreationTokens = sum.CacheWrite,
        CacheReadTokens = sum.CacheRead,
        OutputTokensCorrection = correction,
        TotalTokens = result?.TotalTokens,
        DurationMs = result?.DurationMs,
        ToolUseCount = result?.ToolUses,
        Source = source,
    };

    private static TokenSum Sum(IEnumerable<ResponseTokens> tokens)
    {
        var sum = new TokenSum();
        foreach (var t in tokens) sum.Add(t);
        return sum;
    }

    private static string ShortToolId(string toolUseId) => toolUseId.Length > 12 ? toolUseId[^8..] : toolUseId;

    private static string? Text(JsonElement e, ReadOnlySpan<byte> name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A non-negative whole number, else null (these totals are shown, never summed into the session's).</summary>
    private static long? Count(JsonElement e, ReadOnlySpan<byte> name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 ? n : null;
}

internal sealed record SubagentFacts(List<SubagentUsage> Rows, bool UsageOutsideTotals);
