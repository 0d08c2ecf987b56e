using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Tabular;

namespace SessionAnalytics.Core.Stats;

// The one-cell text forms of the nested records: what Export-Csv writes in a SessionStats row's Models, SkillsInvoked,
// SkillInvocations, Subagents, Commits and ProblemsFaced cells (items joined by "; ", Core/Tabular), and their readers. The forms carry
// what a reader of the CSV looks for and what analytics.csv is made of; the JSON (ConvertTo-SessionStats -AsJson)
// carries everything.

/// <summary><c>claude-opus-4-6=4.6712</c>: the model and its cost in dollars as measured (not rounded); <c>=unpriced</c> without a price.</summary>
public sealed partial record ModelUsage : ICellText
{
    public string ToCellText() => CellText.Escape(Model) + "=" + (CostUsd is decimal c ? SessionStatsCells.Number(c) : DisplayText.Unpriced);

    /// <summary>Reads one item of a Models cell (as written, escapes kept); only the model and its cost: the tokens are the session's.</summary>
    public static ModelUsage FromCellText(string item)
    {
        if (CellText.SplitFirst(item, '=') is not var (model, cost)) throw SessionStatsCells.NotForm(item, "model=cost");
        cost = cost.Trim();
        return new ModelUsage
        {
            Model = CellText.Unescape(model.Trim()),
            CostUsd = cost == DisplayText.Unpriced ? null : SessionStatsCells.ParseDecimal(cost, item),
        };
    }
}

/// <summary><c>tdd:ci=2 pass (in 50000, out 120000)</c>: invocations, status and the attributed tokens.</summary>
public sealed partial record SkillUsage : ICellText
{
    public string ToCellText() =>
        CellText.Escape(Skill) + "=" + SessionStatsCells.Number(Count) + " " + CellText.Word(Status) + " (" + SessionStatsCells.InOut(InputTokens, OutputTokens) + ")";

    public static SkillUsage FromCellText(string item)
    {
        var (skill, m) = SessionStatsCells.Keyed(item, Form(), "skill=count status (in N, out N)");
        return new SkillUsage
        {
            Skill = skill,
            Count = CellText.Int(m.Groups["count"].Value),
            Status = CellText.ReadWord(m.Groups["status"].Value) ?? "",
            InputTokens = CellText.Long(m.Groups["in"].Value),
            OutputTokens = CellText.Long(m.Groups["out"].Value),
        };
    }

    [GeneratedRegex(@"^(?<count>\d+) (?<status>" + CellText.WordPattern + @") \(in (?<in>\d+), out (?<out>\d+)\)$")]
    private static partial Regex Form();
}

/// <summary>
/// <c>tdd:ci</c>, <c>tdd:ci (failed)</c>, <c>tdd:ci, then 'dotnet test' failed</c>: one Skill call, its outcome and the test
/// or CI command that failed before the next one.
/// </summary>
public sealed partial record SkillInvocation : ICellText
{
    public string ToCellText() =>
        CellText.Word(Skill) + (Succeeded ? "" : " (failed)")
        + (FailedTestOrCi is null ? "" : ", then '" + CellText.Escape(SessionStatsCells.OneLine(FailedTestOrCi)) + "' failed");

    public static SkillInvocation FromCellText(string item)
    {
        if (Form().Match(item) is not { Success: true } m) throw SessionStatsCells.NotForm(item, "skill (failed), then 'command' failed");
        return new SkillInvocation
        {
            Skill = CellText.ReadWord(m.Groups["skill"].Value) ?? "",
            Succeeded = !m.Groups["failed"].Success,
            FailedTestOrCi = m.Groups["command"].Success ? CellText.Unescape(m.Groups["command"].Value) : null,
        };
    }

    [GeneratedRegex(@"^(?<skill>" + CellText.WordPattern + @")(?<failed> \(failed\))?(?:, then '(?<command>.*)' failed)?$", RegexOptions.Singleline)]
    private static partial Regex Form();
}

/// <summary>
/// <c>a3d04c8=Explore claude-haiku-4-5 (in 5000, out 12000)</c>: one row per subagent and model, its type and model
/// (<c>-</c> when unknown), its tokens, and where they come from when not its own transcript (<c>, tool_result</c>).
/// </summary>
public sealed partial record SubagentUsage : ICellText
{
    public string ToCellText() =>
        CellText.Escape(Id) + "=" + CellText.Word(Type) + " " + CellText.Word(Model) + " (" + SessionStatsCells.InOut(InputTokens, OutputTokens)
        + (Source == DefaultSource ? "" : ", " + CellText.Word(Source)) + ")";

    private const string DefaultSource = "transcript";

    public static SubagentUsage FromCellText(string item)
    {
        var (id, m) = SessionStatsCells.Keyed(item, Form(), "id=type model (in N, out N)");
        return new SubagentUsage
        {
            Id = id,
            Type = CellText.ReadWord(m.Groups["type"].Value),
            Model = CellText.ReadWord(m.Groups["model"].Value),
            InputTokens = CellText.Long(m.Groups["in"].Value),
            OutputTokens = CellText.Long(m.Groups["out"].Value),
            Source = m.Groups["source"].Success ? CellText.ReadWord(m.Groups["source"].Value) ?? DefaultSource : DefaultSource,
        };
    }

    [GeneratedRegex(@"^(?<type>" + CellText.WordPattern + @") (?<model>" + CellText.WordPattern + @") \(in (?<in>\d+), out (?<out>\d+)(?:, (?<source>" + CellText.WordPattern + @"))?\)$")]
    private static partial Regex Form();
}

/// <summary><c>b41c9e2 Make the login timeout configurable</c>: as <c>git log --oneline</c> shows a commit.</summary>
public sealed partial record CommitRecord : ICellText
{
    public string ToCellText() => CellText.Word(Sha) + (Message.Length == 0 ? "" : " " + CellText.Escape(SessionStatsCells.OneLine(Message)));

    public static CommitRecord FromCellText(string item) => CellText.SplitFirst(item, ' ') is var (sha, message)
        ? new CommitRecord { Sha = CellText.Unescape(sha), Message = CellText.Unescape(message.Trim()) }
        : new CommitRecord { Sha = CellText.Unescape(item), Message = "" };
}

/// <summary><c>CI lint failure on line 42 (resolved, 2x, tool_error)</c>: the description, whether it was overcome, how often it failed, its kind.</summary>
public sealed partial record ProblemRecord : ICellText
{
    public string ToCellText() =>
        CellText.Escape(SessionStatsCells.OneLine(Description)) + " (" + (Resolved ? "resolved" : "unresolved") + ", "
        + Iterations.ToString(CultureInfo.InvariantCulture) + "x" + (Kind is null ? "" : ", " + CellText.Word(Kind)) + ")";

    public static ProblemRecord FromCellText(string item)
    {
        if (Form().Match(item) is not { Success: true } m) throw SessionStatsCells.NotForm(item, "description (resolved|unresolved, Nx, kind)");
        return new ProblemRecord
        {
            Description = CellText.Unescape(m.Groups["description"].Value),
            Resolved = m.Groups["resolved"].Value == "resolved",
            Iterations = CellText.Int(m.Groups["iterations"].Value),
            Kind = m.Groups["kind"].Success ? CellText.ReadWord(m.Groups["kind"].Value) : null,
        };
    }

    [GeneratedRegex(@"^(?<description>.*) \((?<resolved>resolved|unresolved), (?<iterations>\d+)x(?:, (?<kind>" + CellText.WordPattern + @"))?\)$", RegexOptions.Singleline)]
    private static partial Regex Form();
}

/// <summary>A SessionStats row read back, and whether its models' token figures are known.</summary>
/// <param name="ModelTokensKnown">
/// The CSV has each model's cost but only the session's token totals: with one model those are the model's, exactly;
/// with several the split is unknown, and the models' token figures in <see cref="Stats"/> are zero.
/// </param>
public sealed record SessionStatsRow(SessionStats Stats, bool ModelTokensKnown);

/// <summary>A SessionStats row that cannot be read back: a column is missing, or a cell is not in its form.</summary>
public sealed class SessionStatsRowException(string errorId, string message, IReadOnlyList<string>? missingColumns = null) : FormatException(message)
{
    /// <summary><see cref="StatsErrors.RowColumnMissing"/> or <see cref="StatsErrors.RowInvalid"/>.</summary>
    public string ErrorId { get; } = errorId;
    public IReadOnlyList<string> MissingColumns { get; } = missingColumns ?? [];
}

/// <summary>
/// Reads a <see cref="SessionStats"/> back from the cells of its CSV row: <c>ConvertTo-SessionStats | Export-Csv</c> read
/// with <c>Import-Csv</c> (every cell text), or the properties of <c>Select-Object</c> copies. Columns are the
/// property names, in any case. Numbers and dates are read in the current culture first, as Export-Csv writes them,
/// then in the invariant one.
/// </summary>
/// <remarks>
/// The row must have every column the design's analytics.csv is made of (<see cref="RequiredColumns"/>), so a row that
/// lost some (<c>Select-Object SessionId, EstimatedCostUsd</c>) is an error naming them, never a session of zeros.
/// Derived columns the row also has (<c>CommitCount</c>, <c>ModelsUsed</c>, <c>TotalTokens</c>, ...) must agree with the
/// collections they count: a cell a spreadsheet cut at its 32,767 characters, or an edited count, is an error too.
/// </remarks>
public static class SessionStatsCells
{
    /// <summary>The columns a row must have: what analytics.csv and its report are made of.</summary>
    public static IReadOnlyList<string> RequiredColumns { get; } =
    [
        nameof(SessionStats.SessionId), nameof(SessionStats.Project), nameof(SessionStats.Branch), nameof(SessionStats.TargetType),
        nameof(SessionStats.TargetNumber), nameof(SessionStats.StartedAt), nameof(SessionStats.DurationMinutes),
        nameof(SessionStats.InputTokens), nameof(SessionStats.OutputTokens), nameof(SessionStats.CacheCreationTokens),
        nameof(SessionStats.CacheReadTokens), nameof(SessionStats.EstimatedCostUsd), nameof(SessionStats.Models),
        nameof(SessionStats.SkillsInvoked), nameof(SessionStats.Subagents), nameof(SessionStats.Commits), nameof(SessionStats.ProblemsFaced),
    ];

    /// <summary>Every column of a SessionStats row: its public properties.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        [.. typeof(SessionStats).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name)];

    public static SessionStatsRow Read(IReadOnlyDictionary<string, string?> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var row = new Row(cells);
        var missing = RequiredColumns.Where(c => !row.Has(c)).ToList();
        var id = row.Text(nameof(SessionStats.SessionId));
        if (missing.Count > 0)
            throw new SessionStatsRowException(StatsErrors.RowColumnMissing,
                $"{Describe(id)} has no {string.Join(", ", missing)} column{(missing.Count == 1 ? "" : "s")}: a SessionStats row needs {(missing.Count == 1 ? "it" : "them")} to make "
                + "the same record as ConvertTo-SessionStats. Export every property (Export-Csv without Select-Object), or pipe ConvertTo-SessionStats itself.",
                missing);
        if (id is null) throw Invalid(id, "Its SessionId cell is empty.");

        try
        {
            var models = row.List(nameof(SessionStats.Models), ModelUsage.FromCellText);
            var totals = (In: row.Long(nameof(SessionStats.InputTokens)), Out: row.Long(nameof(SessionStats.OutputTokens)),
                CacheWrite: row.Long(nameof(SessionStats.CacheCreationTokens)), CacheRead: row.Long(nameof(SessionStats.CacheReadTokens)));
            var tokensKnown = models.Count <= 1;
            if (models.Count == 1)
                models = [models[0] with { InputTokens = totals.In, OutputTokens = totals.Out, CacheCreationTokens = totals.CacheWrite, CacheReadTokens = totals.CacheRead }];
            var unpriced = row.Has(nameof(SessionStats.UnpricedModels))
                ? row.Strings(nameof(SessionStats.UnpricedModels))
                : [.. models.Where(m => m.CostUsd is null).Select(m => m.Model)];
            var stats = new SessionStats
            {
                SessionId = id,
                Project = row.Text(nameof(SessionStats.Project)),
                Branch = row.Text(nameof(SessionStats.Branch)),
                TargetType = row.Text(nameof(SessionStats.TargetType)),
                TargetNumber = row.NullableInt(nameof(SessionStats.TargetNumber)),
                StartedAt = row.Date(nameof(SessionStats.StartedAt)),
                EndedAt = row.Date(nameof(SessionStats.EndedAt)),
                DurationMinutes = row.Int(nameof(SessionStats.DurationMinutes)),
                ActiveMinutes = row.Int(nameof(SessionStats.ActiveMinutes)),
                InputTokens = totals.In,
                OutputTokens = totals.Out,
                CacheCreationTokens = totals.CacheWrite,
                CacheReadTokens = totals.CacheRead,
                EstimatedCostUsd = row.Decimal(nameof(SessionStats.EstimatedCostUsd)),
                MessageCount = row.Int(nameof(SessionStats.MessageCount)),
                Cwd = row.Text(nameof(SessionStats.Cwd)),
                Version = row.Text(nameof(SessionStats.Version)),
                OutputTokensLowerBound = row.NullableBool(nameof(SessionStats.OutputTokensLowerBound)),
                OutputTokensCorrection = row.Long(nameof(SessionStats.OutputTokensCorrection)),
                Models = models,
                Tools = row.Cell(nameof(SessionStats.Tools), cell => CellText.ParseMap(cell, CellText.Int)),
                SkillsInvoked = row.List(nameof(SessionStats.SkillsInvoked), SkillUsage.FromCellText),
                SkillSequence = row.Strings(nameof(SessionStats.SkillSequence)),
                SkillInvocations = row.List(nameof(SessionStats.SkillInvocations), SkillInvocation.FromCellText),
                Subagents = row.List(nameof(SessionStats.Subagents), SubagentUsage.FromCellText),
                Commits = row.List(nameof(SessionStats.Commits), CommitRecord.FromCellText),
                ProblemsFaced = row.List(nameof(SessionStats.ProblemsFaced), ProblemRecord.FromCellText),
                WorkflowEdges = row.Cell(nameof(SessionStats.WorkflowEdges), cell => CellText.ParseNestedMap(cell, CellText.Int)),
                UnpricedModels = unpriced,
                Branches = row.Strings(nameof(SessionStats.Branches)),
                TranscriptPaths = row.Strings(nameof(SessionStats.TranscriptPaths)),
            };
            CheckDerived(row, stats);
            return new SessionStatsRow(stats, tokensKnown);
        }
        catch (SessionStatsRowException) { throw; }
        catch (FormatException e) { throw Invalid(id, e.Message); }
    }

    /// <summary>The columns computed from others must say what the collections say.</summary>
    private static void CheckDerived(Row row, SessionStats s)
    {
        Same(nameof(SessionStats.SessionIdShort), s.SessionIdShort, nameof(SessionStats.SessionId));
        Same(nameof(SessionStats.ModelsUsed), s.ModelsUsed, nameof(SessionStats.Models));
        Same(nameof(SessionStats.SkillsUsed), s.SkillsUsed, nameof(SessionStats.SkillsInvoked));
        Same(nameof(SessionStats.CommitCount), Number(s.CommitCount), nameof(SessionStats.Commits));
        Same(nameof(SessionStats.SubagentCount), Number(s.SubagentCount), nameof(SessionStats.Subagents));
        Same(nameof(SessionStats.ProblemCount), Number(s.ProblemCount), nameof(SessionStats.ProblemsFaced));
        if (row.Has(nameof(SessionStats.Tools))) Same(nameof(SessionStats.ToolCallCount), Number(s.ToolCallCount), nameof(SessionStats.Tools));
        Same(nameof(SessionStats.TotalTokens), Number(s.TotalTokens), "the four token columns");

        void Same(string column, string expected, string source)
        {
            if (!row.Has(column)) return;
            var actual = row.Text(column)?.Trim() ?? "";
            var matches = column.EndsWith("Count", StringComparison.Ordinal) || column == nameof(SessionStats.TotalTokens)
                ? row.LongOrNull(column) is long n && Number(n) == expected
                : actual == expected;
            if (!matches)
                throw new FormatException($"Column '{column}' is '{Truncate(actual)}' but {source} gives '{Truncate(expected)}': the row was edited, or a spreadsheet cut a cell (it keeps at most 32,767 characters).");
        }
    }

    internal static string Number(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static decimal ParseDecimal(string text, string item) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw NotForm(item, "a number in the invariant culture");

    /// <summary>A cell holds one line: line breaks become spaces.</summary>
    internal static string OneLine(string text) => text.AsSpan().IndexOfAny('\r', '\n') < 0 ? text : text.ReplaceLineEndings(" ");

    /// <summary><c>in 50000, out 120000</c>: the tokens of a skill or a subagent.</summary>
    internal static string InOut(long input, long output) => "in " + Number(input) + ", out " + Number(output);

    /// <summary>The key of a <c>key=rest</c> item, unescaped, and the match of its rest; throws naming the form when either is missing.</summary>
    internal static (string Key, Match Match) Keyed(string item, Regex form, string describe) =>
        CellText.SplitFirst(item, '=') is var (key, rest) && form.Match(rest.Trim()) is { Success: true } m
            ? (CellText.Unescape(key.Trim()), m)
            : throw NotForm(item, describe);

    internal static FormatException NotForm(string item, string form) => new($"'{Truncate(item)}' is not of the form '{form}'.");

    private static SessionStatsRowException Invalid(string? id, string message) =>
        new(StatsErrors.RowInvalid, $"{Describe(id)} cannot be read back: {message}");

    private static string Describe(string? id) => id is null ? "The SessionStats row" : $"The SessionStats row of session {id}";

    private static string Truncate(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <summary>The cells by column name, any case, with the parsers every column uses.</summary>
    private sealed class Row(IReadOnlyDictionary<string, string?> cells)
    {
        private readonly Dictionary<string, string?> _cells = cells.GroupBy(c => c.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);

        public bool Has(string column) => _cells.ContainsKey(column);

        public string? Text(string column) => _cells.TryGetValue(column, out var v) && !string.IsNullOrEmpty(v) ? v : null;

        public T Cell<T>(string column, Func<string?, T> parse)
        {
            try { return parse(Text(column)); }
            catch (Exception e) when (e is FormatException or OverflowException) { throw new FormatException($"Column '{column}': {e.Message}", e); }
        }

        public CellList<T> List<T>(string column, Func<string, T> parseItem) =>
            Cell(column, cell => new CellList<T>(CellText.Items(cell).Select(parseItem)));

        public CellList<string> Strings(string column) => CellText.ParseList(Text(column));

        public long Long(string column) => LongOrNull(column) ?? 0;
        public int Int(string column) => NullableInt(column) ?? 0;
        public decimal Decimal(string column) => Parse(column, (s, c) => decimal.Parse(s, NumberStyles.Float, c), "a number") ?? 0m;
        public long? LongOrNull(string column) => Parse(column, (s, c) => long.Parse(s, NumberStyles.Integer, c), "a whole number");
        public int? NullableInt(string column) => Parse(column, (s, c) => int.Parse(s, NumberStyles.Integer, c), "a whole number");
        public bool? NullableBool(string column) => Parse(column, (s, _) => bool.Parse(s), "True or False");

        public DateTimeOffset? Date(string column) =>
            Parse(column, (s, c) => DateTimeOffset.Parse(s, c, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), "a date");

        private T? Parse<T>(string column, Func<string, IFormatProvider, T> parse, string expected) where T : struct
        {
            var text = Text(column)?.Trim();
            if (string.IsNullOrEmpty(text)) return null;
            // Export-Csv writes numbers and dates in the current culture ("1,25", "09.02.2026 09:12:05 +00:00"); typed
            // values copied by Select-Object arrive in the invariant one.
            foreach (var culture in new[] { CultureInfo.CurrentCulture, CultureInfo.InvariantCulture })
            {
                try { return parse(text, culture); }
                catch (Exception e) when (e is FormatException or OverflowException) { }
            }
            throw new FormatException($"Column '{column}' should be {expected} but is '{Truncate(text)}'.");
        }
    }
}
