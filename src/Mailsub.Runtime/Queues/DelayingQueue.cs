namespace Mailsub.Runtime.Queues;

/// <summary>
/// client-go's delaying queue: <see cref="AddAfter"/> adds an item once a delay has passed. An
/// item already waiting keeps the earlier of its two ready times. One timer (from the
/// <see cref="TimeProvider"/>, so tests can drive time) fires for the earliest item.
/// </summary>
public class DelayingQueue<T> : WorkQueue<T>, IDisposable where T : notnull
{
    private long _retries;
    private readonly Lock _delaySync = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<T, DateTimeOffset> _waiting = [];
    private readonly PriorityQueue<T, DateTimeOffset> _heap = new();
    private readonly ITimer _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;
    private bool _stopped;

    public DelayingQueue(TimeProvider? timeProvider = null) : base(timeProvider)
    {
        _time = timeProvider ?? TimeProvider.System;
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    protected TimeProvider Time => _time;

    /// <summary>Items waiting for their delay to pass.</summary>
    public int Waiting
    {
        get
        {
            lock (_delaySync)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Adds with a delay (rate-limited retries, requeue-after): the retries counter, as
    /// controller-runtime counts them.
    /// </summary>
    public long RetriesTotal => Interlocked.Read(ref _retries);

    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }
        lock (_delaySync)
        {
            if (_stopped)
            {
                return;
            }
            _retries++;
            var readyAt = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(item, out var existing) && existing <= readyAt)
            {
                return;
            }
            _waiting[item] = readyAt;
            _heap.Enqueue(item, readyAt); // an older entry for the item is skipped when it surfaces
            ScheduleLocked();
        }
    }

    public override void ShutDown()
    {
        lock (_delaySync)
        {
            _stopped = true;
            _waiting.Clear();
            _heap.Clear();
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        base.ShutDown();
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
        GC.SuppressFinalize(this);
    }

    private void OnTimer()
    {
        List<T>? ready = null;
        lock (_delaySync)
        {
            _timerDue = DateTimeOffset.MaxValue;
            var now = _time.GetUtcNow();
            while (_heap.TryPeek(out var item, out var at) && at <= now)
            {
                _heap.Dequeue();
                if (_waiting.TryGetValue(item, out var wanted) && wanted == at)
                {
                    _waiting.Remove(item);
                    (ready ??= []).Add(item);
                }
            }
            ScheduleLocked();
        }
        if (ready is not null)
        {
            foreach (var item in ready)
            {
                Add(item);
            }
        }
    }

    private void ScheduleLocked()
    {
        // Drop stale heads (an item whose ready time was moved earlier).
        while (_heap.TryPeek(out var item, out var at) && (!_waiting.TryGetValue(item, out var wanted) || wanted != at))
        {
            _heap.Dequeue();
        }
        if (_stopped || !_heap.TryPeek(out _, out var next) || next >= _timerDue)
        {
            return;
        }
        _timerDue = next;
        var due = next - _time.GetUtcNow();
        _timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }
}
