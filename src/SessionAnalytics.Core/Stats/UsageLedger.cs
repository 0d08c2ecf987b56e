using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// The session's API responses and their usage: one entry per (message.id, requestId), keeping the line with the largest
/// token total (Claude Code writes a response as one line per content block, early lines with placeholder output);
/// lines without both ids count each. Corrections from final usage are applied here, and the per-model totals are summed
/// with checked arithmetic.
/// </summary>
internal sealed class UsageLedger
{
    private readonly Dictionary<(string MessageId, string RequestId), Response> _keyed = [];
    private readonly List<Response> _unkeyed = [];
    // Model ids are kept once per response: one string instance per distinct id.
    private readonly Dictionary<string, string> _models = new(StringComparer.Ordinal);

    public IEnumerable<Response> Responses => _keyed.Values.Concat(_unkeyed);

    /// <summary>
    /// Records the usage of an assistant line. Returns false when the line carries no counted usage (no model, no usage,
    /// a <c>&lt;synthetic&gt;</c> message, or usage figures that are invalid, which are reported).
    /// </summary>
    public bool Add(in TranscriptLine line, string? agent, long ticks)
    {
        var message = line.Message;
        if (message.ValueKind != JsonValueKind.Object) return false;
        if (!message.TryGetProperty("model"u8, out var modelElement) || modelElement.ValueKind != JsonValueKind.String || modelElement.ValueEquals("<synthetic>"u8)) return false;
        if (!message.TryGetProperty("usage"u8, out var usage) || usage.ValueKind != JsonValueKind.Object) return false;
        if (!UsageReader.TryRead(usage, out var tokens, out var problem))
        {
            line.Report(StatsErrors.UsageInvalid, $"{problem}; the line's usage is not counted, the rest of the session is kept.");
            return false;
        }
        var final = message.TryGetProperty("stop_reason"u8, out var stop) && stop.ValueKind == JsonValueKind.String;
        var model = Shared(modelElement.GetString()!);

        if (message.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String && line.RequestId.ValueKind == JsonValueKind.String)
        {
            var key = (id.GetString()!, line.RequestId.GetString()!);
            if (!_keyed.TryGetValue(key, out var existing))
                _keyed[key] = new Response(model, tokens, ticks, agent, line.Source) { Final = final };
            else
            {
                existing.Final |= final;
                if (tokens.Total > existing.Tokens.Total)
                    existing.Replace(model, tokens, agent, line.Source, Math.Min(existing.Ticks, ticks));
            }
        }
        else _unkeyed.Add(new Response(model, tokens, ticks, agent, line.Source) { Final = final });
        return true;
    }

    /// <summary>
    /// Corrects each subagent's last call with the final usage its parent's tool result reports (docs: "Accounting",
    /// "Final usage"): the latest logged response of the agent with the same input, cache-write and cache-read figures
    /// takes the larger output count. When the agent is known only from agent_progress replays, which never carry its
    /// last (answering) call, and no replayed response matches, that call is added as a response of the agent's main
    /// model. Agents with no logged response at all are left to the caller.
    /// </summary>
    public void ApplyFinalUsage(IReadOnlyList<FinalUsage> finals)
    {
        if (finals.Count == 0) return;
        var byAgent = Responses.Where(r => r.Agent is not null).GroupBy(r => r.Agent!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var f in finals)
        {
            if (!byAgent.TryGetValue(f.Agent, out var own) || own.Count == 0) continue;
            var u = f.Tokens;
            Response? match = null;
            foreach (var r in own)
                if (r.Tokens.Input == u.Input && r.Tokens.CacheWrite == u.CacheWrite && r.Tokens.CacheRead == u.CacheRead && (match is null || r.Ticks >= match.Ticks))
                    match = r;
            if (match is not null)
            {
                if (u.Output > match.Tokens.Output)
                {
                    match.OutputCorrection = checked(match.OutputCorrection + u.Output - match.Tokens.Output);
                    match.Tokens = match.Tokens with { Output = u.Output };
                }
                match.Final = true;
            }
            else if (own.All(r => r.Source == LineSource.Replay))
            {
                var added = new Response(MainModel(own)!, u, f.Ticks, f.Agent, LineSource.Replay)
                {
                    Final = true,
                    OutputCorrection = u.Output,
                    FromToolResult = true,
                };
                _unkeyed.Add(added);
                own.Add(added);
            }
        }
    }

    /// <summary>The model whose responses hold the most tokens.</summary>
    public static string? MainModel(IEnumerable<Response> responses) =>
        responses.GroupBy(r => r.Model, StringComparer.Ordinal)
            .Select(g => (Model: g.Key, Tokens: g.Aggregate(0L, (sum, r) => checked(sum + r.Tokens.Total))))
            .OrderByDescending(m => m.Tokens).ThenBy(m => m.Model, StringComparer.Ordinal)
            .Select(m => m.Model).FirstOrDefault();

    /// <summary>Per model, each response priced on its own (tiers and 1-hour writes are per response).</summary>
    public UsageTotals Totals(PricingTable pricing, IDiagnostics diagnostics, string sessionId)
    {
        var responses = Responses.ToList();
        var unpriced = new SortedSet<string>(StringComparer.Ordinal);
        var models = responses.GroupBy(r => r.Model, StringComparer.Ordinal).Select(g =>
        {
            decimal? cost = 0m;
            var sum = new TokenSum();
            foreach (var r in g)
            {
                sum.Add(r.Tokens);
                if (cost is not null && pricing.Cost(g.Key, r.Tokens) is decimal c) cost += c;
                else cost = null;
            }
            if (cost is null) unpriced.Add(g.Key);
            return new ModelUsage
            {
                Model = g.Key,
                Messages = g.Count(),
                InputTokens = sum.Input,
                OutputTokens = sum.Output,
                CacheCreationTokens = sum.CacheWrite,
                CacheCreation1hTokens = sum.CacheWrite1h,
                CacheReadTokens = sum.CacheRead,
                CostUsd = cost,
            };
        }).OrderByDescending(m => m.CostUsd ?? -1m).ThenByDescending(m => m.TotalTokens).ThenBy(m => m.Model, StringComparer.Ordinal).ToList();
        foreach (var m in unpriced)
            diagnostics.Warning($"Session {sessionId}: model '{m}' has no known price; its tokens are counted but no cost is estimated. Add it with -PricingFile.");
        return new UsageTotals(models, unpriced.ToList(), responses.Count,
            OutputLowerBound: responses.Any(r => !r.Final),
            OutputCorrection: responses.Aggregate(0L, (sum, r) => checked(sum + r.OutputCorrection)));
    }

    private string Shared(string value)
    {
        if (_models.TryGetValue(value, out var existing)) return existing;
        _models[value] = value;
        return value;
    }
}

/// <summary>One distinct API response.</summary>
internal sealed class Response(string model, ResponseTokens tokens, long ticks, string? agent, LineSource source)
{
    public string Model { get; private set; } = model;
    public ResponseTokens Tokens { get; set; } = tokens;
    /// <summary>The time of the response's first line.</summary>
    public long Ticks { get; private set; } = ticks;
    /// <summary>The subagent (or compaction call) the response belongs to; null on the main thread.</summary>
    public string? Agent { get; private set; } = agent;
    public LineSource Source { get; private set; } = source;
    /// <summary>True when the output count is final: a line of the response has a stop_reason, or final usage corrected it.</summary>
    public bool Final { get; set; }
    /// <summary>Output tokens added by final usage beyond the logged count (included in <see cref="Tokens"/>).</summary>
    public long OutputCorrection { get; set; }
    /// <summary>A final call known only from the parent's tool result.</summary>
    public bool FromToolResult { get; init; }

    public void Replace(string model, ResponseTokens tokens, string? agent, LineSource source, long ticks) =>
        (Model, Tokens, Agent, Source, Ticks) = (model, tokens, agent, source, ticks);
}

/// <summary>The final usage of a subagent's last call, from the parent's Task/Agent tool result.</summary>
internal readonly record struct FinalUsage(string Agent, ResponseTokens Tokens, long Ticks);

internal sealed record UsageTotals(List<ModelUsage> Models, List<string> UnpricedModels, int Messages, bool OutputLowerBound, long OutputCorrection);

/// <summary>Token sums that fail loudly instead of wrapping (each figure is bounded, so they never should).</summary>
internal struct TokenSum
{
    public long Input, Output, CacheWrite, CacheWrite1h, CacheRead;

    public void Add(ResponseTokens t)
    {
        Input = checked(Input + t.Input);
        Output = checked(Output + t.Output);
        CacheWrite = checked(CacheWrite + t.CacheWrite);
        CacheWrite1h = checked(CacheWrite1h + t.CacheWrite1h);
        CacheRead = checked(CacheRead + t.CacheRead);
    }

    public readonly long Total => checked(Input + Output + CacheWrite + CacheRead);
}

/// <summary>
/// Reads a <c>usage</c> object. Every figure must be a whole number from 0 to <see cref="UsageLimits.MaxTokensPerField"/>;
/// a missing one is 0 (older transcripts lack the cache fields).
/// </summary>
internal static class UsageReader
{
    public static bool TryRead(JsonElement usage, out ResponseTokens tokens, out string? problem)
    {
        tokens = default;
        if (!Field(usage, "input_tokens"u8, "input_tokens", out var input, out problem)
            || !Field(usage, "output_tokens"u8, "output_tokens", out var output, out problem)
            || !Field(usage, "cache_creation_input_tokens"u8, "cache_creation_input_tokens", out var write, out problem)
            || !Field(usage, "cache_read_input_tokens"u8, "cache_read_input_tokens", out var read, out problem))
            return false;
        long write1h = 0;
        if (usage.TryGetProperty("cache_creation"u8, out var split) && split.ValueKind != JsonValueKind.Null)
        {
            if (split.ValueKind != JsonValueKind.Object)
            {
                problem = $"usage field 'cache_creation' is {Describe(split)}, not an object";
                return false;
            }
            if (!Field(split, "ephemeral_1h_input_tokens"u8, "cache_creation.ephemeral_1h_input_tokens", out write1h, out problem)
                || !Field(split, "ephemeral_5m_input_tokens"u8, "cache_creation.ephemeral_5m_input_tokens", out _, out problem))
                return false;
            write1h = Math.Min(write1h, write);
        }
        tokens = new ResponseTokens(input, output, write - write1h, write1h, read);
        return true;
    }

    private static bool Field(JsonElement parent, ReadOnlySpan<byte> name, string displayName, out long value, out string? problem)
    {
        value = 0;
        problem = null;
        if (!parent.TryGetProperty(name, out var e)) return true;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value) && value is >= 0 and <= UsageLimits.MaxTokensPerField) return true;
        value = 0;
        problem = string.Create(CultureInfo.InvariantCulture,
            $"usage field '{displayName}' is {Describe(e)}, not a whole number of tokens from 0 to {UsageLimits.MaxTokensPerField:N0}");
        return false;
    }

    private static string Describe(JsonElement e)
    {
        var raw = e.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? e.ValueKind.ToString().ToLowerInvariant() : e.GetRawText();
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }
}

/// <summary>The bound on usage figures (docs/about_SessionAnalytics.md, "Bad input").</summary>
public static class UsageLimits
{
    /// <summary>
    /// The largest token count one usage field of one response may hold: 10^9. No model's context or output comes near
    /// it (the largest contexts are about 10^6), and with it no sum of a session's responses can overflow.
    /// </summary>
    public const long MaxTokensPerField = 1_000_000_000;
}
