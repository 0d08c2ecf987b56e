using System.Buffers;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Streams a JSONL transcript line by line with one reusable buffer, so memory stays flat whatever the file size.
/// The buffer comes from the shared array pool: a fresh 1 MB array per file would land on the large-object heap and,
/// over the hundreds of subagent files of a big corpus, force a full garbage collection every few files.
/// A file that vanishes or fails mid-read keeps every line read so far and reports the failure; an oversized line is
/// skipped with a warning instead of exhausting memory.
/// </summary>
public static class TranscriptLines
{
    /// <summary>Lines longer than this are skipped (Claude Code's own lines stay far below it; images are the largest).</summary>
    public const int DefaultMaxLineBytes = 256 * 1024 * 1024;

    /// <summary>
    /// How deeply a line's JSON may nest: far beyond the JSON readers' default of 64, which real lines (tool results that
    /// carry nested JSON) can pass. The readers need a few bytes per open level, and a level takes at least two bytes of
    /// the line, so <see cref="DefaultMaxLineBytes"/> bounds the memory either way.
    /// </summary>
    public const int MaxNestingDepth = 1_000_000;

    public delegate void LineHandler(long lineNumber, ReadOnlyMemory<byte> line);

    /// <returns>false when the file could not be read to its end (the failure has been reported).</returns>
    public static bool Read(string path, LineHandler onLine, IDiagnostics diagnostics, CancellationToken cancellation = default,
        int maxLineBytes = DefaultMaxLineBytes)
    {
        // Only regular files are opened: a FIFO would block the open until a writer came, a device never ends.
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Other) return true; // where the type is unknown: empty, so nothing to read
        if (kind is not (FileKind.RegularFile or FileKind.Missing))
        {
            diagnostics.Error(new EngineError("TranscriptNotRegularFile", ErrorKind.InvalidData,
                $"Cannot read transcript '{path}': it is {FileKinds.Describe(kind)}, not a regular file.", path));
            return false;
        }
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(new EngineError(
                e is UnauthorizedAccessException ? "TranscriptAccessDenied" : "TranscriptUnreadable",
                e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError,
                $"Cannot read transcript '{path}': {e.Message}", path, e));
            return false;
        }

        using (stream)
        {
            var capacity = 1 << 20; // the buffer's usable length (a rented array may be longer)
            var buffer = ArrayPool<byte>.Shared.Rent(capacity);
            int start = 0, end = 0;
            long lineNumber = 0;
            bool skipping = false; // inside an oversized line, discarding until its newline
            try
            {
                while (true)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (end == capacity)
                    {
                        if (start > 0)
                        {
                            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                            end -= start;
                            start = 0;
                        }
                        else if (capacity >= maxLineBytes)
                        {
                            diagnostics.Warning($"{path}:{lineNumber + 1}: line longer than {maxLineBytes / (1024 * 1024)} MB skipped.");
                            skipping = true;
                            start = end = 0;
                        }
                        else
                        {
                            capacity = Math.Min(capacity * 2, maxLineBytes);
                            var larger = ArrayPool<byte>.Shared.Rent(capacity);
                            Buffer.BlockCopy(buffer, 0, larger, 0, end);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }
                    }

                    var read = stream.Read(buffer, end, capacity - end);
                    if (read == 0)
                    {
                        if (end > start && !skipping) onLine(++lineNumber, Trim(buffer.AsMemory(start, end - start), lineNumber));
                        return true;
                    }

                    var scanFrom = end;
                    end += read;
                    while (true)
                    {
                        var newline = Array.IndexOf(buffer, (byte)'\n', scanFrom, end - scanFrom);
                        if (newline < 0) break;
                        lineNumber++;
                        if (skipping) skipping = false;
                        else if (newline > start) onLine(lineNumber, Trim(buffer.AsMemory(start, newline - start), lineNumber));
                        start = scanFrom = newline + 1;
                    }
                    if (skipping) start = end = 0;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Error(new EngineError("TranscriptReadFailed", ErrorKind.ReadError,
                    $"Reading transcript '{path}' failed after line {lineNumber}: {e.Message}. The lines read so far are kept.", path, e));
                return false;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> line, long lineNumber)
    {
        var span = line.Span;
        if (lineNumber == 1 && span.Length >= 3 && span[0] == 0xEF && span[1] == 0xBB && span[2] == 0xBF) line = line[3..];
        if (line.Length > 0 && line.Span[^1] == (byte)'\r') line = line[..^1];
        return line;
    }
}
