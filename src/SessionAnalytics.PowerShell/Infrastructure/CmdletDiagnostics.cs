using System.Collections.Concurrent;
using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.PowerShell.Infrastructure;

/// <summary>
/// The engine's <see cref="IDiagnostics"/> on top of a cmdlet's streams. Calls from the pipeline thread write at
/// once; calls from worker threads (parallel GitHub requests) are queued and written by <see cref="Flush"/>,
/// because a cmdlet may only write from its own thread.
/// </summary>
internal sealed class CmdletDiagnostics(PSCmdlet cmdlet) : IDiagnostics
{
    private const int ProgressActivityId = 7041;
    private readonly int _pipelineThread = Environment.CurrentManagedThreadId;
    private readonly ConcurrentQueue<Action> _pending = WithLoadWarning(cmdlet);
    private DateTime _lastProgress = DateTime.MinValue;

    public void Warning(string message) => Post(() => cmdlet.WriteWarning(message));
    public void Verbose(string message) => Post(() => cmdlet.WriteVerbose(message));
    public void Error(EngineError error) => Post(() => cmdlet.WriteError(ToErrorRecord(error)));

    public void Progress(string activity, string status, int percentComplete)
    {
        // Throttled: the host redraws on every record, which costs more than the work it reports.
        var now = DateTime.UtcNow;
        if (percentComplete < 100 && now - _lastProgress < TimeSpan.FromMilliseconds(200)) return;
        _lastProgress = now;
        Post(() => cmdlet.WriteProgress(new ProgressRecord(ProgressActivityId, activity, status)
        {
            PercentComplete = percentComplete < 0 ? -1 : Math.Min(percentComplete, 100),
        }));
    }

    public void CompleteProgress(string activity) =>
        Post(() => cmdlet.WriteProgress(new ProgressRecord(ProgressActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed }));

    /// <summary>A queue that starts with the module's load note, when there is one not yet written (once per process).</summary>
    private static ConcurrentQueue<Action> WithLoadWarning(PSCmdlet cmdlet)
    {
        var queue = new ConcurrentQueue<Action>();
        if (ModuleInitializer.TakeLoadNote() is { } note) queue.Enqueue(() => cmdlet.WriteVerbose(note));
        return queue;
    }

    /// <summary>Writes what worker threads reported. Call from the pipeline thread.</summary>
    public void Flush()
    {
        while (_pending.TryDequeue(out var write)) write();
    }

    private void Post(Action write)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThread) { Flush(); write(); }
        else _pending.Enqueue(write);
    }

    public static ErrorRecord ToErrorRecord(EngineError error)
    {
        var exception = error.Exception ?? new InvalidOperationException(error.Message);
        var record = new ErrorRecord(exception, error.ErrorId, ToCategory(error.Kind), error.Target)
        {
            ErrorDetails = new ErrorDetails(error.Message),
        };
        if (error.RecommendedAction is not null) record.ErrorDetails.RecommendedAction = error.RecommendedAction;
        return record;
    }

    public static ErrorCategory ToCategory(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.ReadError => ErrorCategory.ReadError,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        ErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        ErrorKind.InvalidType => ErrorCategory.InvalidType,
        _ => ErrorCategory.InvalidOperation,
    };
}
