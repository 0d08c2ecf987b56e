using System.Globalization;
using Parquet.Serialization;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Export;

/// <summary>The Parquet files one export writes and the old ones it replaces, all paths relative to the output folder.</summary>
public sealed class ParquetDatasetWrite
{
    public required IReadOnlyList<AnalyticsFile> Files { get; init; }
    /// <summary>Part files of the dataset that the new files replace and that are deleted after they are written.</summary>
    public required IReadOnlyList<string> Stale { get; init; }
    /// <summary>The repositories whose partitions are (re)written; "" stands for local sessions.</summary>
    public required IReadOnlyList<string> Repositories { get; init; }
    public int Sessions { get; init; }
    public int ModelRows { get; init; }
    public int Partitions { get; init; }
    public long Bytes => Files.Sum(f => (long)f.Content.Length);

    public override string ToString() =>
        $"{Sessions} sessions and {ModelRows} model rows in {Partitions} partitions of {Repositories.Count} {(Repositories.Count == 1 ? "repository" : "repositories")}";
}

/// <summary>
/// The columnar dataset of <c>Export-SessionAnalytics -Format Parquet</c>: two tables in the output folder, each
/// partitioned Hive-style by repository and month of the session's start (UTC):
/// <code>
/// sessions/repository=acme%2Fwidget/month=2026-01/part-00000.parquet        one row per record (all its fields)
/// session_models/repository=acme%2Fwidget/month=2026-01/part-00000.parquet  one row per record and model
/// </code>
/// The repository is escaped as Hive escapes partition values (<see cref="HivePartition"/>); local sessions and
/// sessions without a start time are in Hive's NULL partition. The partition columns are the folders, not file
/// columns (the Hive convention engines expect). Types: BIGINT tokens, DECIMAL(18,9) money, DECIMAL(18,4) rates and
/// hours, TIMESTAMP (µs, UTC) instants; see docs/Export-SessionAnalytics.md for the full list.
/// <para>
/// Writing is per repository: the partitions of the repositories in the input are rewritten whole and the others are
/// left alone, so runs for different repositories (CI shards) can write into the same folder. With
/// <c>append</c>, the repository's records already in the dataset are kept unless the input has a record of the same
/// <see cref="RecordKey"/> (which replaces it); without it, the whole dataset is replaced by the input.
/// </para>
/// </summary>
public static class AnalyticsParquetDataset
{
    public const string SessionsTable = "sessions";
    public const string ModelsTable = "session_models";
    public const string RepositoryKey = "repository";
    public const string MonthKey = "month";
    /// <summary>Rows per part file; a partition with more gets part-00001 and so on.</summary>
    public const int RowsPerPart = 100_000;

    public const int CostPrecision = 18;
    public const int CostScale = 9;
    public const int FigurePrecision = 18;
    public const int FigureScale = 4;

    public const string UnreadableErrorId = "AnalyticsParquetUnreadable";

    /// <summary>The month partition of a record: its session start as yyyy-MM (UTC), null without a start.</summary>
    public static string? MonthOf(SessionAnalyticsRecord record) =>
        record.SessionStarted?.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>What writing <paramref name="records"/> into <paramref name="directory"/> would write and delete; writes nothing.</summary>
    public static ParquetDatasetWrite Plan(string directory, IReadOnlyCollection<SessionAnalyticsRecord> records, bool append, IDiagnostics? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        diagnostics ??= NullDiagnostics.Instance;
        var existingFiles = PartFiles(directory).ToList();
        var touched = records.Select(r => Repo(r.Repository)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var touchedSet = touched.ToHashSet(StringComparer.Ordinal);

        IReadOnlyList<SessionAnalyticsRecord> rows = records.ToList();
        if (append)
        {
            var kept = Read(existingFiles.Where(f => f.Table == SessionsTable && touchedSet.Contains(Repo(f.Repository))), diagnostics);
            rows = RecordKey.Merge(kept, records);
        }
        var stale = existingFiles.Where(f => !append || touchedSet.Contains(Repo(f.Repository))).Select(f => f.RelativePath).ToList();

        var files = new List<AnalyticsFile>();
        var partitions = 0;
        var modelRows = 0;
        foreach (var partition in rows.GroupBy(r => (Repository: DisplayRepository(rows, r.Repository), Month: MonthOf(r)))
                     .OrderBy(g => g.Key.Repository ?? "", StringComparer.Ordinal).ThenBy(g => g.Key.Month ?? "", StringComparer.Ordinal))
        {
            partitions++;
            var ordered = partition.OrderBy(r => r.SessionStarted is null).ThenBy(r => r.SessionStarted).ThenBy(r => r.SessionId, StringComparer.Ordinal)
                .ThenBy(r => r.TargetType ?? "", StringComparer.Ordinal).ThenBy(r => r.PrNumber).ToList();
            var folder = Path.Combine(HivePartition.Folder(RepositoryKey, partition.Key.Repository), HivePartition.Folder(MonthKey, partition.Key.Month));
            files.AddRange(Parts(SessionsTable, folder, ordered.Select(SessionRow).ToList()));
            var models = ordered.SelectMany(r => SessionModelRows.For(r, diagnostics).Select(m => ModelRow(r, m))).ToList();
            modelRows += models.Count;
            files.AddRange(Parts(ModelsTable, folder, models));
        }
        var written = files.Select(f => f.FileName).ToHashSet(StringComparer.Ordinal);
        return new ParquetDatasetWrite
        {
            Files = files,
            // A file about to be replaced in place is not deleted afterwards.
            Stale = stale.Where(s => !written.Contains(s)).ToList(),
            Repositories = touched,
            Sessions = rows.Count,
            ModelRows = modelRows,
            Partitions = partitions,
        };
    }

    /// <summary>
    /// Writes the plan: each file through a temporary name in its folder and moved into place (a reader never sees half
    /// a file), then deletes the stale part files and the partition folders left empty.
    /// </summary>
    public static void Apply(string directory, ParquetDatasetWrite plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var file in plan.Files)
        {
            var path = Path.Combine(directory, file.FileName);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AnalyticsExport.WriteAtomically(path, file.Content);
        }
        foreach (var stale in plan.Stale)
        {
            var path = Path.Combine(directory, stale);
            if (File.Exists(path)) File.Delete(path);
            for (var folder = Path.GetDirectoryName(path); folder is not null && IsPartitionFolder(directory, folder); folder = Path.GetDirectoryName(folder))
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any()) break;
                Directory.Delete(folder);
            }
        }
    }

    /// <summary>True when <paramref name="directory"/> holds a dataset written by this class (a sessions table).</summary>
    public static bool Exists(string directory) => Directory.Exists(Path.Combine(directory, SessionsTable));

    /// <summary>Every record of the dataset in <paramref name="directory"/> (its sessions table), the repository taken from the folder.</summary>
    public static IReadOnlyList<SessionAnalyticsRecord> Read(string directory, IDiagnostics? diagnostics = null) =>
        Read(PartFiles(directory).Where(f => f.Table == SessionsTable), diagnostics ?? NullDiagnostics.Instance);

    private static List<SessionAnalyticsRecord> Read(IEnumerable<PartFile> files, IDiagnostics diagnostics)
    {
        var records = new List<SessionAnalyticsRecord>();
        foreach (var file in files)
        {
            IList<SessionParquetRow> rows;
            try
            {
                using var stream = File.OpenRead(file.FullPath);
                rows = ParquetSerializer.DeserializeAsync<SessionParquetRow>(stream).GetAwaiter().GetResult().Data;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException
                                          or NotSupportedException or ArgumentException or IndexOutOfRangeException or FormatException)
            {
                throw new EngineException(new EngineError(UnreadableErrorId, ErrorKind.ReadError,
                    $"Cannot read the Parquet file '{file.FullPath}': {e.Message}", file.FullPath, e)
                {
                    RecommendedAction = "Delete the damaged part file (its repository's records are written again by the next export of that repository), or export without -Append.",
                });
            }
            records.AddRange(rows.Select(r => Record(r, file.Repository)));
        }
        diagnostics.Verbose($"Read {records.Count} record(s) from the Parquet dataset.");
        return records;
    }

    private static IEnumerable<AnalyticsFile> Parts<T>(string table, string folder, List<T> rows)
    {
        for (var part = 0; part * RowsPerPart < rows.Count; part++)
        {
            using var buffer = new MemoryStream();
            ParquetSerializer.SerializeAsync(rows.Skip(part * RowsPerPart).Take(RowsPerPart), buffer).GetAwaiter().GetResult();
            var name = Path.Combine(table, folder, $"part-{part:00000}.parquet");
            yield return new AnalyticsFile(AnalyticsFormats.Parquet, name, $"Parquet {table} part", buffer.ToArray());
        }
    }

    private sealed record PartFile(string Table, string? Repository, string RelativePath, string FullPath);

    /// <summary>The dataset's part files: &lt;table&gt;/repository=…/month=…/part-*.parquet; anything else in the folder is not ours and is left alone.</summary>
    private static IEnumerable<PartFile> PartFiles(string directory)
    {
        foreach (var table in new[] { SessionsTable, ModelsTable })
        {
            var root = Path.Combine(directory, table);
            if (!Directory.Exists(root)) continue;
            foreach (var repositoryFolder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                if (!HivePartition.TryValue(Path.GetFileName(repositoryFolder), RepositoryKey, out var repository)) continue;
                foreach (var monthFolder in Directory.EnumerateDirectories(repositoryFolder).Order(StringComparer.Ordinal))
                {
                    if (!HivePartition.TryValue(Path.GetFileName(monthFolder), MonthKey, out _)) continue;
                    foreach (var file in Directory.EnumerateFiles(monthFolder, "part-*.parquet").Order(StringComparer.Ordinal))
                        yield return new PartFile(table, repository, Path.GetRelativePath(directory, file), file);
                }
            }
        }
    }

    private static bool IsPartitionFolder(string directory, string folder)
    {
        var relative = Path.GetRelativePath(directory, folder).Split(Path.DirectorySeparatorChar);
        return relative.Length is 2 or 3 && relative[0] is SessionsTable or ModelsTable && relative[1].StartsWith(RepositoryKey + "=", StringComparison.Ordinal);
    }

    private static string Repo(string? repository) => (repository ?? "").ToLowerInvariant();

    /// <summary>One spelling per repository in one write (the first record's), so Acme/Widget and acme/widget share a folder.</summary>
    private static string? DisplayRepository(IReadOnlyList<SessionAnalyticsRecord> rows, string? repository) =>
        string.IsNullOrEmpty(repository) ? null : rows.First(r => string.Equals(r.Repository, repository, StringComparison.OrdinalIgnoreCase)).Repository;

    private static DateTime? Utc(DateTimeOffset? d) => d?.UtcDateTime;

    /// <summary>A decimal read back without the column's trailing zeros (1.250000000 → 1.25), so it prints as it was written.</summary>
    private static decimal Trim(decimal d) => d / 1.000000000000000000000000000000000m;

    private static decimal? Trim(decimal? d) => d is { } v ? Trim(v) : null;

    private static DateTimeOffset? Offset(DateTime? d) => d is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>Rounded to the column's scale; a value beyond its precision is an overflow (reported like any other).</summary>
    private static decimal Fit(decimal value, int precision, int scale)
    {
        var rounded = Math.Round(value, scale, MidpointRounding.AwayFromZero);
        var limit = (decimal)Math.Pow(10, precision - scale);
        if (Math.Abs(rounded) >= limit) throw new OverflowException($"{value} does not fit DECIMAL({precision},{scale})");
        return rounded;
    }

    private static decimal? Fit(decimal? value, int precision, int scale) => value is { } v ? Fit(v, precision, scale) : null;

    private static SessionParquetRow SessionRow(SessionAnalyticsRecord r) => new()
    {
        PrNumber = r.PrNumber,
        TargetType = r.TargetType,
        PrTitle = r.PrTitle,
        PrAuthor = r.PrAuthor,
        PrStatus = r.PrStatus,
        SessionId = r.SessionId,
        SessionStarted = Utc(r.SessionStarted),
        SessionDurationMin = r.SessionDurationMin,
        ModelsUsed = r.ModelsUsed,
        TotalInputTokens = r.TotalInputTokens,
        TotalOutputTokens = r.TotalOutputTokens,
        TotalCacheCreate = r.TotalCacheCreate,
        TotalCacheRead = r.TotalCacheRead,
        EstimatedCostUsd = Fit(r.EstimatedCostUsd, CostPrecision, CostScale),
        CommitsCount = r.CommitsCount,
        CommitShas = r.CommitShas,
        CiRuns = r.CiRuns,
        CiPassRate = Fit(r.CiPassRate, FigurePrecision, FigureScale),
        SkillsUsed = r.SkillsUsed,
        PerSkillTokens = r.PerSkillTokens,
        SubagentCount = r.SubagentCount,
        PerSubagentTokens = r.PerSubagentTokens,
        ProblemsCount = r.ProblemsCount,
        ProblemsResolved = r.ProblemsResolved,
        ReviewComments = r.ReviewComments,
        LinesAdded = r.LinesAdded,
        LinesRemoved = r.LinesRemoved,
        TimeToMergeHours = Fit(r.TimeToMergeHours, FigurePrecision, FigureScale),
        AcceptanceStatus = r.AcceptanceStatus,
        TotalTokens = r.TotalTokens,
        Project = r.Project,
        Branch = r.Branch,
        CommentAuthor = r.CommentAuthor,
        CommentUrl = r.CommentUrl,
        PrCreatedAt = Utc(r.PrCreatedAt),
        PrMergedAt = Utc(r.PrMergedAt),
        PrClosedAt = Utc(r.PrClosedAt),
        PerModelUsage = r.PerModelUsage,
    };

    private static SessionModelParquetRow ModelRow(SessionAnalyticsRecord r, SessionModelRow m) => new()
    {
        TargetType = r.TargetType,
        PrNumber = r.PrNumber,
        SessionId = r.SessionId,
        SessionStarted = Utc(r.SessionStarted),
        Model = m.Model,
        InputTokens = m.InputTokens,
        OutputTokens = m.OutputTokens,
        CacheCreateTokens = m.CacheCreateTokens,
        CacheReadTokens = m.CacheReadTokens,
        TotalTokens = m.TotalTokens,
        CostUsd = Fit(m.CostUsd, CostPrecision, CostScale),
        SplitKnown = m.Exact,
    };

    private static SessionAnalyticsRecord Record(SessionParquetRow r, string? repository) => new()
    {
        PrNumber = r.PrNumber,
        TargetType = r.TargetType,
        PrTitle = r.PrTitle,
        PrAuthor = r.PrAuthor,
        PrStatus = r.PrStatus,
        SessionId = r.SessionId,
        SessionStarted = Offset(r.SessionStarted),
        SessionDurationMin = r.SessionDurationMin,
        ModelsUsed = r.ModelsUsed,
        TotalInputTokens = r.TotalInputTokens,
        TotalOutputTokens = r.TotalOutputTokens,
        TotalCacheCreate = r.TotalCacheCreate,
        TotalCacheRead = r.TotalCacheRead,
        EstimatedCostUsd = Trim(r.EstimatedCostUsd),
        CommitsCount = r.CommitsCount,
        CommitShas = r.CommitShas,
        CiRuns = r.CiRuns,
        CiPassRate = Trim(r.CiPassRate),
        SkillsUsed = r.SkillsUsed,
        PerSkillTokens = r.PerSkillTokens,
        SubagentCount = r.SubagentCount,
        PerSubagentTokens = r.PerSubagentTokens,
        ProblemsCount = r.ProblemsCount,
        ProblemsResolved = r.ProblemsResolved,
        ReviewComments = r.ReviewComments,
        LinesAdded = r.LinesAdded,
        LinesRemoved = r.LinesRemoved,
        TimeToMergeHours = Trim(r.TimeToMergeHours),
        AcceptanceStatus = r.AcceptanceStatus,
        Repository = repository,
        Project = r.Project,
        Branch = r.Branch,
        CommentAuthor = r.CommentAuthor,
        CommentUrl = r.CommentUrl,
        PrCreatedAt = Offset(r.PrCreatedAt),
        PrMergedAt = Offset(r.PrMergedAt),
        PrClosedAt = Offset(r.PrClosedAt),
        PerModelUsage = r.PerModelUsage,
    };
}
