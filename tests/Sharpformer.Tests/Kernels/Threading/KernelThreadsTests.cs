using Sharpformer.Kernels;

namespace Sharpformer.Tests.Kernels;

/// <summary>Tests that change <see cref="KernelThreads.Count"/> run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelThreadsCollection
{
    public const string Name = "KernelThreads";
}

/// <summary>Sets <see cref="KernelThreads.Count"/> for the duration of a test and restores it afterwards.</summary>
internal sealed class ThreadCount : IDisposable
{
    private readonly int previous = KernelThreads.Count;

    public ThreadCount(int threads) => KernelThreads.SetCount(threads);

    public void Dispose() => KernelThreads.SetCount(previous);
}

[Collection(KernelThreadsCollection.Name)]
public sealed class KernelThreadsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Every_index_runs_exactly_once()
    {
        using var _ = new ThreadCount(2);
        for (int round = 0; round < 200; round++)
        {
            var body = new CountingBody(new int[37]);
            KernelThreads.For(body.Hits.Length, ref body);
            Assert.All(body.Hits, hits => Assert.Equal(1, hits));
        }
    }

    [Fact]
    public void An_exception_in_an_item_reaches_the_caller_and_the_pool_keeps_working()
    {
        using var _ = new ThreadCount(2);
        var throwing = new ThrowingBody(5);
        var error = Assert.Throws<InvalidOperationException>(() => KernelThreads.For(64, ref throwing));
        Assert.Equal("item 5", error.Message);

        var body = new CountingBody(new int[64]);
        KernelThreads.For(body.Hits.Length, ref body);
        Assert.All(body.Hits, hits => Assert.Equal(1, hits));
    }

    [Fact]
    public async Task Nested_loops_run_serially_inside_the_outer_loop_without_deadlock()
    {
        using var _ = new ThreadCount(2);
        var body = new NestedBody(new int[8 * 16]);
        await Task.Run(() => KernelThreads.For(8, ref body)).WaitAsync(Timeout);
        Assert.All(body.Hits, hits => Assert.Equal(1, hits));
    }

    [Fact]
    public async Task Concurrent_callers_on_user_threads_all_complete()
    {
        using var _ = new ThreadCount(2);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int round = 0; round < 100; round++)
            {
                var body = new CountingBody(new int[21]);
                KernelThreads.For(body.Hits.Length, ref body);
                Assert.All(body.Hits, hits => Assert.Equal(1, hits));
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Timeout);
    }

    [Fact]
    public void A_count_of_one_runs_every_item_on_the_calling_thread()
    {
        using var _ = new ThreadCount(1);
        var body = new ThreadRecordingBody(new int[10]);
        KernelThreads.For(body.ThreadIds.Length, ref body);
        Assert.All(body.ThreadIds, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelThreads.SetCount(0));
    }

    private readonly struct CountingBody(int[] hits) : IParallelBody
    {
        public int[] Hits { get; } = hits;

        public void Invoke(int index) => Interlocked.Increment(ref Hits[index]);
    }

    private readonly struct ThrowingBody(int failing) : IParallelBody
    {
        public void Invoke(int index)
        {
            if (index == failing)
            {
                throw new InvalidOperationException($"item {index}");
            }

            Thread.SpinWait(100);
        }
    }

    private readonly struct NestedBody(int[] hits) : IParallelBody
    {
        public int[] Hits { get; } = hits;

        public void Invoke(int index)
        {
            var inner = new OffsetBody(Hits, index * 16);
            KernelThreads.For(16, ref inner);
        }
    }

    private readonly struct OffsetBody(int[] hits, int offset) : IParallelBody
    {
        public void Invoke(int index) => Interlocked.Increment(ref hits[offset + index]);
    }

    private readonly struct ThreadRecordingBody(int[] threadIds) : IParallelBody
    {
        public int[] ThreadIds { get; } = threadIds;

        public void Invoke(int index) => ThreadIds[index] = Environment.CurrentManagedThreadId;
    }
}
