using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Reads and parses a large transcript on a second thread while the measuring thread applies the lines in file order:
/// one giant session (a 700 MB main transcript) then uses two cores instead of one. Parsing (reading, the UTF-8 check,
/// the JSON) is most of the work per line and needs no session state; applying it to the measurement's parts is
/// order-dependent and stays on one thread. Memory stays bounded whatever the file size: lines travel in batches of at
/// most <see cref="BatchLines"/> lines whose bytes fit <see cref="BatchBytes"/> (a longer line makes a batch of its own),
/// and at most <see cref="BatchesInFlight"/> batches are parsed and not yet applied. A document is disposed on the
/// thread that parsed it, after its batch comes back. What the file reader reports (an oversized line, a read failure) travels
/// with the lines, so every report comes in the order of the serial read.
/// </summary>
internal static class LineReadAhead
{
    public const int BatchBytes = 1 << 20;
    public const int BatchesInFlight = 8;
    /// <summary>Lines per batch, at most.</summary>
    private const int BatchLines = 64;

    private sealed class Batch
    {
        public readonly List<ParsedLine> Lines = new(BatchLines);
        public byte[] Bytes = [];
        public int Used;
        /// <summary>What the producer threw: the batch ends the read.</summary>
        public Exception? Failure;
    }

    /// <summary>Reads <paramref name="path"/> ahead on a second thread and applies its lines here, in order.</summary>
    public static void Read(string path, LineParser parser, Action<ParsedLine> apply, CancellationToken cancellation)
    {
        using var full = new BlockingCollection<Batch>(BatchesInFlight);
        using var free = new BlockingCollection<Batch>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var batches = new Batch[BatchesInFlight + 1];
        for (var i = 0; i < batches.Length; i++) free.Add(batches[i] = new Batch());

        var producer = Task.Factory.StartNew(() => Produce(path, parser, full, free, stop.Token), stop.Token,
            TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        try
        {
            foreach (var batch in full.GetConsumingEnumerable(stop.Token))
            {
                // The documents stay with the batch: the reading thread disposes them when it takes the batch back.
                var lines = batch.Lines;
                for (var i = 0; i < lines.Count; i++)
                {
                    if (i % 256 == 0) cancellation.ThrowIfCancellationRequested();
                    apply(lines[i]);
                }
                var failure = batch.Failure;
                batch.Failure = null;
                free.Add(batch);
                if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
            // Only now is no batch in use on either thread.
            foreach (var batch in batches)
            {
                Drop(batch);
                if (batch.Bytes.Length > 0) ArrayPool<byte>.Shared.Return(batch.Bytes);
            }
        }
    }

    /// <summary>Disposes the batch's documents and empties it for reuse.</summary>
    private static void Drop(Batch batch)
    {
        foreach (var line in batch.Lines) line.Discard();
        batch.Lines.Clear();
        batch.Used = 0;
    }

    private static void Produce(string path, LineParser parser, BlockingCollection<Batch> full, BlockingCollection<Batch> free, CancellationToken stop)
    {
        // The batch being filled; null while none is this thread's (once added to `full`, a batch is the measuring
        // thread's: never dropped here after that).
        Batch? batch = null;
        var applied = new Queue<JsonDocument>();
        try
        {
            batch = Take();
            Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>> keep = Keep;
            TranscriptLines.Read(path, (number, line) =>
            {
                if (batch!.Lines.Count >= BatchLines) Hand();
                // One applied document goes back to the pool before the next one rents: the arrays cycle on this
                // thread as in the serial read (returned together, a batch's arrays overflowed the pool, measured:
                // allocations per MB doubled; returned on the measuring thread, they missed this thread's cache).
                if (applied.Count > 0) applied.Dequeue().Dispose();
                var parsed = parser.Parse(number, line, keep);
                batch.Lines.Add(parsed);
            }, new BatchReports(() => batch!), stop);
            full.Add(batch, stop);
            batch = null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The measuring thread stopped (or was cancelled): it disposes what is left.
        }
        catch (Exception e) when (batch is not null)
        {
            batch.Failure = e;
            try { full.Add(batch, stop); }
            catch (OperationCanceledException) { }
        }
        finally
        {
            while (applied.Count > 0) applied.Dequeue().Dispose();
            // The measuring thread waits for batches until this says there are no more, whatever happened here.
            full.CompleteAdding();
        }

        // Hands the full batch to the measuring thread and takes a free one (waiting while too many are out).
        void Hand()
        {
            full.Add(batch!, stop);
            batch = null;
            batch = Take();
        }

        // A batch back from the measuring thread: its documents are disposed here, where they were parsed, one before
        // each new parse.
        Batch Take()
        {
            var taken = free.Take(stop);
            while (applied.Count > 0) applied.Dequeue().Dispose();
            foreach (var line in taken.Lines)
                if (line.Document is { } doc) applied.Enqueue(doc);
            taken.Lines.Clear();
            taken.Used = 0;
            return taken;
        }

        // A document refers to the bytes it was parsed from: a line that gets one is copied into the batch, which lives
        // until the measuring thread has applied it (the file reader reuses its buffer for the next line).
        ReadOnlyMemory<byte> Keep(ReadOnlyMemory<byte> line)
        {
            if (batch!.Bytes.Length - batch.Used < line.Length)
            {
                if (batch.Used > 0) Hand();
                if (batch!.Bytes.Length < line.Length)
                {
                    if (batch.Bytes.Length > 0) ArrayPool<byte>.Shared.Return(batch.Bytes);
                    batch.Bytes = ArrayPool<byte>.Shared.Rent(Math.Max(BatchBytes, line.Length));
                }
            }
            var copy = batch.Bytes.AsMemory(batch.Used, line.Length);
            line.CopyTo(copy);
            batch.Used += line.Length;
            return copy;
        }
    }

    /// <summary>What the file reader reports, queued with the lines (it runs on the producer's thread).</summary>
    private sealed class BatchReports(Func<Batch> current) : IDiagnostics
    {
        public void Warning(string message) => Add(d => d.Warning(message));
        public void Verbose(string message) => Add(d => d.Verbose(message));
        public void Error(EngineError error) => Add(d => d.Error(error));
        public void Progress(string activity, string status, int percentComplete) => Add(d => d.Progress(activity, status, percentComplete));
        private void Add(Action<IDiagnostics> report) => current().Lines.Add(new ParsedLine { Report = report });
    }
}
