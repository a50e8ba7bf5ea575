namespace Mailsub.Runtime.Rate;

/// <summary>
/// Per-item exponential backoff, client-go's ItemExponentialFailureRateLimiter:
/// <c>baseDelay * 2^failures</c>, capped at <c>maxDelay</c> (and on overflow).
/// </summary>
public sealed class ItemExponentialFailureRateLimiter<T>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<T> where T : notnull
{
    private readonly Lock _sync = new();
    private readonly Dictionary<T, int> _failures = [];

    public TimeSpan BaseDelay { get; } = baseDelay;
    public TimeSpan MaxDelay { get; } = maxDelay;

    public TimeSpan When(T item)
    {
        int exp;
        lock (_sync)
        {
            _failures.TryGetValue(item, out exp);
            _failures[item] = exp + 1;
        }
        var backoff = BaseDelay.Ticks * Math.Pow(2, exp);
        return backoff >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)backoff);
    }

    public void Forget(T item)
    {
        lock (_sync)
        {
            _failures.Remove(item);
        }
    }

    public int NumRequeues(T item)
    {
        lock (_sync)
        {
            return _failures.GetValueOrDefault(item);
        }
    }
}
