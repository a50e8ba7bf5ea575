namespace Mailsub.Runtime.Rate;

/// <summary>
/// A token bucket, as golang.org/x/time/rate's Limiter: <see cref="Limit"/> tokens per second
/// refill a bucket of <see cref="Burst"/>; it starts full. <see cref="Reserve"/> always takes a
/// token, possibly going into debt, and returns how long to wait before using it.
/// </summary>
public sealed class TokenBucket
{
    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private DateTimeOffset _last;

    public TokenBucket(double limit, int burst, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        Limit = limit;
        Burst = burst;
        _time = timeProvider ?? TimeProvider.System;
        _tokens = burst;
        _last = _time.GetUtcNow();
    }

    public double Limit { get; }
    public int Burst { get; }

    /// <summary>Takes one token; returns the wait until it is really there (zero if it is).</summary>
    public TimeSpan Reserve()
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            var last = now < _last ? now : _last;
            var tokens = Math.Min(Burst, _tokens + (now - last).TotalSeconds * Limit);
            tokens -= 1;
            _tokens = tokens;
            _last = now;
            return tokens < 0 ? TimeSpan.FromSeconds(-tokens / Limit) : TimeSpan.Zero;
        }
    }
}
