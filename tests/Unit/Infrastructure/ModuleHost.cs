using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SessionAnalytics.Tests.Infrastructure;

/// <summary>
/// The real PowerShell engine with the built module (out/SessionAnalytics/SessionAnalytics.psd1) imported.
/// Tests run real pipelines through it and assert on the typed objects and on every stream.
/// </summary>
public sealed class ModuleHost : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleHost(IDictionary<string, string?>? environment = null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(ModuleManifestPath);
        state.ThrowOnRunspaceOpenError = true;
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (environment is not null)
            foreach (var (name, value) in environment)
                Run($"${{env:{name}}} = $args[0]", value);
    }

    public static string RepoRoot { get; } = FindRepoRoot();
    public static string ModuleManifestPath => Path.Combine(RepoRoot, "out", "SessionAnalytics", "SessionAnalytics.psd1");

    /// <summary>Runs a script; <paramref name="args"/> are available as $args[0], $args[1], ...</summary>
    public PipelineResult Run(string script, params object?[] args)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var a in args) ps.AddArgument(a);
        Collection<PSObject> output;
        Exception? terminating = null;
        try { output = ps.Invoke(); }
        catch (RuntimeException e) { output = []; terminating = e; }
        return new PipelineResult(
            output.Where(o => o is not null).Select(o => o.BaseObject).ToList(),
            ps.Streams.Error.ToList(),
            ps.Streams.Warning.Select(w => w.Message).ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            ps.Streams.Progress.ToList(),
            ps.Streams.Information.ToList(),
            terminating as RuntimeException);
    }

    public void Dispose() => _runspace.Dispose();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SessionAnalytics.sln"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (SessionAnalytics.sln) not found above " + AppContext.BaseDirectory);
    }
}

public sealed record PipelineResult(
    List<object> Output,
    List<ErrorRecord> Errors,
    List<string> Warnings,
    List<string> Verbose,
    List<ProgressRecord> Progress,
    List<InformationRecord> Information,
    RuntimeException? Terminating)
{
    public List<T> Of<T>() => Output.OfType<T>().ToList();

    /// <summary>Non-terminating and terminating errors together (a cmdlet's terminating error ends only its statement in a script).</summary>
    public List<ErrorRecord> AllErrors => Terminating?.ErrorRecord is { } t ? [.. Errors, t] : Errors;

    /// <summary>Fails with the errors' text, so a broken pipeline explains itself in the test output.</summary>
    public PipelineResult AssertNoErrors()
    {
        if (Terminating is not null) throw new Xunit.Sdk.XunitException("Terminating error: " + Terminating.ErrorRecord?.FullyQualifiedErrorId + ": " + Terminating.Message);
        if (Errors.Count > 0) throw new Xunit.Sdk.XunitException("Errors: " + string.Join("\n", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        return this;
    }
}
