namespace Mailsub.Runtime.Queues;

/// <summary>
/// client-go's workqueue: a FIFO of distinct items. An item added while queued is not queued
/// twice; an item added while being processed is queued again only after <see cref="Done"/>, so
/// no two workers ever hold the same item. <see cref="ShutDown"/> stops it taking new work: adds
/// are ignored, queued items are dropped (the next leader relists them) and every
/// <see cref="GetAsync"/> returns <c>Shutdown = true</c>, while items in process may finish.
/// As client-go's queue metrics, it times how long an item waited (from the add that queued or
/// marked it to its hand-out) and how long it was processed (hand-out to <see cref="Done"/>).
/// </summary>
public class WorkQueue<T>(TimeProvider? timeProvider = null) where T : notnull
{
    private readonly Lock _sync = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Queue<T> _queue = new();
    private readonly Dictionary<T, long> _dirty = [];      // wants processing (queued, or re-added while processing), since when
    private readonly Dictionary<T, long> _processing = []; // handed out, since when
    private readonly LinkedList<TaskCompletionSource<(T, bool)>> _waiters = new();
    private bool _shuttingDown;
    private long _adds;

    /// <summary>Called as an item is handed out, with how long it waited since it was added (client-go's queue latency).</summary>
    public event Action<TimeSpan>? HandedOut;

    /// <summary>Called from <see cref="Done"/> with how long the item was processed (client-go's work duration).</summary>
    public event Action<TimeSpan>? Finished;

    /// <summary>Items queued and not yet handed out (the depth gauge).</summary>
    public int Depth
    {
        get
        {
            lock (_sync)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items handed out and not yet Done.</summary>
    public int Processing
    {
        get
        {
            lock (_sync)
            {
                return _processing.Count;
            }
        }
    }

    /// <summary>Adds that queued or marked an item (the adds counter; duplicates are not counted).</summary>
    public long AddsTotal => Interlocked.Read(ref _adds);

    /// <summary>
    /// Processing time of the items handed out and not yet Done: the sum and the longest, as
    /// client-go's unfinished-work and longest-running-processor gauges.
    /// </summary>
    public (TimeSpan Total, TimeSpan Longest) UnfinishedWork()
    {
        var now = _time.GetTimestamp();
        lock (_sync)
        {
            var (total, longest) = (TimeSpan.Zero, TimeSpan.Zero);
            foreach (var started in _processing.Values)
            {
                var running = _time.GetElapsedTime(started, now);
                total += running;
                longest = running > longest ? running : longest;
            }
            return (total, longest);
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource<(T, bool)>? waiter = null;
        TimeSpan waited = default;
        lock (_sync)
        {
            if (_shuttingDown || !_dirty.TryAdd(item, _time.GetTimestamp()))
            {
                return;
            }
            _adds++;
            if (_processing.ContainsKey(item))
            {
                return; // queued again by Done
            }
            waiter = HandOffOrEnqueue(item, ref waited);
        }
        HandOver(waiter, item, waited);
    }

    /// <summary>
    /// Gives a ready item straight to the longest waiter (marked processing), or queues it when
    /// nobody waits. The caller holds the lock and hands the item to the returned waiter outside it.
    /// </summary>
    private TaskCompletionSource<(T, bool)>? HandOffOrEnqueue(T item, ref TimeSpan waited)
    {
        if (_waiters.First is not { } first)
        {
            _queue.Enqueue(item);
            return null;
        }
        _waiters.RemoveFirst();
        waited = StartProcessing(item);
        return first.Value;
    }

    /// <summary>Marks a dirty item processing; returns how long it waited. The caller holds the lock.</summary>
    private TimeSpan StartProcessing(T item)
    {
        var now = _time.GetTimestamp();
        _dirty.Remove(item, out var added);
        _processing.Add(item, now);
        return _time.GetElapsedTime(added, now);
    }

    /// <summary>Outside the lock: completes the waiter (its continuation runs asynchronously) and reports the wait.</summary>
    private void HandOver(TaskCompletionSource<(T, bool)>? waiter, T item, TimeSpan waited)
    {
        if (waiter is null)
        {
            return;
        }
        waiter.TrySetResult((item, false));
        HandedOut?.Invoke(waited);
    }

    /// <summary>
    /// Waits for the next item. Call <see cref="Done"/> with it when finished. Returns
    /// <c>Shutdown = true</c> (and no item) once the queue is shut down.
    /// </summary>
    public Task<(T Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken)
    {
        T? item;
        TimeSpan waited = default;
        TaskCompletionSource<(T, bool)>? waiter = null;
        LinkedListNode<TaskCompletionSource<(T, bool)>>? node = null;
        lock (_sync)
        {
            if (_queue.TryDequeue(out item))
            {
                waited = StartProcessing(item);
            }
            else if (_shuttingDown)
            {
                return Task.FromResult((default(T)!, true));
            }
            else if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<(T, bool)>(cancellationToken);
            }
            else
            {
                waiter = new TaskCompletionSource<(T, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
                node = _waiters.AddLast(waiter);
            }
        }
        if (waiter is null)
        {
            HandedOut?.Invoke(waited);
            return Task.FromResult((item!, false));
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_sync)
                {
                    if (node!.List is null)
                    {
                        return; // already handed an item or shut down
                    }
                    _waiters.Remove(node);
                }
                waiter.TrySetCanceled(cancellationToken);
            });
            waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return waiter.Task;
    }

    /// <summary>Marks an item finished; if it was added meanwhile, it is queued again now.</summary>
    public void Done(T item)
    {
        TaskCompletionSource<(T, bool)>? waiter = null;
        TimeSpan worked, waited = default;
        lock (_sync)
        {
            if (!_processing.Remove(item, out var started))
            {
                return;
            }
            worked = _time.GetElapsedTime(started);
            if (_dirty.ContainsKey(item))
            {
                waiter = HandOffOrEnqueue(item, ref waited);
            }
        }
        Finished?.Invoke(worked);
        HandOver(waiter, item, waited);
    }

    /// <summary>
    /// Stops the queue: later adds are ignored, queued items are dropped, waiting and later
    /// <see cref="GetAsync"/> calls return <c>Shutdown = true</c>. Items being processed may
    /// still be marked <see cref="Done"/>.
    /// </summary>
    public virtual void ShutDown()
    {
        List<TaskCompletionSource<(T, bool)>> waiters;
        lock (_sync)
        {
            _shuttingDown = true;
            _queue.Clear();
            _dirty.Clear();
            waiters = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult((default!, true));
        }
    }
}
