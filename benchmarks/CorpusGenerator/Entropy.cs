using System.Text;

namespace SessionAnalytics.Benchmarks.CorpusGenerator;

/// <summary>
/// Every random choice of the generator comes from here, seeded, so a seed always yields the same corpus byte for
/// byte (System.Random with a seed is stable across runs and platforms). Ids look like Claude Code's.
/// </summary>
public sealed class Entropy(int seed)
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Hex = "0123456789abcdef";
    private readonly Random _random = new(seed);

    public int Next(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);
    public long NextLong(long minInclusive, long maxExclusive) => _random.NextInt64(minInclusive, maxExclusive);
    public double NextDouble() => _random.NextDouble();
    public bool Chance(double p) => _random.NextDouble() < p;
    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>Log-uniform between the bounds: many small values, a few large ones.</summary>
    public long LogUniform(long min, long max) =>
        min >= max ? min : (long)Math.Exp(Math.Log(min) + _random.NextDouble() * (Math.Log(max) - Math.Log(min)));

    public T Weighted<T>(IReadOnlyList<(T Item, int Weight)> items)
    {
        var total = 0;
        foreach (var (_, w) in items) total += w;
        var roll = _random.Next(total);
        foreach (var (item, w) in items)
        {
            if (roll < w) return item;
            roll -= w;
        }
        return items[^1].Item;
    }

    public string Uuid()
    {
        Span<byte> b = stackalloc byte[16];
        _random.NextBytes(b);
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        var sb = new StringBuilder(36);
        for (var i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10) sb.Append('-');
            sb.Append(Hex[b[i] >> 4]).Append(Hex[b[i] & 0xF]);
        }
        return sb.ToString();
    }

    public string HexString(int length) => Chars(Hex, length);
    public string Base62String(int length) => Chars(Base62, length);

    public string MessageId() => "msg_01" + Base62String(22);
    public string RequestId() => "req_011C" + Base62String(18);
    public string ToolUseId() => "toolu_01" + Base62String(22);
    /// <summary>2.1.x subagent ids: seven hex digits starting with 'a' (agent-aac57f5.jsonl).</summary>
    public string AgentId() => "a" + HexString(6);
    public string CompactionAgentId() => "acompact-" + HexString(6);

    private string Chars(string alphabet, int length)
    {
        return string.Create(length, (alphabet, _random), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = state.alphabet[state._random.Next(state.alphabet.Length)];
        });
    }
}
