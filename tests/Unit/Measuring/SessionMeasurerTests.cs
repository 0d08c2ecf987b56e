using SessionAnalytics.Benchmarks.CorpusGenerator;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Tests.Measuring;

/// <summary>
/// The parallel measurer: output in input order whatever order sessions finish in, at most one session per worker
/// measuring and a bounded number out at any time, each session's reports replayed in order with their ErrorIds,
/// failures and cancellation at the right place, and the same statistics as the serial path. Fake sessions are held
/// on gates the test opens, so nothing depends on timing.
/// </summary>
public sealed class SessionMeasurerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static ClaudeSession Fake(int i) => new()
    {
        Id = $"{i:D8}-0000-0000-0000-000000000000",
        ProjectDirectory = "-fake",
        TranscriptPath = $"/fake/{i}.jsonl",
        TranscriptPaths = [$"/fake/{i}.jsonl"],
    };

    private static SessionStats StatsOf(ClaudeSession s) => new() { SessionId = s.Id };

    private static int Index(ClaudeSession s) => int.Parse(s.Id[..8]);

    [Fact]
    public void Results_come_back_in_input_order_when_sessions_finish_in_reverse()
    {
        const int n = 6;
        var gates = Enumerable.Range(0, n).Select(_ => new ManualResetEventSlim()).ToArray();
        var running = 0;
        var maxRunning = 0;
        var measure = (ClaudeSession s, IDiagnostics d, CancellationToken ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            gates[Index(s)].Wait(ct);
            Interlocked.Decrement(ref running);
            return StatsOf(s);
        };
        using var measurer = new SessionMeasurer(measure, workers: 3, NullDiagnostics.Instance, window: 10);
        var results = new List<SessionMeasurement>();
        for (var i = 0; i < n; i++) results.AddRange(measurer.Add(Fake(i)));
        Assert.Empty(results); // all held
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == 3, Patience));

        for (var i = n - 1; i >= 0; i--) gates[i].Set();
        results.AddRange(measurer.Complete());

        Assert.Equal(Enumerable.Range(0, n).Select(i => Fake(i).Id), results.Select(r => r.GetStats().SessionId));
        Assert.Equal(3, maxRunning);
    }

    [Fact]
    public void At_most_one_session_per_worker_is_measured_and_at_most_capacity_are_out()
    {
        const int n = 300;
        var running = 0;
        var maxRunning = 0;
        var started = 0;
        var handedBack = 0;
        var violations = 0;
        var random = new Random(7);
        var spins = Enumerable.Range(0, n).Select(_ => random.Next(0, 20_000)).ToArray();
        using var measurer = new SessionMeasurer((s, d, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            // Started but not yet handed back never exceeds the capacity (2 workers + window 3), plus one: when the
            // queue is full, Add takes the oldest measurement out and starts the next session in the same call, so
            // until Add returns that measurement is out of the measurer but not yet counted here.
            if (Interlocked.Increment(ref started) - Volatile.Read(ref handedBack) > 5 + 1) Interlocked.Increment(ref violations);
            Thread.SpinWait(spins[Index(s)]);
            Interlocked.Decrement(ref running);
            return StatsOf(s);
        }, workers: 2, NullDiagnostics.Instance, window: 3);
        Assert.Equal(5, measurer.Capacity);

        var order = new List<string>();
        for (var i = 0; i < n; i++)
        {
            foreach (var m in measurer.Add(Fake(i))) { order.Add(m.GetStats().SessionId); Interlocked.Increment(ref handedBack); }
            // 0 when every session out, the one just added included, had already finished: all are handed back.
            Assert.InRange(measurer.Outstanding, 0, measurer.Capacity);
        }
        foreach (var m in measurer.Complete()) { order.Add(m.GetStats().SessionId); Interlocked.Increment(ref handedBack); }

        Assert.Equal(Enumerable.Range(0, n).Select(i => Fake(i).Id), order);
        Assert.InRange(maxRunning, 1, 2);
        Assert.Equal(0, violations);
    }

    [Fact]
    public void Each_sessions_reports_are_replayed_in_session_order_with_their_error_ids()
    {
        const int n = 8;
        var measure = (ClaudeSession s, IDiagnostics d, CancellationToken ct) =>
        {
            var i = Index(s);
            d.Warning($"w{i}a");
            Thread.SpinWait((n - i) * 200_000); // the later sessions finish first
            d.Error(new EngineError($"Error{i}", ErrorKind.InvalidData, $"e{i}", $"/fake/{i}.jsonl:3"));
            d.Warning($"w{i}b");
            return StatsOf(s);
        };

        var serial = new CollectingDiagnostics();
        var serialIds = new List<string>();
        using (var one = new SessionMeasurer(measure, workers: 1, serial))
            for (var i = 0; i < n; i++)
                foreach (var m in one.Add(Fake(i))) { m.ReplayTo(serial); serialIds.Add(m.GetStats().SessionId); }

        var parallel = new CollectingDiagnostics();
        var parallelIds = new List<string>();
        using (var four = new SessionMeasurer(measure, workers: 4, NullDiagnostics.Instance))
        {
            for (var i = 0; i < n; i++)
                foreach (var m in four.Add(Fake(i))) { m.ReplayTo(parallel); parallelIds.Add(m.GetStats().SessionId); }
            foreach (var m in four.Complete()) { m.ReplayTo(parallel); parallelIds.Add(m.GetStats().SessionId); }
        }

        Assert.Equal(serialIds, parallelIds);
        Assert.Equal(Enumerable.Range(0, n).SelectMany(i => new[] { $"w{i}a", $"w{i}b" }), parallel.Warnings);
        Assert.Equal(serial.Warnings, parallel.Warnings);
        Assert.Equal(serial.Errors.Select(e => (e.ErrorId, e.Target)), parallel.Errors.Select(e => (e.ErrorId, e.Target)));
        Assert.Equal(Enumerable.Range(0, n).Select(i => $"Error{i}"), parallel.Errors.Select(e => e.ErrorId));
        Assert.Equal(n, parallel.VerboseMessages.Count(v => v.StartsWith("Measuring session", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_session_that_throws_fails_at_its_place_after_its_reports_and_the_sessions_before_it()
    {
        var measure = (ClaudeSession s, IDiagnostics d, CancellationToken ct) =>
        {
            d.Warning($"w{Index(s)}");
            if (Index(s) == 2) throw new EngineException(new EngineError("PricingBroken", ErrorKind.InvalidData, "boom"));
            return StatsOf(s);
        };
        using var measurer = new SessionMeasurer(measure, workers: 2, NullDiagnostics.Instance);
        var all = new List<SessionMeasurement>();
        for (var i = 0; i < 4; i++) all.AddRange(measurer.Add(Fake(i)));
        all.AddRange(measurer.Complete());

        var reports = new CollectingDiagnostics();
        var ok = new List<string>();
        var e = Assert.Throws<EngineException>(() =>
        {
            foreach (var m in all) { m.ReplayTo(reports); ok.Add(m.GetStats().SessionId); }
        });
        Assert.Equal("PricingBroken", e.Error.ErrorId);
        Assert.Equal([Fake(0).Id, Fake(1).Id], ok);
        Assert.Equal(["w0", "w1", "w2"], reports.Warnings);
    }

    [Fact]
    public void Cancelling_stops_the_waiting_caller_and_dispose_waits_for_every_worker()
    {
        using var cancel = new CancellationTokenSource();
        var running = 0;
        var measurer = new SessionMeasurer((s, d, ct) =>
        {
            Interlocked.Increment(ref running);
            try { Task.Delay(Timeout.Infinite, ct).Wait(CancellationToken.None); }
            catch (AggregateException) { }
            ct.ThrowIfCancellationRequested();
            Interlocked.Decrement(ref running);
            return StatsOf(s);
        }, workers: 2, NullDiagnostics.Instance, cancel.Token, window: 0);
        measurer.Add(Fake(0));
        measurer.Add(Fake(1));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == 2, Patience));

        var blocked = Task.Run(() => measurer.Add(Fake(2))); // capacity 2: waits for session 0
        cancel.Cancel();
        Assert.True(((IAsyncResult)blocked).AsyncWaitHandle.WaitOne(Patience));
        Assert.IsAssignableFrom<OperationCanceledException>(blocked.Exception?.InnerException);

        measurer.Dispose();
        Assert.Equal(2, Volatile.Read(ref running)); // both ended by cancellation (never decremented), none still running
        Assert.Equal(0, measurer.Outstanding);
    }

    [Fact]
    public void Parallel_measurements_equal_the_serial_calculator_exactly_on_a_generated_corpus()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sa-measurer-" + Guid.NewGuid().ToString("N"));
        try
        {
            CorpusWriter.Write(dir, 16_000_000, seed: 11); // one large session first, then many small ones
            var sessions = new SessionDiscovery(NullDiagnostics.Instance).Find(new SessionQuery { Roots = [dir] }, rootsAreDefaults: false);
            Assert.True(sessions.Count >= 5, $"{sessions.Count} sessions");

            var serial = new CollectingDiagnostics();
            var calculator = new SessionStatsCalculator(PricingTable.Default, serial);
            var expected = sessions.Select(s => SessionStatsJson.Write(calculator.Calculate(s))).ToList();

            var reports = new CollectingDiagnostics();
            var actual = new List<string>();
            using var measurer = new SessionMeasurer(d => new SessionStatsCalculator(PricingTable.Default, d), workers: 3, NullDiagnostics.Instance, window: 1);
            foreach (var s in sessions)
                foreach (var m in measurer.Add(s)) { m.ReplayTo(reports); actual.Add(SessionStatsJson.Write(m.GetStats())); }
            foreach (var m in measurer.Complete()) { m.ReplayTo(reports); actual.Add(SessionStatsJson.Write(m.GetStats())); }

            Assert.Equal(expected, actual);
            Assert.Equal(serial.Warnings, reports.Warnings);
            Assert.Empty(reports.Errors);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
