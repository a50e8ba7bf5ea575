using Mailsub.Runtime.Rate;

namespace Mailsub.Runtime.Tests.Rate;

public sealed class ItemExponentialFailureRateLimiterTests
{
    [Fact]
    public void DoublesFromTheBaseDelayPerItem()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));
        Assert.Equal(3, limiter.NumRequeues("a"));
        Assert.Equal(1, limiter.NumRequeues("b"));
    }

    [Fact]
    public void IsCappedAtTheMaximumAndNeverOverflows()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var delays = Enumerable.Range(0, 200).Select(_ => limiter.When("a")).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(5 * 131072), delays[17]); // 655 s, still under the cap
        Assert.Equal(TimeSpan.FromSeconds(1000), delays[18]);
        Assert.All(delays.Skip(18), d => Assert.Equal(TimeSpan.FromSeconds(1000), d));
    }

    [Fact]
    public void ForgetStartsAgainFromTheBase()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        limiter.When("a");
        limiter.When("a");
        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(1), limiter.When("a"));
    }
}
