namespace Mailsub.Runtime.Rate;

public static class RateLimiters
{
    /// <summary>
    /// client-go's DefaultControllerRateLimiter: per-item backoff of 5 ms doubling to 1000 s,
    /// and 10 requeues per second overall with bursts of 100; the longer delay wins.
    /// </summary>
    public static IRateLimiter<T> DefaultController<T>(TimeProvider? timeProvider = null) where T : notnull =>
        new MaxOfRateLimiter<T>(
            new ItemExponentialFailureRateLimiter<T>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<T>(new TokenBucket(10, 100, timeProvider)));
}
