namespace Mailsub.Runtime.Rate;

/// <summary>
/// An overall rate limit shared by all items, client-go's BucketRateLimiter: every
/// <see cref="When"/> takes a token. Keeps no per-item state.
/// </summary>
public sealed class BucketRateLimiter<T>(TokenBucket bucket) : IRateLimiter<T>
{
    public TokenBucket Bucket { get; } = bucket;

    public TimeSpan When(T item) => Bucket.Reserve();

    public void Forget(T item)
    {
    }

    public int NumRequeues(T item) => 0;
}
