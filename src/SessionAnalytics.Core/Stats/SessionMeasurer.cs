using System.Runtime.ExceptionServices;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>One session measured, with what was reported while measuring it (replay it before using the result).</summary>
public sealed class SessionMeasurement
{
    private readonly SessionStats? _stats;
    private readonly ExceptionDispatchInfo? _failure;
    private readonly RecordedDiagnostics? _reports;

    internal SessionMeasurement(ClaudeSession session, SessionStats? stats, ExceptionDispatchInfo? failure, RecordedDiagnostics? reports)
    {
        Session = session;
        _stats = stats;
        _failure = failure;
        _reports = reports;
    }

    public ClaudeSession Session { get; }

    /// <summary>Reports the session's warnings, errors and verbose messages, in the order they were raised.</summary>
    public void ReplayTo(IDiagnostics target) => _reports?.ReplayTo(target);

    /// <summary>The statistics; rethrows (with its original stack) what measuring the session threw.</summary>
    public SessionStats GetStats()
    {
        _failure?.Throw();
        return _stats!;
    }
}

/// <summary>
/// Measures a sequence of sessions on several threads and hands the results back in the order the sessions came,
/// so <c>Get-ClaudeSession | ConvertTo-SessionStats</c> uses every core while its output stays that of the serial run.
/// Memory stays bounded whatever the history's size: at most <c>workers</c> sessions are being measured at once
/// (their calculators hold the per-line state), and at most <c>workers + window</c> sessions are between
/// <see cref="Add"/> and being handed back (finished ones waiting for an earlier, slower session hold only their
/// small <see cref="SessionStats"/>); <see cref="Add"/> waits for the oldest when that many are out.
/// What a worker reports is recorded per session and replayed by the caller (<see cref="SessionMeasurement.ReplayTo"/>)
/// on its own thread, in session order. With one worker everything runs on the caller's thread, reporting directly:
/// the serial path, unchanged.
/// Not thread-safe: one thread calls <see cref="Add"/> and <see cref="Complete"/> (a cmdlet's pipeline thread).
/// </summary>
public sealed class SessionMeasurer : IDisposable
{
    private readonly Func<ClaudeSession, IDiagnostics, CancellationToken, SessionStats> _measure;
    private readonly IDiagnostics _diagnostics;
    private readonly int _capacity;
    private readonly TaskScheduler? _scheduler;
    private readonly CancellationTokenSource _cancel;
    private readonly Queue<Task<SessionMeasurement>> _pending = new();

    /// <param name="calculatorFor">A calculator reporting to the given diagnostics (one per session: each worker's
    /// reports are kept apart).</param>
    /// <param name="workers">Sessions measured at once; 1 measures on the caller's thread.</param>
    /// <param name="diagnostics">Where the serial path reports directly (and what replays go to, by the caller).</param>
    /// <param name="window">Finished sessions that may wait for an earlier one; default 4 per worker, at least 8.</param>
    public SessionMeasurer(Func<IDiagnostics, SessionStatsCalculator> calculatorFor, int workers, IDiagnostics diagnostics,
        CancellationToken cancellation = default, int? window = null)
        : this((session, d, ct) => calculatorFor(d).Calculate(session, ct), workers, diagnostics, cancellation, window)
    {
    }

    /// <summary>With any measuring function (tests use slow and gated fakes).</summary>
    internal SessionMeasurer(Func<ClaudeSession, IDiagnostics, CancellationToken, SessionStats> measure, int workers, IDiagnostics diagnostics,
        CancellationToken cancellation = default, int? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _measure = measure;
        _diagnostics = diagnostics;
        Workers = workers;
        _capacity = workers + Math.Max(0, window ?? Math.Max(8, 4 * workers));
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (workers > 1) _scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, workers).ConcurrentScheduler;
    }

    public int Workers { get; }

    /// <summary>The most sessions between <see cref="Add"/> and being handed back.</summary>
    public int Capacity => _capacity;

    /// <summary>The sessions measuring or waiting to be handed back now.</summary>
    public int Outstanding => _pending.Count;

    /// <summary>
    /// Starts measuring <paramref name="session"/> and returns the measurements that are ready, in order (none, or
    /// several). Waits for the oldest session first when <see cref="Capacity"/> sessions are out.
    /// </summary>
    public IReadOnlyList<SessionMeasurement> Add(ClaudeSession session)
    {
        var ready = new List<SessionMeasurement>();
        if (_scheduler is null)
        {
            ready.Add(new SessionMeasurement(session, Measure(session, _diagnostics), null, null));
            return ready;
        }
        while (_pending.Count >= _capacity) ready.Add(TakeOldest());
        var reports = new RecordedDiagnostics();
        _pending.Enqueue(Task.Factory.StartNew(() => MeasureRecorded(session, reports), _cancel.Token, TaskCreationOptions.DenyChildAttach, _scheduler));
        while (_pending.Count > 0 && _pending.Peek().IsCompleted) ready.Add(TakeOldest());
        return ready;
    }

    /// <summary>Waits for every session still out and returns their measurements, in order.</summary>
    public IReadOnlyList<SessionMeasurement> Complete()
    {
        var ready = new List<SessionMeasurement>();
        while (_pending.Count > 0) ready.Add(TakeOldest());
        return ready;
    }

    /// <summary>Cancels what is still running and waits for it, so no worker outlives its caller.</summary>
    public void Dispose()
    {
        _cancel.Cancel();
        foreach (var task in _pending)
            try { task.Wait(); } catch (AggregateException) { }
        _pending.Clear();
        _cancel.Dispose();
    }

    private SessionMeasurement TakeOldest()
    {
        var oldest = _pending.Peek();
        try
        {
            oldest.Wait(_cancel.Token);
        }
        catch (AggregateException) when (oldest.IsCanceled)
        {
            // Cancelled before it started: Ctrl+C.
        }
        _cancel.Token.ThrowIfCancellationRequested();
        _pending.Dequeue();
        return oldest.Result;
    }

    private SessionMeasurement MeasureRecorded(ClaudeSession session, RecordedDiagnostics reports)
    {
        try
        {
            return new SessionMeasurement(session, Measure(session, reports), null, reports);
        }
        catch (Exception e)
        {
            return new SessionMeasurement(session, null, ExceptionDispatchInfo.Capture(e), reports);
        }
    }

    private SessionStats Measure(ClaudeSession session, IDiagnostics diagnostics)
    {
        diagnostics.Verbose($"Measuring session {session.Id}: {session.TranscriptPaths.Count} transcript(s), {session.SizeBytes / 1048576.0:0.0} MB.");
        // The calculator collects the branches from the lines it reads: discovery's whole-file scan is not needed.
        return _measure(session.WithoutBranches(), diagnostics, _cancel.Token);
    }
}
