namespace Mailsub.Runtime.Informers;

/// <summary>
/// Exponential backoff with jitter between reconnect attempts (client-go's reflector: 800 ms
/// doubling to 30 s). Pure: the caller waits.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, double jitter = 0.5, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private TimeSpan _next = initial;

    public TimeSpan Initial { get; } = initial;
    public TimeSpan Max { get; } = max;

    /// <summary>The delay before the next attempt: the current step plus up to <c>jitter</c> of it, capped.</summary>
    public TimeSpan Next()
    {
        var step = _next;
        _next = TimeSpan.FromTicks(Math.Min(Max.Ticks, step.Ticks * 2));
        var withJitter = step + TimeSpan.FromTicks((long)(step.Ticks * jitter * _random.NextDouble()));
        return withJitter > Max ? Max : withJitter;
    }

    public void Reset() => _next = Initial;
}
