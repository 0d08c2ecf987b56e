using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.PowerShell.Infrastructure;

/// <summary>
/// What every cmdlet of the module shares: the engine's diagnostics on the cmdlet's streams, a cancellation token
/// that Ctrl+C (StopProcessing) cancels, and engine exceptions turned into terminating ErrorRecords.
/// </summary>
public abstract class SessionAnalyticsCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();
    private CmdletDiagnostics? _diagnostics;

    internal CmdletDiagnostics Diagnostics => _diagnostics ??= new CmdletDiagnostics(this);
    /// <summary>Cancelled by Ctrl+C (StopProcessing); hides the base class's bool Stopping, which only polls.</summary>
    protected new CancellationToken Stopping => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Turns an <see cref="EngineException"/> into a terminating error with its ErrorId and category.</summary>
    protected void ThrowTerminating(EngineException e) =>
        ThrowTerminatingError(CmdletDiagnostics.ToErrorRecord(e.Error));

    /// <summary>Runs engine work; an EngineException stops the command with its ErrorRecord.</summary>
    protected T Engine<T>(Func<T> work)
    {
        try { return work(); }
        catch (EngineException e) { Diagnostics.Flush(); ThrowTerminating(e); throw; }
        finally { Diagnostics.Flush(); }
    }

    protected void Engine(Action work) => Engine(() => { work(); return 0; });

    /// <summary>
    /// A -SkillsPath the user gave, resolved and checked once: a missing folder stops the command
    /// (SkillsPathNotFound) instead of silently drawing no diagrams. Null stays null (the session's cwd decides).
    /// </summary>
    protected string? ResolveSkillsPath(string? skillsPath)
    {
        if (skillsPath is null) return null;
        var resolved = GetUnresolvedProviderPathFromPSPath(skillsPath);
        if (!Directory.Exists(resolved))
            ThrowTerminating(new EngineException(new EngineError("SkillsPathNotFound", ErrorKind.ObjectNotFound,
                $"The skills directory '{resolved}' does not exist.", resolved)
            {
                RecommendedAction = "Pass the folder that holds <skill>/SKILL.md files, usually .claude/skills in the repository.",
            }));
        WriteVerbose($"Skills directory: {resolved}");
        return resolved;
    }
}
