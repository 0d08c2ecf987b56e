namespace SessionAnalytics.Core.Diagnostics;

/// <summary>
/// How the engine reports while it works. The cmdlets implement it on top of WriteWarning/WriteError/
/// WriteVerbose/WriteProgress; tests collect what is reported. The engine never needs a cmdlet.
/// </summary>
public interface IDiagnostics
{
    void Warning(string message);
    void Verbose(string message);
    /// <summary>A non-terminating problem with one item (a line, a file, a comment): the work goes on.</summary>
    void Error(EngineError error);
    void Progress(string activity, string status, int percentComplete);
}

/// <summary>What went wrong, in terms a cmdlet turns into an ErrorRecord (ErrorId, category, target).</summary>
public sealed record EngineError(string ErrorId, ErrorKind Kind, string Message, object? Target = null, Exception? Exception = null)
{
    public string? RecommendedAction { get; init; }
}

/// <summary>Mirrors the PowerShell ErrorCategory values the engine uses, without referencing PowerShell.</summary>
public enum ErrorKind
{
    InvalidData,
    ReadError,
    PermissionDenied,
    ObjectNotFound,
    InvalidArgument,
    AuthenticationError,
    ConnectionError,
    LimitsExceeded,
    InvalidOperation,
    WriteError,
    ResourceUnavailable,
    OperationTimeout,
    InvalidType,
}

/// <summary>Thrown for a precondition that stops the whole command (cmdlets turn it into a terminating error).</summary>
public sealed class EngineException(EngineError error) : Exception(error.Message, error.Exception)
{
    public EngineError Error { get; } = error;
}

/// <summary>Collects everything reported; used by tests and by callers that want to inspect afterwards.</summary>
public sealed class CollectingDiagnostics : IDiagnostics
{
    private readonly object _gate = new();
    public List<string> Warnings { get; } = [];
    public List<string> VerboseMessages { get; } = [];
    public List<EngineError> Errors { get; } = [];
    public void Warning(string message) { lock (_gate) Warnings.Add(message); }
    public void Verbose(string message) { lock (_gate) VerboseMessages.Add(message); }
    public void Error(EngineError error) { lock (_gate) Errors.Add(error); }
    public void Progress(string activity, string status, int percentComplete) { }
}

public sealed class NullDiagnostics : IDiagnostics
{
    public static readonly NullDiagnostics Instance = new();
    public void Warning(string message) { }
    public void Verbose(string message) { }
    public void Error(EngineError error) { }
    public void Progress(string activity, string status, int percentComplete) { }
}
