using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Export;

/// <summary>One model's share of one session: a row of the dataset's long table and a term of the report's model table.</summary>
/// <param name="CostUsd">Null when the model had no known price.</param>
/// <param name="Exact">False when the record only says which models it used (a re-imported CSV row with several
/// models): then the row holds the session's totals under <see cref="AnalyticsSummary.UnsplitModels"/>.</param>
public sealed record SessionModelRow(string Model, long InputTokens, long OutputTokens, long CacheCreateTokens, long CacheReadTokens, decimal? CostUsd, bool Exact)
{
    public long TotalTokens => checked(InputTokens + OutputTokens + CacheCreateTokens + CacheReadTokens);
}

/// <summary>
/// Splits a record by model: from its per-model usage JSON when it has one (records from the extraction or from
/// ConvertTo-SessionStats); otherwise, with one model in <c>models_used</c>, the session's totals are that model's,
/// exactly; with several, the split is unknown and the totals go to one <see cref="AnalyticsSummary.UnsplitModels"/>
/// row. The report's model table and the Parquet dataset's long table both come from here, so they agree.
/// </summary>
public static class SessionModelRows
{
    public static IReadOnlyList<SessionModelRow> For(SessionAnalyticsRecord record, IDiagnostics? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var perModel = ParseObject(record.PerModelUsage, "per-model usage", record, diagnostics ?? NullDiagnostics.Instance);
        if (perModel is { Count: > 0 })
            return perModel.Select(p => new SessionModelRow(p.Key, Long(p.Value, "in"), Long(p.Value, "out"), Long(p.Value, "cache_create"),
                Long(p.Value, "cache_read"), p.Value.TryGetProperty("cost_usd", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDecimal() : null, Exact: true)).ToList();
        var models = record.ModelsUsed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (models.Length == 0 && record.TotalTokens == 0) return [];
        return
        [
            new SessionModelRow(models.Length == 1 ? models[0] : AnalyticsSummary.UnsplitModels, record.TotalInputTokens, record.TotalOutputTokens,
                record.TotalCacheCreate, record.TotalCacheRead, record.EstimatedCostUsd, Exact: models.Length == 1),
        ];
    }

    /// <summary>The JSON object cells of a record (per-skill tokens, per-model usage) as name → object; null and a warning when unreadable.</summary>
    internal static Dictionary<string, JsonElement>? ParseObject(string? json, string what, SessionAnalyticsRecord r, IDiagnostics diagnostics)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("not a JSON object");
            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Object) result[p.Name] = p.Value.Clone();
            return result;
        }
        catch (JsonException e)
        {
            diagnostics.Warning($"Session {r.SessionId} ({AnalyticsSummary.Describe(r)}): the {what} are not valid JSON ({e.Message}); left out of the tables.");
            return null;
        }
    }

    internal static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : 0;
}
