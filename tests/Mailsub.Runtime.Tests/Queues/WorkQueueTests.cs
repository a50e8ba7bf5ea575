using Mailsub.Runtime.Queues;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.Queues;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task HandsOutItemsInOrderWithoutDuplicates()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Depth);
        Assert.Equal(2, queue.AddsTotal);
        Assert.Equal(("a", false), await queue.GetAsync(default));
        Assert.Equal(("b", false), await queue.GetAsync(default));
        Assert.Equal(0, queue.Depth);
        Assert.Equal(2, queue.Processing);
    }

    [Fact]
    public async Task AnItemAddedWhileProcessingIsQueuedAgainOnlyAfterDone()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        var (item, _) = await queue.GetAsync(default);

        queue.Add("a");
        queue.Add("a");
        Assert.Equal(0, queue.Depth); // not handed to a second worker while the first holds it
        var second = queue.GetAsync(default);
        Assert.False(second.IsCompleted);

        queue.Done(item);
        Assert.Equal(("a", false), await second.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task DoneWithoutReAddDoesNotQueueAgain()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        var (item, _) = await queue.GetAsync(default);
        queue.Done(item);
        Assert.Equal(0, queue.Depth);
        Assert.Equal(0, queue.Processing);
    }

    [Fact]
    public async Task AWaitingWorkerGetsTheNextAdd()
    {
        var queue = new WorkQueue<string>();
        var waiting = queue.GetAsync(default);
        Assert.False(waiting.IsCompleted);
        queue.Add("x");
        Assert.Equal(("x", false), await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, queue.Processing);
    }

    [Fact]
    public async Task TimesEachItemsWaitAndWorkAndTheWorkInProgress()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue<string>(time);
        var (waits, works) = (new List<double>(), new List<double>());
        queue.HandedOut += w => waits.Add(w.TotalSeconds);
        queue.Finished += w => works.Add(w.TotalSeconds);

        queue.Add("a");
        time.Advance(TimeSpan.FromSeconds(2));
        var (a, _) = await queue.GetAsync(default);
        time.Advance(TimeSpan.FromSeconds(3));
        queue.Add("b");
        time.Advance(TimeSpan.FromSeconds(1));
        var (b, _) = await queue.GetAsync(default);
        Assert.Equal([2, 1], waits);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((TimeSpan.FromSeconds(5 + 1), TimeSpan.FromSeconds(5)), queue.UnfinishedWork());

        queue.Done(a);
        Assert.Equal([5], works);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), queue.UnfinishedWork());
        queue.Done(b);
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), queue.UnfinishedWork());
    }

    [Fact]
    public async Task AnItemReAddedWhileProcessingWaitsFromItsReAdd()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue<string>(time);
        var waits = new List<double>();
        queue.HandedOut += w => waits.Add(w.TotalSeconds);
        queue.Add("a");
        var (a, _) = await queue.GetAsync(default);
        time.Advance(TimeSpan.FromSeconds(1));
        queue.Add("a");
        time.Advance(TimeSpan.FromSeconds(2));
        queue.Done(a);
        time.Advance(TimeSpan.FromSeconds(1));
        await queue.GetAsync(default);

        var waiting = queue.GetAsync(default); // handed straight to a waiting worker: no wait
        queue.Add("b");
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([0, 3, 0], waits);
    }

    [Fact]
    public async Task ShutDownReleasesWaitersDropsQueuedItemsAndIgnoresAdds()
    {
        var queue = new WorkQueue<string>();
        var waiting = queue.GetAsync(default);
        queue.ShutDown();
        Assert.True((await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Shutdown);

        queue.Add("late");
        Assert.Equal(0, queue.Depth);
        Assert.True((await queue.GetAsync(default)).Shutdown);
    }

    [Fact]
    public async Task ShutDownLetsItemsInProcessFinish()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("b");
        var (a, _) = await queue.GetAsync(default);
        queue.ShutDown();

        Assert.True((await queue.GetAsync(default)).Shutdown); // "b" is not handed out
        queue.Done(a);
        Assert.Equal(0, queue.Processing);
    }

    [Fact]
    public async Task ACancelledGetDoesNotSwallowAnItem()
    {
        var queue = new WorkQueue<string>();
        using var cts = new CancellationTokenSource();
        var cancelled = queue.GetAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        queue.Add("a");
        Assert.Equal(1, queue.Depth);
        Assert.Equal(("a", false), await queue.GetAsync(default));
    }

    [Fact]
    public async Task ConcurrentWorkersNeverHoldTheSameItem()
    {
        var queue = new WorkQueue<int>();
        var holding = new int[10];
        var violations = 0;
        var processed = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (item, shutdown) = await queue.GetAsync(default);
                if (shutdown)
                {
                    return;
                }
                if (Interlocked.Increment(ref holding[item]) != 1)
                {
                    Interlocked.Increment(ref violations);
                }
                await Task.Yield();
                Interlocked.Decrement(ref holding[item]);
                Interlocked.Increment(ref processed);
                queue.Done(item);
            }
        })).ToArray();

        for (var round = 0; round < 2000; round++)
        {
            queue.Add(round % 10);
            if (round % 50 == 0)
            {
                await Task.Yield();
            }
        }
        await Eventually.TrueAsync(() => queue.Depth == 0 && queue.Processing == 0, TimeSpan.FromSeconds(10), "queue drained");
        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, violations);
        Assert.InRange(processed, 10, 2000);
    }
}
