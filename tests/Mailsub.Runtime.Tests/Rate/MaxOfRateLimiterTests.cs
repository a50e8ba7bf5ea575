using Mailsub.Runtime.Rate;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.Rate;

public sealed class MaxOfRateLimiterTests
{
    [Fact]
    public void TakesTheLongestDelayAndForgetsEverywhere()
    {
        var time = new FakeTimeProvider();
        var exponential = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var bucket = new BucketRateLimiter<string>(new TokenBucket(1, 1, time));
        var limiter = new MaxOfRateLimiter<string>(exponential, bucket);

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));  // token there; backoff 5 ms
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.When("a"));       // bucket empty: 1 s beats 10 ms
        Assert.Equal(2, limiter.NumRequeues("a"));
        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
    }

    [Fact]
    public void TheDefaultControllerLimiterIsClientGos()
    {
        var time = new FakeTimeProvider();
        var limiter = RateLimiters.DefaultController<string>(time);

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
        for (var i = 0; i < 98; i++)
        {
            limiter.When("key" + i); // the rest of the burst of 100
        }
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("fresh")); // 10 qps: the bucket decides
        for (var i = 0; i < 30; i++)
        {
            limiter.When("a");
        }
        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When("a"));
    }
}
