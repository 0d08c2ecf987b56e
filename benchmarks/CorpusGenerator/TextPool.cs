using System.Text;

namespace SessionAnalytics.Benchmarks.CorpusGenerator;

/// <summary>
/// Deterministic filler text built once per run: source-code-like lines (quotes, backslashes, tabs and non-ASCII
/// characters included, so JSON escaping is exercised as in real transcripts) and prose. Tool results and messages
/// are slices of it, which keeps the generator fast at any corpus size.
/// </summary>
public sealed class TextPool
{
    private static readonly string[] Words =
    [
        "session", "transcript", "token", "cache", "model", "branch", "commit", "pipeline", "stream", "buffer", "parse",
        "render", "config", "module", "handler", "request", "response", "query", "index", "schema", "migration", "test",
        "fixture", "assert", "deploy", "review", "feature", "issue", "worker", "queue", "retry", "timeout", "build",
        "error", "warning", "result", "value", "state", "context", "summary", "the", "a", "to", "of", "and", "in", "for",
        "with", "on", "is", "this", "that", "we", "it", "now", "then", "check", "update", "fix", "add", "remove",
    ];

    private static readonly string[] CodeTemplates =
    [
        "defmodule {0}.{1} do", "  use {0}.Resource, data_layer: :sqlite", "  @moduledoc \"\"\"{2} for {3}\"\"\"",
        "  def {2}(%{{\"id\" => id}} = params) do", "    with {{:ok, {3}}} <- fetch_{3}(id),", "    {{:error, reason}} -> Logger.warning(\"{2} failed: #{{inspect(reason)}}\")",
        "public sealed class {1}{0} : I{0}", "    private readonly Dictionary<string, {1}> _{2} = new(StringComparer.Ordinal);",
        "    if (!File.Exists(path)) throw new FileNotFoundException($\"missing {{path}}\");", "        var {2} = await _{3}.GetAsync(\"C:\\\\tmp\\\\{2}\", ct);",
        "function {2}({3}) {{ return {3}.map(x => x.{2} ?? 'n/a'); }}", "  // TODO(é): handle {2} → {3} when the {1} is empty — see «{0}»",
        "\t{2}:\t{3}\t# tab-separated {1}", "SELECT {2}, count(*) FROM {3} WHERE {1} = '{0}' GROUP BY {2};",
        "  it(\"{2}s the {3}\", async () => {{ expect(await {2}()).toEqual({{ ok: true }}); }});", "    println!(\"{{}} {2} ✓\", {3}.len());",
        "", "end", "}}", "  end",
    ];

    private static readonly string[] Names = ["Spotter", "Ledger", "Orbit", "Harbor", "Quill", "Atlas", "Beacon", "Cobalt"];
    private static readonly string[] Parts = ["Transcripts", "Sessions", "Billing", "Accounts", "Search", "Reports", "Hooks", "Telemetry"];

    private readonly string _code;
    private readonly int[] _codeLineStarts;
    private readonly string _numbered;
    private readonly int[] _numberedLineStarts;
    private readonly Random _random;

    public TextPool(int seed, int codeChars = 6 << 20)
    {
        _random = new Random(seed ^ 0x5eed);
        var code = new StringBuilder(codeChars + 256);
        var numbered = new StringBuilder(codeChars + codeChars / 4);
        var starts = new List<int>();
        var numberedStarts = new List<int>();
        var lineNo = 1;
        while (code.Length < codeChars)
        {
            starts.Add(code.Length);
            numberedStarts.Add(numbered.Length);
            var line = string.Format(CodeTemplates[_random.Next(CodeTemplates.Length)],
                Names[_random.Next(Names.Length)], Parts[_random.Next(Parts.Length)], Words[_random.Next(Words.Length)], Words[_random.Next(Words.Length)]);
            code.Append(line).Append('\n');
            numbered.Append(lineNo.ToString().PadLeft(6)).Append('→').Append(line).Append('\n');
            lineNo++;
        }
        _code = code.ToString();
        _codeLineStarts = [.. starts];
        _numbered = numbered.ToString();
        _numberedLineStarts = [.. numberedStarts];
    }

    /// <summary>About <paramref name="chars"/> characters of source code, starting at a line boundary.</summary>
    public string Code(int chars) => Slice(_code, _codeLineStarts, chars, out _);

    /// <summary>Read-tool output ("    12→line"), about <paramref name="chars"/> long; the first line number is returned.</summary>
    public string NumberedCode(int chars, out int firstLine, out int lineCount)
    {
        var text = Slice(_numbered, _numberedLineStarts, chars, out var startIndex);
        firstLine = startIndex + 1;
        lineCount = 0;
        foreach (var c in text) if (c == '\n') lineCount++;
        return text;
    }

    public string Prose(int words)
    {
        var sb = new StringBuilder(words * 7);
        for (var i = 0; i < words; i++)
        {
            if (i > 0) sb.Append(i % 14 == 0 ? ". " : " ");
            var w = Words[_random.Next(Words.Length)];
            sb.Append(i % 14 == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w);
        }
        return sb.Append('.').ToString();
    }

    public string Word() => Words[_random.Next(Words.Length)];
    public string Name() => Names[_random.Next(Names.Length)];

    private string Slice(string pool, int[] lineStarts, int chars, out int startLine)
    {
        chars = Math.Max(1, chars);
        var sb = chars > pool.Length ? new StringBuilder(chars + 128) : null;
        startLine = _random.Next(lineStarts.Length);
        var start = lineStarts[startLine];
        if (sb is null && start + chars <= pool.Length)
        {
            // End on a line boundary when one is near, as a real file excerpt would.
            var end = pool.IndexOf('\n', start + chars - 1);
            return end < 0 || end - (start + chars) > 200 ? pool.Substring(start, chars) : pool.Substring(start, end + 1 - start);
        }
        sb ??= new StringBuilder(chars + 128);
        var pos = start;
        while (sb.Length < chars)
        {
            var take = Math.Min(chars - sb.Length, pool.Length - pos);
            sb.Append(pool, pos, take);
            pos = 0;
        }
        return sb.ToString();
    }
}
