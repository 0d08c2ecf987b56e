using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Reads the lines of the head or the tail of a transcript into a buffer rented from the shared pool, with
/// positional reads on a bare file handle (no FileStream and its own buffer): discovery looks at hundreds of files,
/// and a fresh 1 MB head, 1 MB scan and 256 KB tail array per session were most of what it allocated.
/// </summary>
internal static class TranscriptWindow
{
    private const int Chunk = 64 * 1024;

    /// <summary>A handler for one complete line; returns false to stop reading.</summary>
    public delegate bool LineHandler(ReadOnlySpan<byte> line);

    /// <summary>
    /// Complete lines from the start of the file, reading 64 KB at a time until <paramref name="onLine"/> stops or
    /// <paramref name="maxBytes"/> have been read. The last line counts only when the file ends there.
    /// </summary>
    public static void Head(SafeFileHandle file, long length, int maxBytes, LineHandler onLine)
    {
        var limit = Math.Min(maxBytes, length); // bytes of the file this may read
        if (limit <= 0) return;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, Chunk));
        try
        {
            long bufferAt = 0; // the file offset of buffer[0]
            int filled = 0;
            while (bufferAt + filled < limit)
            {
                if (filled == buffer.Length)
                {
                    // A line longer than the buffer: grow (up to the limit), keeping what is unread.
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, buffer.Length * 2L));
                    Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var want = (int)Math.Min(buffer.Length - filled, limit - bufferAt - filled);
                var read = RandomAccess.Read(file, buffer.AsSpan(filled, want), bufferAt + filled);
                if (read <= 0) break;
                var scanFrom = filled;
                filled += read;
                var start = 0;
                int newline;
                while ((newline = buffer.AsSpan(scanFrom, filled - scanFrom).IndexOf((byte)'\n')) >= 0)
                {
                    newline += scanFrom;
                    if (newline > start && !onLine(Trim(buffer.AsSpan(start, newline - start)))) return;
                    start = scanFrom = newline + 1;
                }
                if (start > 0)
                {
                    // Keep the unfinished line at the front.
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    bufferAt += start;
                    filled -= start;
                }
            }
            if (filled > 0 && bufferAt + filled >= length) onLine(Trim(buffer.AsSpan(0, filled)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Complete lines in the last <paramref name="maxBytes"/> of the file (a line cut by the window's start is skipped).</summary>
    public static void Tail(SafeFileHandle file, long length, int maxBytes, LineHandler onLine)
    {
        var offset = Math.Max(0, length - maxBytes);
        var size = (int)(length - offset);
        if (size <= 0) return;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var filled = 0;
            while (filled < size)
            {
                var read = RandomAccess.Read(file, buffer.AsSpan(filled, size - filled), offset + filled);
                if (read <= 0) break;
                filled += read;
            }
            var span = buffer.AsSpan(0, filled);
            if (offset > 0)
            {
                var first = span.IndexOf((byte)'\n');
                if (first < 0) return;
                span = span[(first + 1)..];
            }
            while (span.Length > 0)
            {
                var newline = span.IndexOf((byte)'\n');
                var line = newline < 0 ? span : span[..newline];
                if (line.Length > 0 && !onLine(Trim(line))) return;
                if (newline < 0) break;
                span = span[(newline + 1)..];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.Length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF) line = line[3..];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        return line;
    }
}
