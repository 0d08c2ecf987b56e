using System.Collections;
using System.Reflection;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// The SessionStats contract is defined once, by the records: a field added there must reach the JSON and come back,
/// and must be redacted, without being listed anywhere else. These tests fill every settable property by reflection,
/// so they fail for a field the JSON mapping forgot.
/// </summary>
public sealed class SessionStatsContractTests
{
    [Fact]
    public void Every_field_of_the_records_survives_the_json()
    {
        // TranscriptPaths, and where Claude Code's figures were read, stay on the machine that measured the session: they are never written.
        var filled = Filled<SessionStats>("x");
        var full = filled with
        {
            TranscriptPaths = [],
            ClaudeCode = filled.ClaudeCode! with
            {
                StatusLine = filled.ClaudeCode.StatusLine! with { Location = null, TranscriptPath = null },
                CostCommand = filled.ClaudeCode.CostCommand! with { Location = null, TranscriptPath = null },
            },
        };
        var back = SessionStatsJson.Read(SessionStatsJson.Write(full));
        Assert.Equivalent(full, back, strict: true);
        Assert.Equal(SessionStatsJson.Write(full), SessionStatsJson.Write(back));
    }

    [Fact]
    public void Every_text_of_the_records_is_redacted()
    {
        const string Secret = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
        var leaky = Filled<SessionStats>(Secret);
        var copy = SecretRedactor.Redact(leaky);
        var json = SessionStatsJson.Write(copy);
        Assert.DoesNotContain(Secret, json);
        Assert.Contains(SecretRedactor.Placeholder, json);
        foreach (var text in Texts(copy)) Assert.DoesNotContain(Secret, text);
        Assert.Equal(leaky.InputTokens, copy.InputTokens);
        Assert.Contains(Secret, leaky.Branch); // the input is not changed
    }

    [Fact]
    public void Redacting_a_session_without_secrets_changes_nothing()
    {
        var clean = Filled<SessionStats>("plain");
        Assert.Equivalent(clean, SecretRedactor.Redact(clean), strict: true);
    }

    [Fact]
    public void Old_json_without_the_newer_fields_still_reads()
    {
        // The design's example as the first published comments carried it: no schema_version, no totals of later fields.
        const string Design = """
            {"session_id": "00b11888-7e0c-4fb4-bb39-32ea32e09b64", "session_id_short": "00b11888", "project": "kagenti/kagenti",
             "branch": "fix/keycloak-652", "target": {"type": "pr", "number": 652}, "started_at": "2026-02-08T22:26:37Z",
             "ended_at": "2026-02-08T23:45:12Z", "duration_minutes": 78,
             "models": {"claude-opus-4-6": {"messages": 48, "input_tokens": 241558, "output_tokens": 835336,
               "cache_creation_tokens": 56722690, "cache_read_tokens": 458575867}},
             "estimated_cost_usd": 12.45, "tools": {"Bash": 958, "Read": 328},
             "skills_invoked": [{"skill": "tdd:ci", "count": 2, "status": "pass", "tokens": {"input": 50000, "output": 120000}}],
             "subagents": [{"id": "a3d04c8", "type": "Explore", "model": "haiku", "tokens": {"input": 5000, "output": 12000},
               "description": "Explore session metadata context"}],
             "commits": [{"sha": "abc1234", "message": "Fix keycloak token refresh"}],
             "problems_faced": [{"description": "CI lint failure on line 42", "resolved": true, "iterations": 2}],
             "workflow_edges": {"tdd": {"RCACI->TDDCI": 1}},}
            """;
        var s = SessionStatsJson.Read(Design);
        Assert.Equal(("pr", 652, 835336L, 12.45m), (s.TargetType, s.TargetNumber, s.OutputTokens, s.EstimatedCostUsd));
        Assert.Equal(241558 + 835336 + 56722690 + 458575867L, s.TotalTokens); // totals from the models when total_tokens is absent
        Assert.Equal(("a3d04c8", 12000L, "transcript"), (s.Subagents[0].Id, s.Subagents[0].OutputTokens, s.Subagents[0].Source));
        Assert.Equal(1, s.WorkflowEdges["tdd"]["RCACI->TDDCI"]);
        // Fields added since: absent, not invented.
        Assert.Equal(((ClaudeCodeReport?)null, (ClaudeCodeVerification?)null, 0, (bool?)null), (s.ClaudeCode, s.ClaudeCodeVerification, s.SkillInvocations.Count, s.OutputTokensLowerBound));
    }

    [Theory]
    [InlineData("{}", "session_id")]
    [InlineData("{\"session_id\": null}", "session_id")]
    [InlineData("{\"session_id\": \"a\", \"tools\": {\"Bash\": \"many\"}}", "tools")]
    [InlineData("[1]", "")]
    [InlineData("{\"session_id\": ", "")]
    public void Json_that_is_not_a_session_is_a_FormatException_naming_what_is_wrong(string json, string named)
    {
        var e = Assert.Throws<FormatException>(() => SessionStatsJson.Read(json));
        Assert.Contains(named, e.Message);
    }

    /// <summary>An instance whose every settable property holds a value that is not its default.</summary>
    internal static T Filled<T>(string text) => (T)Filled(typeof(T), text, 1);

    private static object Filled(Type type, string text, int seed)
    {
        var value = Activator.CreateInstance(type)!;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
            p.SetValue(value, Value(p.PropertyType, $"{text} {p.Name}", seed++));
        return value;
    }

    private static object? Value(Type type, string text, int seed)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return text;
        if (t == typeof(int)) return seed;
        if (t == typeof(long)) return 1000L + seed;
        if (t == typeof(decimal)) return 1.25m + seed;
        if (t == typeof(bool)) return true;
        if (t == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 2, 8, 22, 26, seed % 60, TimeSpan.Zero);
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var item = t.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            list.Add(item == typeof(string) ? text : Filled(item, text, seed));
            return list;
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var valueType = t.GetGenericArguments()[1];
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            dictionary.Add(text + " key", Value(valueType, text, seed));
            return dictionary;
        }
        if (t.IsClass) return Filled(t, text, seed);
        throw new NotSupportedException($"The contract test cannot fill a {t}: teach it the new type.");
    }

    /// <summary>Every string reachable from <paramref name="value"/>: property values and dictionary keys.</summary>
    private static IEnumerable<string> Texts(object? value) => value switch
    {
        null => [],
        string s => [s],
        IDictionary d => d.Keys.Cast<object>().Concat(d.Values.Cast<object>()).SelectMany(Texts),
        IEnumerable e => e.Cast<object>().SelectMany(Texts),
        _ when value.GetType().Namespace == typeof(SessionStats).Namespace =>
            value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).SelectMany(p => Texts(p.GetValue(value))),
        _ => [],
    };
}
