namespace Mailsub.Runtime.Rate;

/// <summary>client-go's workqueue.RateLimiter: how long an item waits before its next try.</summary>
public interface IRateLimiter<T>
{
    /// <summary>The delay before <paramref name="item"/> is processed again; counts a failure.</summary>
    TimeSpan When(T item);

    /// <summary>Forgets the item's failures (after a success).</summary>
    void Forget(T item);

    /// <summary>How many times the item has been rate-limited since it was last forgotten.</summary>
    int NumRequeues(T item);
}
