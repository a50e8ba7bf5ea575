using Mailsub.Runtime.Queues;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.Queues;

public sealed class DelayingQueueTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AddAfterQueuesOnlyOnceTheDelayHasPassed()
    {
        using var queue = new DelayingQueue<string>(_time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));

        Assert.Equal(0, queue.Depth);
        Assert.Equal(1, queue.Waiting);
        _time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal(0, queue.Depth);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Depth);
        Assert.Equal(0, queue.Waiting);
    }

    [Fact]
    public void ANonPositiveDelayAddsAtOnce()
    {
        using var queue = new DelayingQueue<string>(_time);
        queue.AddAfter("a", TimeSpan.Zero);
        queue.AddAfter("b", TimeSpan.FromSeconds(-1));
        Assert.Equal(2, queue.Depth);
        Assert.Equal(0, queue.RetriesTotal); // only an add with a delay is a retry
    }

    [Fact]
    public void EveryAddWithADelayCountsAsARetry()
    {
        using var queue = new DelayingQueue<string>(_time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(30)); // ignored for the queue, counted as controller-runtime does
        queue.AddAfter("b", TimeSpan.FromMilliseconds(5));
        Assert.Equal(3, queue.RetriesTotal);
        queue.ShutDown();
        queue.AddAfter("c", TimeSpan.FromSeconds(1));
        Assert.Equal(3, queue.RetriesTotal);
    }

    [Fact]
    public void TheEarlierReadyTimeWins()
    {
        using var queue = new DelayingQueue<string>(_time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(2));  // earlier: replaces
        queue.AddAfter("a", TimeSpan.FromSeconds(30)); // later: ignored

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, queue.Depth);
        Assert.Equal(0, queue.Waiting);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, queue.Depth); // the superseded entries do not add it twice
        Assert.Equal(1, queue.AddsTotal);
    }

    [Fact]
    public async Task ItemsBecomeReadyInTimeOrder()
    {
        using var queue = new DelayingQueue<string>(_time);
        queue.AddAfter("late", TimeSpan.FromSeconds(3));
        queue.AddAfter("early", TimeSpan.FromSeconds(1));
        queue.AddAfter("middle", TimeSpan.FromSeconds(2));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("early", (await queue.GetAsync(default)).Item);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("middle", (await queue.GetAsync(default)).Item);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("late", (await queue.GetAsync(default)).Item);
    }

    [Fact]
    public void ShutDownDropsWaitingItems()
    {
        using var queue = new DelayingQueue<string>(_time);
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.ShutDown();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, queue.Depth);
        Assert.Equal(0, queue.Waiting);
    }
}
