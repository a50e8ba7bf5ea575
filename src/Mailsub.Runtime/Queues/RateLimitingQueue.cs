using Mailsub.Runtime.Rate;

namespace Mailsub.Runtime.Queues;

/// <summary>
/// client-go's rate-limiting queue: <see cref="AddRateLimited"/> re-adds an item after the
/// limiter's delay (a retry); <see cref="Forget"/> clears its backoff after a success.
/// </summary>
public class RateLimitingQueue<T>(IRateLimiter<T> rateLimiter, TimeProvider? timeProvider = null)
    : DelayingQueue<T>(timeProvider) where T : notnull
{
    public IRateLimiter<T> RateLimiter { get; } = rateLimiter;

    public void AddRateLimited(T item) => AddAfter(item, RateLimiter.When(item));

    public void Forget(T item) => RateLimiter.Forget(item);

    public int NumRequeues(T item) => RateLimiter.NumRequeues(item);
}
