using System.Globalization;
using DuckDB.NET.Data;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;
using static SessionAnalytics.Tests.Export.ExportFixtures;

namespace SessionAnalytics.Tests.Export;

/// <summary>
/// The Parquet dataset written by AnalyticsExport and read back by DuckDB, as an engine reads it: types, Hive
/// partitions (repository escaped, month), sums equal to the CSV's per repository and per model, and extension by key.
/// </summary>
public sealed class ParquetDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sa-parquet-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    /// <summary>Mixed() (acme/widget, local sessions) plus sessions of two more repositories, one of them in January, the same PR number in two repositories.</summary>
    internal static List<SessionAnalyticsRecord> SeveralRepositories()
    {
        var records = Mixed();
        var service = Retarget(Pr(12, "merged", "Service change"), "acme/billing-service");
        records.Add(SessionAnalyticsRecord.FromStats(Measured("cccc0001-0000-0000-0000-000000000001", -20, 4.123456m, models: [(Sonnet, 7_000_000_000, 9_000, 4.123456m)]), service));
        records.Add(SessionAnalyticsRecord.FromStats(Measured("cccc0002-0000-0000-0000-000000000002", 3, 0.5m, models: [(Opus, 10, 20, 0.4m), (Haiku, 5, 5, 0.1m)]), service));
        var other = Retarget(Issue(3, "open"), "acme/docs");
        records.Add(SessionAnalyticsRecord.FromStats(Measured("dddd0001-0000-0000-0000-000000000001", 4, 0.25m), other));
        return records;
    }

    private static PullRequestInfo Retarget(PullRequestInfo p, string repository) => new()
    {
        Repository = repository, Number = p.Number, TargetType = p.TargetType, Title = p.Title, Author = p.Author, State = p.State,
        StateReason = p.StateReason, CreatedAt = p.CreatedAt, MergedAt = p.MergedAt, ClosedAt = p.ClosedAt, CiRuns = p.CiRuns,
        CiPassRate = p.CiPassRate, ReviewComments = p.ReviewComments, LinesAdded = p.LinesAdded, LinesRemoved = p.LinesRemoved,
    };

    private static (AnalyticsExportPlan Plan, string Directory) Export(string directory, IEnumerable<SessionAnalyticsRecord> records, bool append = false,
        AnalyticsFormats formats = AnalyticsFormats.Csv | AnalyticsFormats.Parquet)
    {
        var plan = AnalyticsExport.Plan(records, formats, new AnalyticsExportOptions { Directory = directory, Append = append });
        Directory.CreateDirectory(directory);
        foreach (var file in plan.Files) AnalyticsExport.WriteAtomically(Path.Combine(directory, file.FileName), file.Content);
        if (plan.Dataset is { } dataset) AnalyticsParquetDataset.Apply(directory, dataset);
        return (plan, directory);
    }

    [Fact]
    public void The_dataset_is_partitioned_hive_style_by_escaped_repository_and_month_and_reads_back_whole()
    {
        var records = SeveralRepositories();
        var (plan, dir) = Export(Dir("ds"), records);

        var parts = Directory.EnumerateFiles(dir, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "session_models/repository=__HIVE_DEFAULT_PARTITION__/month=2026-02/part-00000.parquet",
            "session_models/repository=acme%2Fbilling-service/month=2026-01/part-00000.parquet",
            "session_models/repository=acme%2Fbilling-service/month=2026-02/part-00000.parquet",
            "session_models/repository=acme%2Fdocs/month=2026-02/part-00000.parquet",
            "session_models/repository=acme%2Fwidget/month=2026-02/part-00000.parquet",
            "sessions/repository=__HIVE_DEFAULT_PARTITION__/month=2026-02/part-00000.parquet",
            "sessions/repository=acme%2Fbilling-service/month=2026-01/part-00000.parquet",
            "sessions/repository=acme%2Fbilling-service/month=2026-02/part-00000.parquet",
            "sessions/repository=acme%2Fdocs/month=2026-02/part-00000.parquet",
            "sessions/repository=acme%2Fwidget/month=2026-02/part-00000.parquet",
        ], parts);
        Assert.Equal((10, 5), (plan.Dataset!.Sessions, plan.Dataset.Partitions));
        Assert.Empty(plan.Dataset.Stale);

        // Every field of every record comes back from the sessions table (the repository from its folder).
        var back = AnalyticsParquetDataset.Read(dir).ToDictionary(RecordKey.Of);
        Assert.Equal(records.Count, back.Count);
        foreach (var record in records) Assert.Equal(record, back[RecordKey.Of(record)]);
    }

    [Fact]
    public void DuckDB_reads_real_types_and_its_sums_equal_the_CSVs_per_repository_and_per_model()
    {
        var records = SeveralRepositories();
        var (_, dir) = Export(Dir("ds"), records);
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        var sessions = $"read_parquet('{dir}/sessions/**/*.parquet', hive_partitioning = true)";
        var models = $"read_parquet('{dir}/session_models/**/*.parquet', hive_partitioning = true)";

        var types = Query(duck, $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {sessions})").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("BIGINT", types["total_input_tokens"]);
        Assert.Equal("BIGINT", types["total_cache_read"]);
        Assert.Equal("DECIMAL(18,9)", types["estimated_cost_usd"]);
        Assert.Equal("DECIMAL(18,4)", types["ci_pass_rate"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["session_started"]);
        Assert.Equal("INTEGER", types["pr_number"]);
        Assert.Equal("VARCHAR", types["repository"]);
        Assert.Equal("VARCHAR", types["month"]);
        var modelTypes = Query(duck, $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {models})").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal(("BIGINT", "DECIMAL(18,9)", "VARCHAR"), (modelTypes["input_tokens"], modelTypes["cost_usd"], modelTypes["model"]));

        // The escaped folder name comes back as the repository; local sessions are the NULL partition.
        var csv = AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(dir, AnalyticsExport.CsvFileName)));
        var expected = csv.GroupBy(r => r.Repository ?? "").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Sum(r => r.EstimatedCostUsd), g.Sum(r => r.TotalInputTokens), g.Sum(r => r.TotalCacheRead))).ToList();
        var actual = Query(duck, $"SELECT coalesce(repository, ''), count(*), sum(estimated_cost_usd), sum(total_input_tokens), sum(total_cache_read) FROM {sessions} GROUP BY ALL ORDER BY 1")
            .Select(r => ((string)r[0]!, Convert.ToInt32(r[1], CultureInfo.InvariantCulture), (decimal)r[2]!, Long(r[3]), Long(r[4]))).ToList();
        Assert.Equal(expected, actual);
        Assert.Contains(actual, a => a.Item1 == "acme/billing-service" && a.Item4 == 7_000_000_015); // beyond 32 bits

        // Per model: the long table needs no string parsing, and agrees with the report's model table.
        var report = AnalyticsSummary.Create(records).Models.ToDictionary(m => m.Model);
        var perModel = Query(duck, $"SELECT model, sum(cost_usd), sum(input_tokens), count(*) FROM {models} GROUP BY ALL").ToList();
        Assert.Equal(report.Keys.Order(StringComparer.Ordinal), perModel.Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
        foreach (var row in perModel)
        {
            var m = report[(string)row[0]!];
            Assert.Equal((m.CostUsd, m.InputTokens, m.Sessions), (row[1] is decimal c ? c : 0m, Long(row[2]), Convert.ToInt32(row[3], CultureInfo.InvariantCulture)));
        }
        // Single-model sessions: the CSV's own figures, model by model.
        var singleModel = csv.Where(r => !r.ModelsUsed.Contains(',')).GroupBy(r => (r.Repository ?? "", r.ModelsUsed)).ToDictionary(g => g.Key, g => g.Sum(r => r.EstimatedCostUsd));
        var fromDuck = Query(duck, $"""
            SELECT coalesce(m.repository, ''), m.model, sum(m.cost_usd)
            FROM {models} m JOIN (SELECT session_id, repository FROM {sessions} WHERE models_used NOT LIKE '%,%') s
              ON m.session_id = s.session_id AND m.repository IS NOT DISTINCT FROM s.repository
            GROUP BY ALL
            """).ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => (decimal)r[2]!);
        Assert.Equal(singleModel.OrderBy(p => p.Key), fromDuck.OrderBy(p => p.Key));

        // The question of the issue, as written.
        var byRepositoryAndModel = Query(duck, $"SELECT repository, model, sum(cost_usd) FROM {models} GROUP BY ALL ORDER BY ALL").ToList();
        Assert.Contains(byRepositoryAndModel, r => (string?)r[0] == "acme/billing-service" && (string)r[1]! == Sonnet && (decimal)r[2]! == 4.123456m);
        // Months partition the table: January holds the one January session.
        Assert.Equal(1L, Convert.ToInt64(Query(duck, $"SELECT count(*) FROM {sessions} WHERE month = '2026-01'").Single()[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Appending_replaces_records_of_the_same_key_extends_the_rest_and_leaves_other_repositories_untouched()
    {
        var records = SeveralRepositories();
        var (_, dir) = Export(Dir("ds"), records);
        var docsPart = Path.Combine(dir, "sessions", "repository=acme%2Fdocs", "month=2026-02", "part-00000.parquet");
        var docsWritten = File.GetLastWriteTimeUtc(docsPart);
        var docsBytes = File.ReadAllBytes(docsPart);

        // A re-run for acme/widget: one session measured again (longer, dearer), one new session.
        var remeasured = records[1] with { EstimatedCostUsd = 9.99m, TotalOutputTokens = 99_999 };
        var added = SessionAnalyticsRecord.FromStats(Measured("aaaa0099-0000-0000-0000-000000000099", 12, 0.75m), Pr(21, "open"));
        Thread.Sleep(20);
        var (plan, _) = Export(dir, [remeasured, added], append: true);

        Assert.Equal(["acme/widget"], plan.Dataset!.Repositories);
        Assert.Equal(records.Count, plan.ExistingRecords);
        Assert.Equal(records.Count + 1, plan.Records.Count);
        Assert.Equal(docsWritten, File.GetLastWriteTimeUtc(docsPart)); // another repository's partition is not rewritten
        Assert.Equal(docsBytes, File.ReadAllBytes(docsPart));

        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        var sessions = $"read_parquet('{dir}/sessions/**/*.parquet', hive_partitioning = true)";
        Assert.Equal(records.Count + 1L, Convert.ToInt64(Query(duck, $"SELECT count(*) FROM {sessions}").Single()[0], CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(Query(duck, $"SELECT count(*) FROM (SELECT repository, target_type, pr_number, session_id FROM {sessions} GROUP BY ALL HAVING count(*) > 1)").Single()[0], CultureInfo.InvariantCulture));
        Assert.Equal(9.99m, (decimal)Query(duck, $"SELECT estimated_cost_usd FROM {sessions} WHERE session_id = '{remeasured.SessionId}'").Single()[0]!);
        // The CSV was extended the same way.
        var csv = AnalyticsCsvTests.ReadBack(File.ReadAllBytes(Path.Combine(dir, AnalyticsExport.CsvFileName)));
        Assert.Equal(records.Count + 1, csv.Count);
        Assert.Equal(9.99m, csv.Single(r => r.SessionId == remeasured.SessionId).EstimatedCostUsd);

        // The same append again changes nothing.
        var before = Snapshot(dir);
        Export(dir, [remeasured, added], append: true);
        Assert.Equal(before.Keys, Snapshot(dir).Keys);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(Path.Combine(dir, f.Key))));
    }

    [Fact]
    public void Without_append_the_dataset_is_replaced_and_old_partitions_are_removed()
    {
        var (_, dir) = Export(Dir("ds"), SeveralRepositories());
        File.WriteAllText(Path.Combine(dir, "sessions", "README.txt"), "not ours");

        var (plan, _) = Export(dir, Mixed().Take(2));

        Assert.NotEmpty(plan.Dataset!.Stale);
        Assert.Equal(["repository=acme%2Fwidget"], Directory.GetDirectories(Path.Combine(dir, "sessions")).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(dir, "sessions", "README.txt"))); // only part files of the layout are ours to delete
        Assert.Equal(2, AnalyticsParquetDataset.Read(dir).Count);
    }

    [Fact]
    public void Partition_values_escape_like_Hive_and_decode_back()
    {
        Assert.Equal("repository=acme%2Fwidget", HivePartition.Folder("repository", "acme/widget"));
        Assert.Equal("k=a%3Db%25c%20d%3A%5C", HivePartition.Folder("k", "a=b%c d:\\"));
        Assert.Equal("k=__HIVE_DEFAULT_PARTITION__", HivePartition.Folder("k", null));
        Assert.True(HivePartition.TryValue("k=a%3Db%25c%20d%3A%5C", "k", out var value));
        Assert.Equal("a=b%c d:\\", value);
        Assert.True(HivePartition.TryValue("k=__HIVE_DEFAULT_PARTITION__", "k", out var none));
        Assert.Null(none);
        Assert.False(HivePartition.TryValue("other=x", "k", out _));
    }

    [Fact]
    public void Costs_are_rounded_to_nine_decimals_and_an_impossible_figure_is_refused_before_anything_is_written()
    {
        var fine = Mixed()[0] with { EstimatedCostUsd = 1.0000000004m };
        var plan = AnalyticsExport.Plan([fine], AnalyticsFormats.Parquet, new AnalyticsExportOptions { Directory = Dir("r") });
        var (dir, _) = (Dir("r"), Directory.CreateDirectory(Dir("r")));
        AnalyticsParquetDataset.Apply(dir, plan.Dataset!);
        Assert.Equal(1m, Assert.Single(AnalyticsParquetDataset.Read(dir)).EstimatedCostUsd);

        var absurd = Mixed()[0] with { EstimatedCostUsd = 5_000_000_000m };
        var e = Assert.Throws<EngineException>(() => AnalyticsExport.Plan([absurd], AnalyticsFormats.Parquet, new AnalyticsExportOptions { Directory = Dir("x") }));
        Assert.Equal(AnalyticsExport.FiguresOverflowErrorId, e.Error.ErrorId);
        Assert.False(Directory.Exists(Dir("x")));
    }

    /// <summary>DuckDB sums BIGINTs as HUGEINT (a BigInteger here).</summary>
    internal static long Long(object? value) => value is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    internal static IEnumerable<object?[]> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return rows;
    }

    private static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);
}
