using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Every gitBranch value of a transcript, in order of last appearance, found by a vectorised byte search for the
/// key rather than a parse of every line (a whole-file read that only <c>Get-ClaudeSession -Branch</c> and the
/// <c>Branch</c>/<c>Branches</c> properties ask for: the calculator collects branches from the lines it parses).
/// The value is read however the JSON is spaced (<c>"gitBranch" : "x"</c>) and unescaped as JSON.
/// </summary>
internal static class BranchScan
{
    private const int Chunk = 1 << 20;
    private const int MaxGap = 64;      // whitespace allowed around the colon
    private const int MaxValue = 1024;  // longer values are not branch names
    private static ReadOnlySpan<byte> Key => "\"gitBranch\""u8;

    public static List<string> Read(SafeFileHandle file)
    {
        var branches = new List<string>();
        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            long offset = 0;
            int filled = 0;
            string? previous = null;
            while (true)
            {
                var read = RandomAccess.Read(file, buffer.AsSpan(filled), offset + filled);
                var atEnd = read <= 0;
                filled += Math.Max(0, read);
                var span = buffer.AsSpan(0, filled);
                var pos = 0;
                var keep = atEnd ? filled : Math.Max(0, filled - (Key.Length + 2 * MaxGap + MaxValue + 2));
                while (pos < keep)
                {
                    var at = span[pos..].IndexOf(Key);
                    if (at < 0 || pos + at >= keep) break;
                    var valueAt = pos + at + Key.Length;
                    if (TryValue(span[valueAt..], out var value, out var used))
                    {
                        if (value.Length > 0 && value != previous)
                        {
                            branches.Remove(value);
                            branches.Add(value);
                            previous = value;
                        }
                        pos = valueAt + used;
                    }
                    else pos = valueAt;
                }
                if (atEnd) break;
                // Carry the unsearched end (a key may straddle two reads).
                var from = Math.Max(pos, keep);
                span[from..].CopyTo(buffer);
                offset += from;
                filled -= from;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return branches;
    }

    /// <summary>After the key: whitespace, a colon, whitespace and a JSON string.</summary>
    private static bool TryValue(ReadOnlySpan<byte> s, out string value, out int used)
    {
        value = "";
        used = 0;
        var i = SkipSpace(s, 0);
        if (i >= s.Length || s[i] != (byte)':') return false;
        i = SkipSpace(s, i + 1);
        if (i >= s.Length || s[i] != (byte)'"') return false;
        var end = i + 1;
        while (true)
        {
            var quote = s[end..].IndexOfAny((byte)'"', (byte)'\\');
            if (quote < 0 || end + quote - i > MaxValue) return false;
            end += quote;
            if (s[end] == (byte)'"') break;
            end += 2; // an escape: skip the escaped character
            if (end >= s.Length) return false;
        }
        var quoted = s[i..(end + 1)];
        try
        {
            var reader = new Utf8JsonReader(quoted);
            if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
            value = reader.GetString()!;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
        used = end + 1;
        return true;
    }

    private static int SkipSpace(ReadOnlySpan<byte> s, int i)
    {
        var limit = Math.Min(s.Length, i + MaxGap);
        while (i < limit && s[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return i;
    }
}
