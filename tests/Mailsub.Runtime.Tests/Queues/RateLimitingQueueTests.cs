using Mailsub.Runtime.Queues;
using Mailsub.Runtime.Rate;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.Queues;

public sealed class RateLimitingQueueTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AddRateLimitedWaitsTheLimitersGrowingBackoff()
    {
        using var queue = new RateLimitingQueue<string>(
            new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)), _time);

        queue.AddRateLimited("a");
        Assert.Equal(1, queue.NumRequeues("a"));
        _time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, queue.Depth);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Depth);

        queue.AddRateLimited("a"); // still queued: the 10 ms wait is irrelevant, it is not queued twice
        Assert.Equal(2, queue.NumRequeues("a"));
        Assert.Equal(2, queue.RetriesTotal);
    }

    [Fact]
    public void ForgetResetsTheBackoff()
    {
        using var queue = new RateLimitingQueue<string>(
            new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)), _time);
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));
    }
}
