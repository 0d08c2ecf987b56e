using System.Text.Json;

namespace SessionAnalytics.Benchmarks;

/// <summary>Token sums of one model in one session, as each source reports them (null: the source lacks the field).</summary>
public sealed record TokenTotals(long Input, long Output, long CacheCreation, long CacheRead, long? CacheCreation1h = null, long? Messages = null,
    long OutputCorrection = 0)
{
    public bool IsZero => Input == 0 && Output == 0 && CacheCreation == 0 && CacheRead == 0;
    public override string ToString() =>
        $"in {Input:N0} out {Output:N0} cache+ {CacheCreation:N0}{(CacheCreation1h is long h ? $" (1h {h:N0})" : "")} cache> {CacheRead:N0}{(Messages is long m ? $" msgs {m:N0}" : "")}";
}

/// <summary>Session id → model → totals, plus the non-token facts a source reports about each session.</summary>
public sealed class SourceTotals
{
    public Dictionary<string, Dictionary<string, TokenTotals>> Sessions { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SessionFacts> Facts { get; } = new(StringComparer.Ordinal);
    /// <summary>ccusage only: rows that were folded into their parent session (2.0.x flat agent files).</summary>
    public int FoldedRows { get; set; }

    public void Add(string session, string model, TokenTotals t)
    {
        if (!Sessions.TryGetValue(session, out var models)) Sessions[session] = models = new(StringComparer.Ordinal);
        models[model] = models.TryGetValue(model, out var prev)
            ? new TokenTotals(prev.Input + t.Input, prev.Output + t.Output, prev.CacheCreation + t.CacheCreation, prev.CacheRead + t.CacheRead,
                prev.CacheCreation1h + t.CacheCreation1h, prev.Messages + t.Messages, prev.OutputCorrection + t.OutputCorrection)
            : t;
    }

    /// <summary>
    /// The totals as usage is logged in the transcripts, without the final-usage correction (which only our engine
    /// applies): what a tool that sums the logged usage, like ccusage, must find.
    /// </summary>
    public SourceTotals Logged()
    {
        var logged = new SourceTotals { FoldedRows = FoldedRows };
        foreach (var (sid, models) in Sessions)
            foreach (var (model, t) in models)
                logged.Add(sid, model, t with { Output = t.Output - t.OutputCorrection, OutputCorrection = 0 });
        foreach (var (sid, facts) in Facts) logged.Facts[sid] = facts;
        return logged;
    }

    /// <summary>Output tokens added by the final-usage correction, and the session×model pairs it touches.</summary>
    public (long Tokens, int Pairs) OutputCorrection =>
        (Sessions.Values.SelectMany(m => m.Values).Sum(t => t.OutputCorrection), Sessions.Values.SelectMany(m => m.Values).Count(t => t.OutputCorrection != 0));

    /// <summary>Just one session (the -Id shape): the other sessions are not expected, and not reported.</summary>
    public SourceTotals Only(string sessionId)
    {
        var only = new SourceTotals { FoldedRows = FoldedRows };
        if (Sessions.TryGetValue(sessionId, out var models)) only.Sessions[sessionId] = models;
        if (Facts.TryGetValue(sessionId, out var facts)) only.Facts[sessionId] = facts;
        return only;
    }

    public long TotalTokens => Sessions.Values.SelectMany(m => m.Values).Sum(t => t.Input + t.Output + t.CacheCreation + t.CacheRead);
}

public sealed record SessionFacts(IReadOnlyDictionary<string, int> Tools, int Commits, int Subagents, IReadOnlyList<string> SkillSequence);

public static class TotalsReader
{
    /// <summary>The generator's expected-totals.json.</summary>
    public static (SourceTotals Totals, Dictionary<string, string> FlatAgentFiles, JsonElement Corpus) Expected(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement.Clone();
        var totals = new SourceTotals();
        foreach (var s in root.GetProperty("sessions").EnumerateArray())
        {
            var id = s.GetProperty("sessionId").GetString()!;
            foreach (var m in s.GetProperty("models").EnumerateObject())
            {
                var v = m.Value;
                totals.Add(id, m.Name, new TokenTotals(v.GetProperty("inputTokens").GetInt64(), v.GetProperty("outputTokens").GetInt64(),
                    v.GetProperty("cacheCreationTokens").GetInt64(), v.GetProperty("cacheReadTokens").GetInt64(),
                    v.GetProperty("cacheCreation1hTokens").GetInt64(), v.GetProperty("messages").GetInt64(),
                    v.TryGetProperty("outputTokensCorrection", out var c) ? c.GetInt64() : 0));
            }
            totals.Facts[id] = new SessionFacts(
                s.GetProperty("tools").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal),
                s.GetProperty("commits").GetInt32(), s.GetProperty("subagents").GetInt32(),
                s.GetProperty("skillSequence").EnumerateArray().Select(e => e.GetString()!).ToList());
        }
        var flat = root.GetProperty("flatAgentFiles").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        return (totals, flat, root);
    }

    /// <summary>SessionStats objects as JSON lines (the runner's --json output, or the Core measurement's).</summary>
    public static SourceTotals SessionStatsLines(string path)
    {
        var totals = new SourceTotals();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line) || line[0] != '{') continue;
            using var doc = JsonDocument.Parse(line);
            var s = doc.RootElement;
            var id = s.GetProperty("SessionId").GetString()!;
            foreach (var m in s.GetProperty("Models").EnumerateArray())
                totals.Add(id, m.GetProperty("Model").GetString()!, new TokenTotals(m.GetProperty("InputTokens").GetInt64(), m.GetProperty("OutputTokens").GetInt64(),
                    m.GetProperty("CacheCreationTokens").GetInt64(), m.GetProperty("CacheReadTokens").GetInt64(),
                    m.GetProperty("CacheCreation1hTokens").GetInt64(), m.GetProperty("Messages").GetInt64()));
            if (!totals.Sessions.ContainsKey(id)) totals.Sessions[id] = new(StringComparer.Ordinal);
            totals.Facts[id] = new SessionFacts(
                s.GetProperty("Tools").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal),
                s.GetProperty("CommitCount").GetInt32(), s.GetProperty("SubagentCount").GetInt32(),
                s.GetProperty("SkillSequence").EnumerateArray().Select(e => e.GetString()!).ToList());
        }
        return totals;
    }

    /// <summary>
    /// `ccusage claude session --json` (or with --id: one session's entries). ccusage names a session after its file, so a 2.0.x flat agent file
    /// (agent-&lt;id&gt;.jsonl beside its parent) is a session of its own there; it is folded into its parent here.
    /// Models with no tokens at all (the &lt;synthetic&gt; API-error lines) are left out.
    /// </summary>
    public static SourceTotals Ccusage(string path, IReadOnlyDictionary<string, string> flatAgentFiles)
    {
        var totals = new SourceTotals();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (doc.RootElement.TryGetProperty("entries", out var entries))
        {
            // `session --id <id> --json`: the session's responses one by one.
            var sid = doc.RootElement.GetProperty("sessionId").GetString()!;
            foreach (var e in entries.EnumerateArray())
            {
                var t = new TokenTotals(e.GetProperty("inputTokens").GetInt64(), e.GetProperty("outputTokens").GetInt64(),
                    e.GetProperty("cacheCreationTokens").GetInt64(), e.GetProperty("cacheReadTokens").GetInt64());
                if (!t.IsZero) totals.Add(sid, e.GetProperty("model").GetString()!, t);
            }
            return totals;
        }
        foreach (var s in doc.RootElement.GetProperty("sessions").EnumerateArray())
        {
            var id = s.GetProperty("sessionId").GetString()!;
            var project = s.TryGetProperty("projectPath", out var p) ? p.GetString() : null;
            if (flatAgentFiles.TryGetValue($"{project}/{id}", out var parent))
            {
                id = parent;
                totals.FoldedRows++;
            }
            foreach (var m in s.GetProperty("modelBreakdowns").EnumerateArray())
            {
                var t = new TokenTotals(m.GetProperty("inputTokens").GetInt64(), m.GetProperty("outputTokens").GetInt64(),
                    m.GetProperty("cacheCreationTokens").GetInt64(), m.GetProperty("cacheReadTokens").GetInt64());
                if (!t.IsZero) totals.Add(id, m.GetProperty("modelName").GetString()!, t);
            }
        }
        return totals;
    }
}

/// <summary>Compares a source with the generator's totals, session by session and model by model.</summary>
public sealed class Comparison
{
    public required string Source { get; init; }
    public int SessionsExpected { get; init; }
    public int SessionsFound { get; init; }
    public int PairsCompared { get; private set; }
    public List<string> TokenMismatches { get; } = [];
    public List<string> FactMismatches { get; } = [];
    public bool TokensMatch => TokenMismatches.Count == 0 && SessionsFound == SessionsExpected;

    public static Comparison Run(string source, SourceTotals expected, SourceTotals actual, bool compareDetail, bool compareFacts)
    {
        var pairs = 0;
        var c = new Comparison { Source = source, SessionsExpected = expected.Sessions.Count, SessionsFound = actual.Sessions.Keys.Count(expected.Sessions.ContainsKey) };
        foreach (var (sid, models) in expected.Sessions)
        {
            if (!actual.Sessions.TryGetValue(sid, out var got))
            {
                c.TokenMismatches.Add($"{sid}: session missing");
                continue;
            }
            foreach (var (model, want) in models)
            {
                pairs++;
                if (!got.TryGetValue(model, out var have)) { c.TokenMismatches.Add($"{sid} {model}: missing (expected {want})"); continue; }
                var same = have.Input == want.Input && have.Output == want.Output && have.CacheCreation == want.CacheCreation && have.CacheRead == want.CacheRead
                           && (!compareDetail || (have.CacheCreation1h == want.CacheCreation1h && have.Messages == want.Messages));
                if (!same) c.TokenMismatches.Add($"{sid} {model}: expected {want}, got {have}");
            }
            foreach (var model in got.Keys.Where(m => !models.ContainsKey(m)))
                c.TokenMismatches.Add($"{sid} {model}: not expected, got {got[model]}");
        }
        foreach (var sid in actual.Sessions.Keys.Where(s => !expected.Sessions.ContainsKey(s)))
            c.TokenMismatches.Add($"{sid}: not a session of the corpus");

        if (compareFacts)
            foreach (var (sid, want) in expected.Facts)
            {
                if (!actual.Facts.TryGetValue(sid, out var have)) continue;
                var tools = want.Tools.Count == have.Tools.Count && want.Tools.All(t => have.Tools.TryGetValue(t.Key, out var n) && n == t.Value);
                if (!tools) c.FactMismatches.Add($"{sid}: tools expected {Format(want.Tools)}, got {Format(have.Tools)}");
                if (want.Commits != have.Commits) c.FactMismatches.Add($"{sid}: commits expected {want.Commits}, got {have.Commits}");
                if (want.Subagents != have.Subagents) c.FactMismatches.Add($"{sid}: subagents expected {want.Subagents}, got {have.Subagents}");
                if (!want.SkillSequence.SequenceEqual(have.SkillSequence)) c.FactMismatches.Add($"{sid}: skill sequence expected {want.SkillSequence.Count} calls, got {have.SkillSequence.Count}");
            }
        c.PairsCompared = pairs;
        return c;
    }

    private static string Format(IReadOnlyDictionary<string, int> d) => string.Join(",", d.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
