using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Sharpformer.Kernels;

/// <summary>
/// A persistent pool of worker threads shared by all compute kernels; parallel loops reuse parked workers
/// so a call neither starts threads nor allocates.
/// </summary>
public static unsafe class KernelThreads
{
    private const long ClosedBit = 1L << 31;
    private const long ActiveMask = ClosedBit - 1;
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // ~50 µs before parking.

    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly ManualResetEventSlim Done = new(false);
    private static int count = DefaultCount();
    private static int workerCount;
    private static int busy;
    private static int sleeping;

    // The published job: generation in the high 32 bits, a closed flag, and the number of joined workers.
    private static long job;
    private static delegate*<void*, int, void> jobInvoke;
    private static void* jobBody;
    private static int jobItems;
    private static int jobParticipants;
    private static int nextItem;
    private static Exception? jobError;

    [ThreadStatic]
    private static bool insideLoop;

    /// <summary>
    /// Gets the number of threads (including the caller) that parallel loops use: the SHARPFORMER_THREADS environment
    /// variable when set, else <see cref="Environment.ProcessorCount"/>, until <see cref="SetCount"/> changes it.
    /// </summary>
    public static int Count => count;

    /// <summary>Gets the number of threads a loop started from the current thread would use; 1 inside a loop body.</summary>
    internal static int AvailableThreads => insideLoop ? 1 : count;

    /// <summary>Sets the number of threads parallel loops use; 1 makes every loop serial.</summary>
    public static void SetCount(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Volatile.Write(ref count, threads);
    }

    /// <summary>
    /// Sets the thread count to <paramref name="threads"/> until the returned scope is disposed, then restores the
    /// previous count: <c>using (KernelThreads.Use(1)) { ... }</c> times a serial run inside a multi-threaded program.
    /// </summary>
    public static IDisposable Use(int threads)
    {
        var scope = new CountScope(count);
        SetCount(threads);
        return scope;
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every index in [0, <paramref name="itemCount"/>) on the calling thread and the
    /// workers, returning when all items are done; the first exception thrown by an item is rethrown here.
    /// Nested calls, and calls made while another thread's loop is running, run serially on the calling thread.
    /// </summary>
    public static void For<TBody>(int itemCount, ref TBody body)
        where TBody : struct, IParallelBody
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        int threads = Math.Min(count, itemCount);
        if (threads <= 1 || insideLoop || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (int i = 0; i < itemCount; i++)
            {
                body.Invoke(i);
            }

            return;
        }

        try
        {
            EnsureWorkers(threads - 1);
            TBody local = body;
            Exception? error = Run(&InvokeBody<TBody>, Unsafe.AsPointer(ref local), itemCount, threads - 1);
            body = local;
            if (error is not null)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    private static void InvokeBody<TBody>(void* body, int index)
        where TBody : struct, IParallelBody
        => Unsafe.AsRef<TBody>(body).Invoke(index);

    private static Exception? Run(delegate*<void*, int, void> invoke, void* body, int items, int workers)
    {
        jobInvoke = invoke;
        jobBody = body;
        jobItems = items;
        jobParticipants = workers;
        nextItem = 0;
        jobError = null;
        Done.Reset();
        long generation = (Volatile.Read(ref job) >> 32) + 1;
        Interlocked.Exchange(ref job, generation << 32);
        int sleepers = Volatile.Read(ref sleeping);
        if (sleepers > 0)
        {
            Wake.Release(sleepers);
        }

        insideLoop = true;
        try
        {
            WorkItems();
        }
        finally
        {
            insideLoop = false;
        }

        // All items are claimed: close the job so late workers skip it; if workers are still inside, the last one
        // to leave signals Done (spin-then-block, so a contended core is not burnt waiting).
        if ((Interlocked.Or(ref job, ClosedBit) & ActiveMask) != 0)
        {
            Done.Wait();
        }

        Exception? error = jobError;
        jobError = null;
        jobBody = null;
        return error;
    }

    private static void WorkItems()
    {
        var invoke = jobInvoke;
        void* body = jobBody;
        int items = jobItems;
        try
        {
            int i;
            while ((i = Interlocked.Increment(ref nextItem) - 1) < items)
            {
                invoke(body, i);
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref jobError, e, null);
            Volatile.Write(ref nextItem, items);
        }
    }

    private static void EnsureWorkers(int needed)
    {
        while (workerCount < needed)
        {
            long generation = Volatile.Read(ref job) >> 32;
            var thread = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"Sharpformer kernel worker {workerCount}",
            };
            thread.Start((workerCount, generation));
            workerCount++;
        }
    }

    private static void WorkerLoop(object? state)
    {
        (int id, long seen) = ((int, long))state!;
        insideLoop = true;
        while (true)
        {
            seen = WaitForJob(seen);
            if (TryJoin(seen))
            {
                if (id < jobParticipants)
                {
                    WorkItems();
                }

                long left = Interlocked.Decrement(ref job);
                if ((left & ActiveMask) == 0 && (left & ClosedBit) != 0)
                {
                    Done.Set();
                }
            }
        }
    }

    private static bool TryJoin(long generation)
    {
        while (true)
        {
            long state = Volatile.Read(ref job);
            if ((state >> 32) != generation || (state & ClosedBit) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref job, state + 1, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>Spins briefly for a job newer than <paramref name="seen"/>, then parks on the semaphore.</summary>
    private static long WaitForJob(long seen)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (true)
        {
            long generation = Volatile.Read(ref job) >> 32;
            if (generation != seen)
            {
                return generation;
            }

            if (Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(20);
                continue;
            }

            Interlocked.Increment(ref sleeping);
            if ((Volatile.Read(ref job) >> 32) == seen)
            {
                Wake.Wait();
            }

            Interlocked.Decrement(ref sleeping);
            deadline = Stopwatch.GetTimestamp() + SpinTicks;
        }
    }

    private sealed class CountScope(int previous) : IDisposable
    {
        public void Dispose() => SetCount(previous);
    }

    private static int DefaultCount()
    {
        string? value = Environment.GetEnvironmentVariable("SHARPFORMER_THREADS");
        return int.TryParse(value, out int threads) && threads > 0 ? threads : Environment.ProcessorCount;
    }
}
