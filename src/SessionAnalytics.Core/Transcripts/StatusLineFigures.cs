using System.Globalization;
using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Reads the status line JSON that integrations/claude-code/statusline/statusline-record.sh saved for a session:
/// <c>&lt;dir&gt;/&lt;session_id&gt;.json</c>, the latest object Claude Code passed to its status line command.
/// Tolerant by design: a missing file is no figures, a broken file is reported (ErrorId, file) and no figures, a field
/// of an unexpected type is a warning and a missing figure. Nothing here throws for bad data.
/// </summary>
public static class StatusLineFigures
{
    /// <summary>Overrides where the recorder saves (and is searched first here); the recorder's contract.</summary>
    public const string DataDirectoryVariable = "SESSIONANALYTICS_STATUSLINE_DIR";

    /// <summary>The recorder's default folder under a Claude Code config directory.</summary>
    public static readonly string ConfigSubdirectory = Path.Combine("sessionanalytics", "statusline");

    /// <summary>The recorder refuses larger input; a larger file is not one it wrote.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>The figures a status line object can hold, by their <see cref="ClaudeCodeFigures"/> JSON names.</summary>
    private static readonly string[] Figures =
        ["cost_usd", "input_tokens", "output_tokens", "api_duration_ms", "wall_duration_ms", "lines_added", "lines_removed"];

    /// <summary>
    /// Where to look for a session's file, in order: the data directory override when set (the recorder writes only
    /// there then), then <c>&lt;config dir&gt;/sessionanalytics/statusline</c> for each config directory (the
    /// recorder uses CLAUDE_CONFIG_DIR, else ~/.claude). Searching both covers an override set only for Claude Code.
    /// </summary>
    public static IReadOnlyList<string> Directories(string? dataDirectoryOverride, IEnumerable<string> configDirectories)
    {
        var list = new List<string>();
        if (!string.IsNullOrWhiteSpace(dataDirectoryOverride)) list.Add(dataDirectoryOverride);
        foreach (var config in configDirectories)
            if (!string.IsNullOrWhiteSpace(config)) list.Add(Path.Combine(config, ConfigSubdirectory));
        return list.Distinct(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The recorder's rule for a session id that may name a file: 1-128 of A-Z a-z 0-9 . _ -, not starting with '.'.
    /// Claude Code's ids are UUIDs; anything else (a path, '..') has no file.
    /// </summary>
    public static bool IsSafeSessionId(string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > 128 || sessionId[0] == '.') return false;
        foreach (var c in sessionId)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) return false;
        return true;
    }

    /// <summary>
    /// The figures recorded for <paramref name="sessionId"/> in the first of <paramref name="directories"/> that has a
    /// file for it (several: the most recently written); null when none has one or the file is unusable (reported).
    /// </summary>
    public static ClaudeCodeFigures? Read(string sessionId, IEnumerable<string> directories, IDiagnostics diagnostics)
    {
        var searched = directories.ToList();
        if (!IsSafeSessionId(sessionId))
        {
            diagnostics.Verbose($"No status line figures for session '{sessionId}': the recorder saves only ids that are safe file names.");
            return null;
        }
        var candidates = new List<(string Path, DateTime Written)>();
        foreach (var dir in searched)
        {
            var path = Path.Combine(dir, sessionId + ".json");
            try
            {
                if (File.Exists(path)) candidates.Add((path, File.GetLastWriteTimeUtc(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { candidates.Add((path, DateTime.MinValue)); }
        }
        if (candidates.Count == 0)
        {
            diagnostics.Verbose($"No status line figures recorded for session {sessionId} (looked in {string.Join(", ", searched)}).");
            return null;
        }
        var newest = candidates.OrderByDescending(c => c.Written).First();
        if (candidates.Count > 1)
            diagnostics.Verbose($"Status line figures for session {sessionId} in {candidates.Count} places; using the newest, '{newest.Path}'.");
        return ReadFile(newest.Path, diagnostics, sessionId);
    }

    /// <summary>Reads one recorded file; <paramref name="expectedSessionId"/>, when given, must be the one it names.</summary>
    public static ClaudeCodeFigures? ReadFile(string path, IDiagnostics diagnostics, string? expectedSessionId = null)
    {
        byte[] bytes;
        DateTimeOffset written;
        try
        {
            // Delete sharing: on Windows the recorder's rename over this file must not fail while it is being read.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > MaxFileBytes)
            {
                diagnostics.Error(new EngineError(ClaudeCodeFiguresErrors.StatusLineFileTooLarge, ErrorKind.InvalidData,
                    $"The status line figures file '{path}' is {stream.Length:N0} bytes, more than any status line JSON; it is ignored.", path)
                { RecommendedAction = "Delete the file; the status line recorder writes it again on the session's next status line update." });
                return null;
            }
            written = new DateTimeOffset(File.GetLastWriteTimeUtc(stream.SafeFileHandle), TimeSpan.Zero);
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            diagnostics.Verbose($"The status line figures file '{path}' is gone.");
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            diagnostics.Error(new EngineError(ClaudeCodeFiguresErrors.StatusLineFileAccessDenied, ErrorKind.PermissionDenied,
                $"Cannot read the status line figures file '{path}': {e.Message}", path, e)
            { RecommendedAction = "The recorder makes the file readable by its owner only: run as the user who runs Claude Code." });
            return null;
        }
        catch (Exception e) when (e is IOException)
        {
            diagnostics.Error(new EngineError(ClaudeCodeFiguresErrors.StatusLineFileUnreadable, ErrorKind.ReadError,
                $"Cannot read the status line figures file '{path}': {e.Message}", path, e));
            return null;
        }
        return Parse(bytes, path, written, diagnostics, expectedSessionId);
    }

    /// <summary>The figures in one status line JSON object (UTF-8); <paramref name="location"/> names it in reports.</summary>
    public static ClaudeCodeFigures? Parse(ReadOnlyMemory<byte> json, string location, DateTimeOffset? recordedAt, IDiagnostics diagnostics,
        string? expectedSessionId = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            diagnostics.Error(Malformed(location, $"is not valid JSON ({e.Message})", e));
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Error(Malformed(location, $"holds a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object", null));
                return null;
            }
            var fields = new FieldReader(location, diagnostics);
            var sessionId = fields.String(root, "session_id");
            if (expectedSessionId is not null && !string.Equals(sessionId, expectedSessionId, StringComparison.Ordinal))
            {
                diagnostics.Error(new EngineError(ClaudeCodeFiguresErrors.StatusLineFileSessionMismatch, ErrorKind.InvalidData,
                    $"The status line figures file '{location}' is for session '{sessionId ?? "(none)"}', not {expectedSessionId}; it is ignored.", location)
                { RecommendedAction = "Delete the file: the recorder names each file after the session_id inside it." });
                return null;
            }
            var figures = new ClaudeCodeFigures
            {
                Source = ClaudeCodeFigureSources.StatusLine,
                SessionId = sessionId,
                CostUsd = fields.Decimal(root, "cost", "total_cost_usd"),
                InputTokens = fields.Long(root, "context_window", "total_input_tokens"),
                OutputTokens = fields.Long(root, "context_window", "total_output_tokens"),
                ApiDurationMs = fields.Long(root, "cost", "total_api_duration_ms"),
                WallDurationMs = fields.Long(root, "cost", "total_duration_ms"),
                LinesAdded = fields.Long(root, "cost", "total_lines_added"),
                LinesRemoved = fields.Long(root, "cost", "total_lines_removed"),
                // model is an object { id, display_name }; a bare string is taken as the id.
                Model = root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
                    ? model.GetString() : fields.String(root, "model", "id"),
                ClaudeCodeVersion = fields.String(root, "version"),
                TranscriptPath = fields.String(root, "transcript_path"),
                RecordedAt = recordedAt,
                Location = location,
            };
            return figures with { Missing = figures.Absent(Figures) };
        }
    }

    private static EngineError Malformed(string location, string what, Exception? e) =>
        new(ClaudeCodeFiguresErrors.StatusLineFileMalformed, ErrorKind.InvalidData,
            $"The status line figures file '{location}' {what}; Claude Code's figures from the status line are not used.", location, e)
        {
            RecommendedAction = "The recorder replaces the file atomically on every status line update; if this persists, delete the file " +
                                "and check that the status line command runs statusline-record.sh.",
        };

    /// <summary>Reads optional fields along a path; a field of the wrong type is reported once and read as absent.</summary>
    private readonly struct FieldReader(string location, IDiagnostics diagnostics)
    {
        public string? String(JsonElement root, params string[] path) =>
            Find(root, path) is { } e
                ? e.ValueKind == JsonValueKind.String ? e.GetString() : Unexpected<string>(e, path, "a string")
                : null;

        public decimal? Decimal(JsonElement root, params string[] path)
        {
            if (Find(root, path) is not { } e) return null;
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d)) return d;
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var x) && Math.Abs(x) < 7.9e27) return (decimal)x; // 1e-7 and the like
            if (e.ValueKind == JsonValueKind.String && decimal.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return d;
            return UnexpectedValue<decimal>(e, path);
        }

        public long? Long(JsonElement root, params string[] path)
        {
            if (Decimal(root, path) is not { } d) return null;
            return d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue ? (long)d : UnexpectedValue<long>(Find(root, path)!.Value, path, "a whole number");
        }

        private static JsonElement? Find(JsonElement root, string[] path)
        {
            var current = root;
            foreach (var name in path)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current)) return null;
            }
            return current.ValueKind == JsonValueKind.Null ? null : current;
        }

        private T? Unexpected<T>(JsonElement e, string[] path, string expected) where T : class
        {
            diagnostics.Warning($"{location}: {string.Join('.', path)} is {Describe(e)}, not {expected}; it is ignored.");
            return null;
        }

        private T? UnexpectedValue<T>(JsonElement e, string[] path, string expected = "a number") where T : struct
        {
            diagnostics.Warning($"{location}: {string.Join('.', path)} is {Describe(e)}, not {expected}; it is ignored.");
            return null;
        }

        private static string Describe(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{Shorten(e.GetString() ?? "")}\"",
            JsonValueKind.Number => $"the number {e.GetRawText()}",
            _ => "a " + e.ValueKind.ToString().ToLowerInvariant(),
        };

        private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
    }
}
