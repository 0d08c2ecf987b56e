namespace SessionAnalytics.Core.Diagnostics;

/// <summary>
/// Keeps what work on another thread reported, in order, so the thread that owns the output streams can report it
/// later exactly as it came (a cmdlet may write only from its pipeline thread, and one session's messages must stay
/// together and in session order). Errors keep their <see cref="EngineError"/>, so ErrorIds and targets survive.
/// </summary>
public sealed class RecordedDiagnostics : IDiagnostics
{
    private readonly object _gate = new();
    private readonly List<Action<IDiagnostics>> _reports = [];

    public int Count { get { lock (_gate) return _reports.Count; } }

    public void Warning(string message) => Add(d => d.Warning(message));
    public void Verbose(string message) => Add(d => d.Verbose(message));
    public void Error(EngineError error) => Add(d => d.Error(error));
    public void Progress(string activity, string status, int percentComplete) => Add(d => d.Progress(activity, status, percentComplete));

    /// <summary>Reports everything recorded so far to <paramref name="target"/>, in the order it was recorded, and forgets it.</summary>
    public void ReplayTo(IDiagnostics target)
    {
        Action<IDiagnostics>[] reports;
        lock (_gate)
        {
            reports = [.. _reports];
            _reports.Clear();
        }
        foreach (var report in reports) report(target);
    }

    private void Add(Action<IDiagnostics> report)
    {
        lock (_gate) _reports.Add(report);
    }
}
