namespace Mailsub.Runtime.Queues;

/// <summary>
/// client-go's workqueue: a FIFO of distinct items. An item added while queued is not queued
/// twice; an item added while being processed is queued again only after <see cref="Done"/>, so
/// no two workers ever hold the same item. <see cref="ShutDown"/> stops it taking new work: adds
/// are ignored, queued items are dropped (the next leader relists them) and every
/// <see cref="GetAsync"/> returns <c>Shutdown = true</c>, while items in process may finish.
/// </summary>
public class WorkQueue<T> where T : notnull
{
    private readonly Lock _sync = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];      // wants processing (queued, or re-added while processing)
    private readonly HashSet<T> _processing = [];
    private readonly LinkedList<TaskCompletionSource<(T, bool)>> _waiters = new();
    private bool _shuttingDown;
    private long _adds;

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

    public bool ShuttingDown
    {
        get
        {
            lock (_sync)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource<(T, bool)>? waiter = null;
        lock (_sync)
        {
            if (_shuttingDown || !_dirty.Add(item))
            {
                return;
            }
            _adds++;
            if (_processing.Contains(item))
            {
                return; // queued again by Done
            }
            waiter = HandOffOrEnqueue(item);
        }
        waiter?.TrySetResult((item, false)); // continuations run asynchronously, outside the lock
    }

    /// <summary>
    /// Gives a ready item straight to the longest waiter (marked processing), or queues it when
    /// nobody waits. The caller holds the lock and completes the returned waiter outside it.
    /// </summary>
    private TaskCompletionSource<(T, bool)>? HandOffOrEnqueue(T item)
    {
        if (_waiters.First is not { } first)
        {
            _queue.Enqueue(item);
            return null;
        }
        _waiters.RemoveFirst();
        _dirty.Remove(item);
        _processing.Add(item);
        return first.Value;
    }

    /// <summary>
    /// Waits for the next item. Call <see cref="Done"/> with it when finished. Returns
    /// <c>Shutdown = true</c> (and no item) once the queue is shut down.
    /// </summary>
    public Task<(T Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<(T, bool)> waiter;
        LinkedListNode<TaskCompletionSource<(T, bool)>> node;
        lock (_sync)
        {
            if (_queue.TryDequeue(out var item))
            {
                _dirty.Remove(item);
                _processing.Add(item);
                return Task.FromResult((item, false));
            }
            if (_shuttingDown)
            {
                return Task.FromResult((default(T)!, true));
            }
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<(T, bool)>(cancellationToken);
            }
            waiter = new TaskCompletionSource<(T, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_sync)
                {
                    if (node.List is null)
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
        return waiter.Task!;
    }

    /// <summary>Marks an item finished; if it was added meanwhile, it is queued again now.</summary>
    public void Done(T item)
    {
        TaskCompletionSource<(T, bool)>? waiter = null;
        lock (_sync)
        {
            if (!_processing.Remove(item) || !_dirty.Contains(item))
            {
                return;
            }
            waiter = HandOffOrEnqueue(item);
        }
        waiter?.TrySetResult((item, false));
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
