namespace SessionAnalytics.HelpBuilder;

/// <summary>A problem in a help source file, reported in the compiler's "file(line): error CODE: text" form
/// so MSBuild's Exec shows it as a build error pointing at the Markdown line.</summary>
internal sealed record HelpDiagnostic(string File, int Line, string Code, string Message, bool IsWarning = false)
{
    public override string ToString() => $"{File}({Line}): {(IsWarning ? "warning" : "error")} {Code}: {Message}";
}

/// <summary>Collects every problem of a run, so an author sees all of them at once instead of one per build.</summary>
internal sealed class HelpDiagnostics
{
    private readonly List<HelpDiagnostic> _items = [];
    public IReadOnlyList<HelpDiagnostic> Items => _items;
    public bool HasErrors => _items.Any(i => !i.IsWarning);

    /// <param name="line">1-based line in the source file.</param>
    public void Error(string file, int line, string code, string message) => _items.Add(new HelpDiagnostic(file, line, code, message));

    /// <summary>Something the output cannot do well but that does not stop the build (the contract tests decide).</summary>
    public void Warning(string file, int line, string code, string message) => _items.Add(new HelpDiagnostic(file, line, code, message, IsWarning: true));
}
