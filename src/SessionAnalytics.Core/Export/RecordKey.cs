namespace SessionAnalytics.Core.Export;

/// <summary>
/// What makes a record the same record in a dataset: repository (case-insensitive, as GitHub names are), target type,
/// PR/issue number and session id. Local sessions (no PR or issue) have an empty repository and type and no number.
/// Writing a dataset again with a record of the same key replaces the old one (a re-run, a longer measurement of the
/// same session); records of other keys are kept, so a dataset is extended, never duplicated.
/// </summary>
public readonly record struct RecordKey(string Repository, string TargetType, int? Number, string SessionId)
{
    public static RecordKey Of(SessionAnalyticsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var local = AnalyticsSummary.KindOf(record) == TargetKind.Local;
        return new RecordKey(
            (record.Repository ?? "").ToLowerInvariant(),
            local ? "" : record.TargetType!.ToLowerInvariant(),
            local ? null : record.PrNumber,
            record.SessionId);
    }

    /// <summary>
    /// <paramref name="existing"/> with every record whose key is in <paramref name="incoming"/> replaced by the incoming
    /// one (the last incoming one, when the input repeats a key), in a stable order: kept records first, then the incoming.
    /// </summary>
    public static List<SessionAnalyticsRecord> Merge(IEnumerable<SessionAnalyticsRecord> existing, IEnumerable<SessionAnalyticsRecord> incoming)
    {
        var replacing = new Dictionary<RecordKey, SessionAnalyticsRecord>();
        var order = new List<RecordKey>();
        foreach (var record in incoming)
        {
            var key = Of(record);
            if (replacing.TryAdd(key, record)) order.Add(key);
            else replacing[key] = record;
        }
        var merged = existing.Where(r => !replacing.ContainsKey(Of(r))).ToList();
        merged.AddRange(order.Select(k => replacing[k]));
        return merged;
    }

    public override string ToString() =>
        TargetType.Length == 0 ? $"local session {SessionId}" : $"{Repository} {TargetType} #{Number} session {SessionId}";
}
