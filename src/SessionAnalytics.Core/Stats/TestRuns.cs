using System.Text.Json;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Test and CI commands run through the Bash tool, and which of them failed: the evidence the workflow diagrams use to
/// tell a failure path from a success path between two skill invocations. Which commands count is
/// <see cref="TestCommand"/> (docs/about_SessionAnalytics.md, "Test and CI commands").
/// </summary>
internal sealed class TestRuns
{
    private readonly Dictionary<string, string> _pending = new(StringComparer.Ordinal);
    private readonly List<(long Ticks, string Command)> _failures = [];

    public void Command(in ToolUse use)
    {
        if (use.Input.ValueKind == JsonValueKind.Object && use.Input.TryGetProperty("command"u8, out var c) && c.ValueKind == JsonValueKind.String
            && TestCommand.Find(c.GetString()!) is { } name)
            _pending[use.Id] = name;
    }

    /// <summary>A Bash result: a test or CI command whose result is an error (a non-zero exit) failed.</summary>
    public void Finished(in ToolResult result)
    {
        if (!_pending.Remove(result.ToolUseId, out var name)) return;
        if (result.IsError) _failures.Add((result.Ticks, name));
    }

    /// <summary>The failures in time order (main thread and subagents are read one file after another).</summary>
    public IReadOnlyList<(long Ticks, string Command)> Failures() => _failures.OrderBy(f => f.Ticks).ToList();
}

/// <summary>
/// Whether a shell command runs tests or checks CI. The command is split into simple commands at <c>&amp;&amp;</c>,
/// <c>||</c>, <c>;</c>, <c>|</c>, <c>&amp;</c> and line breaks outside quotes; in each, leading variable assignments
/// (<c>CI=1</c>) and wrappers (<c>sudo</c>, <c>time</c>, <c>env</c>, <c>nice</c>, <c>timeout 60</c>, <c>xvfb-run</c>,
/// <c>npx</c>, <c>uv run</c>, <c>poetry run</c>, <c>pipenv run</c>, <c>bundle exec</c>, <c>pnpm exec</c>, <c>yarn exec</c>)
/// are skipped, and what remains must start with one of <see cref="Runners"/>. The first simple command that does
/// names the command (<c>dotnet test</c>, <c>pytest</c>, <c>gh pr checks</c>).
/// </summary>
public static class TestCommand
{
    /// <summary>
    /// The test runners and CI checks recognised, as the words a simple command starts with. A trailing <c>*</c>
    /// matches any word starting so (<c>npm run test*</c> matches <c>npm run test:unit</c>); a path to the program
    /// (<c>./gradlew</c>, <c>vendor/bin/phpunit</c>) matches by its file name.
    /// </summary>
    public static IReadOnlyList<string> Runners { get; } =
    [
        // .NET, PowerShell
        "dotnet test", "dotnet vstest", "Invoke-Pester",
        // JavaScript
        "npm test", "npm t", "npm run test*", "yarn test", "yarn run test*", "pnpm test", "pnpm run test*", "bun test", "bun run test*",
        "jest", "vitest", "mocha", "ava", "karma", "playwright test", "cypress run", "deno test",
        // Python
        "pytest", "py.test", "python -m pytest", "python3 -m pytest", "python -m unittest", "python3 -m unittest", "tox", "nox",
        // Go, Rust, JVM, native, others
        "go test", "cargo test", "cargo nextest", "mvn test", "mvn verify", "mvnw test", "mvnw verify", "gradle test", "gradle check",
        "gradlew test", "gradlew check", "make test", "make tests", "make check", "ctest", "rspec", "rake test", "rake spec",
        "phpunit", "mix test", "swift test", "flutter test", "bats",
        // CI status: these fail when the checks or the run failed
        "gh pr checks", "gh run watch", "gh run view",
    ];

    private static readonly string[][] RunnerWords = Runners.Select(r => r.Split(' ')).ToArray();

    private static readonly HashSet<string> Wrappers = new(StringComparer.Ordinal) { "sudo", "time", "env", "nice", "xvfb-run", "npx", "command", "exec" };
    private static readonly (string, string)[] TwoWordWrappers =
        [("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("bundle", "exec"), ("pnpm", "exec"), ("yarn", "exec"), ("hatch", "run"), ("pdm", "run")];

    /// <summary>The runner <paramref name="command"/> invokes (its words as in <see cref="Runners"/>, the matched script name
    /// for <c>npm run test*</c>), or null when it runs no test or CI command.</summary>
    public static string? Find(string command)
    {
        foreach (var simple in SimpleCommands(command))
        {
            var words = Words(simple);
            var start = SkipPrefix(words);
            if (start >= words.Count) continue;
            foreach (var runner in RunnerWords)
                if (Matches(words, start, runner)) return string.Join(' ', words.Skip(start).Take(runner.Length).Select((w, i) => i == 0 ? ProgramName(w) : w));
        }
        return null;
    }

    private static bool Matches(List<string> words, int start, string[] runner)
    {
        if (words.Count - start < runner.Length) return false;
        for (var i = 0; i < runner.Length; i++)
        {
            var word = i == 0 ? ProgramName(words[start]) : words[start + i];
            var pattern = runner[i];
            var ok = pattern.EndsWith('*')
                ? word.StartsWith(pattern[..^1], StringComparison.Ordinal)
                : string.Equals(word, pattern, i == 0 && pattern.StartsWith("Invoke-", StringComparison.Ordinal) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>./gradlew → gradlew, vendor/bin/phpunit → phpunit, C:\tools\pytest.exe → pytest.</summary>
    private static string ProgramName(string word)
    {
        var name = word[(word.LastIndexOfAny(['/', '\\']) + 1)..];
        return name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".bat", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
    }

    /// <summary>How many leading words are assignments and wrappers (with their options and a timeout's duration).</summary>
    private static int SkipPrefix(List<string> words)
    {
        var i = 0;
        while (i < words.Count)
        {
            var w = words[i];
            if (w.Length > 1 && w.IndexOf('=') > 0 && (char.IsLetter(w[0]) || w[0] == '_') && w[..w.IndexOf('=')].All(c => char.IsLetterOrDigit(c) || c == '_')) { i++; continue; }
            if (Wrappers.Contains(w)) { i++; while (i < words.Count && words[i].StartsWith('-')) i++; continue; }
            if (w == "timeout") { i++; while (i < words.Count && words[i].StartsWith('-')) i++; if (i < words.Count) i++; continue; }
            if (i + 1 < words.Count && TwoWordWrappers.Contains((w, words[i + 1]))) { i += 2; continue; }
            break;
        }
        return i;
    }

    /// <summary>Splits at command separators outside single and double quotes.</summary>
    private static IEnumerable<string> SimpleCommands(string command)
    {
        var current = new System.Text.StringBuilder();
        char quote = '\0';
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < command.Length) { current.Append(c); c = command[++i]; }
                current.Append(c);
                continue;
            }
            if (c is '\'' or '"') { quote = c; current.Append(c); continue; }
            if (c == '\\' && i + 1 < command.Length) { current.Append(c).Append(command[++i]); continue; }
            if (c is ';' or '|' or '&' or '\n' or '\r' or '(' or ')')
            {
                if (current.Length > 0) yield return current.ToString();
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        if (current.Length > 0) yield return current.ToString();
    }

    /// <summary>Whitespace-separated words with surrounding quotes removed (enough to recognise a program and its first arguments).</summary>
    private static List<string> Words(string simple) =>
        simple.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'')).Where(w => w.Length > 0).ToList();
}
