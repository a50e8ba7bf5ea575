using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;
using Mailsub.Runtime.Watching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mailsub.Runtime.Informers;

/// <summary>Which objects an informer follows, and its timing.</summary>
public sealed record InformerOptions
{
    /// <summary>Null: all namespaces.</summary>
    public string? Namespace { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }

    /// <summary>Each watch asks the server to end it after a random time in [this, 2 x this) (client-go: 5 min).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A watch silent this much longer than its server timeout is aborted as dead.</summary>
    public TimeSpan InactivityMargin { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// List-then-watch for one kind, as client-go's reflector and YARP's ResourceInformer: lists
/// (paged), then watches from the list's resourceVersion, resuming each new watch from the last
/// version seen, bookmarks included. On 410 (Expired) it relists and, by diffing the new list
/// against the cache, reports what changed while it was blind as updates and deletes. Any other
/// failure (API server down, connection reset, stalled stream) is retried with backoff forever.
/// The cache (<see cref="Store"/>) is what reconcilers read.
/// </summary>
public sealed class Informer<T> where T : class
{
    private readonly ResourceKind<T> _kind;
    private readonly InformerOptions _options;
    private readonly Lister<T> _lister;
    private readonly Watcher<T> _watcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private InformerHandler<T>[] _handlers = [];
    private long _lists, _expirations, _errors;
    private volatile string? _resourceVersion;

    public Informer(ApiConnection connection, ResourceKind<T> kind, InformerOptions? options = null,
        ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _kind = kind;
        _options = options ?? new InformerOptions();
        _lister = new Lister<T>(connection, kind);
        _watcher = new Watcher<T>(connection, kind);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Store = new ObjectStore<T>(kind);
    }

    public ResourceKind<T> Kind => _kind;
    public ObjectStore<T> Store { get; }

    /// <summary>True once the first list is in the cache and its handlers have run.</summary>
    public bool HasSynced => _synced.Task.IsCompletedSuccessfully;

    /// <summary>The version the next watch resumes from.</summary>
    public string? LastResourceVersion => _resourceVersion;

    /// <summary>Completed lists (the first, and each relist).</summary>
    public long ListCount => Interlocked.Read(ref _lists);

    /// <summary>410 Expired answers (each led to a relist).</summary>
    public long ExpiredCount => Interlocked.Read(ref _expirations);

    /// <summary>Failed lists or watches (each retried after backoff).</summary>
    public long ErrorCount => Interlocked.Read(ref _errors);

    /// <summary>
    /// Trims each object before it is cached (client-go's SetTransform), e.g. keep only a Secret's
    /// metadata and a hash of its data. Runs after apiVersion/kind are set and managedFields dropped.
    /// </summary>
    public Action<T>? Transform { get; init; }

    /// <summary>Adds handlers; add them before <see cref="RunAsync"/> so they see the first list.</summary>
    public void AddHandler(InformerHandler<T> handler)
    {
        InformerHandler<T>[] current, next;
        do
        {
            current = _handlers;
            next = [.. current, handler];
        }
        while (Interlocked.CompareExchange(ref _handlers, next, current) != current);
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(_options.InitialBackoff, _options.MaxBackoff);
        var needList = true;
        var what = _kind.Resource.ToString();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                }
                await WatchAsync(backoff, cancellationToken).ConfigureAwait(false);
                continue; // the server ended the watch: resume from the last version
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (KubeGoneException ex)
            {
                Interlocked.Increment(ref _expirations);
                _logger.LogInformation("{Resource}: resourceVersion {ResourceVersion} expired ({Reason}); relisting", what, _resourceVersion, ex.Reason);
                if (!needList)
                {
                    needList = true;
                    continue; // relist at once; a failing relist backs off below
                }
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _errors);
                _logger.LogWarning("{Resource}: {Operation} failed, retrying: {Error}", what, needList ? "list" : "watch", Describe(ex));
            }

            try
            {
                await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var result = await _lister.ListAsync(_options.Namespace, _options.LabelSelector, _options.FieldSelector, cancellationToken).ConfigureAwait(false);
        var items = new List<T>(result.Items.Count);
        foreach (var item in result.Items)
        {
            Transform?.Invoke(item);
            items.Add(_kind.Compact(item));
        }
        var changes = Store.Replace(items);
        _resourceVersion = result.ResourceVersion;
        Interlocked.Increment(ref _lists);
        foreach (var change in changes)
        {
            switch (change.Change)
            {
                case WatchChange.Added: Dispatch(WatchChange.Added, null, change.New!); break;
                case WatchChange.Updated: Dispatch(WatchChange.Updated, change.Old, change.New!); break;
                case WatchChange.Deleted: Dispatch(WatchChange.Deleted, null, change.Old!); break;
            }
        }
        _logger.LogDebug("{Resource}: listed {Count} at {ResourceVersion}, {Changes} changes", _kind.Resource, result.Items.Count, result.ResourceVersion, changes.Count);
        _synced.TrySetResult();
    }

    private async Task WatchAsync(ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        var serverTimeout = _options.MinWatchTimeout * (1 + Random.Shared.NextDouble());
        var request = new WatchRequest
        {
            Namespace = _options.Namespace,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
            ResourceVersion = _resourceVersion,
            ServerTimeout = serverTimeout,
            InactivityTimeout = serverTimeout + _options.InactivityMargin,
        };
        var started = _time.GetTimestamp();
        var events = 0;
        await foreach (var evt in _watcher.WatchAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (events++ == 0)
            {
                backoff.Reset();
            }
            Apply(evt);
        }
        if (events == 0 && _time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
        {
            // An empty watch that ended at once: do not spin.
            await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            backoff.Reset();
        }
    }

    internal void Apply(WatchEvent<T> evt)
    {
        var obj = evt.Object!;
        switch (evt.Type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                _kind.PrepareForCache(obj);
                Transform?.Invoke(obj);
                obj = _kind.Compact(obj);
                var old = Store.Upsert(obj);
                Dispatch(old is null ? WatchChange.Added : WatchChange.Updated, old, obj);
                break;
            case WatchEventType.Deleted:
                _kind.PrepareForCache(obj);
                Transform?.Invoke(obj);
                Store.Remove(obj);
                Dispatch(WatchChange.Deleted, null, obj);
                break;
        }
        if (_kind.ResourceVersion(obj) is { Length: > 0 } rv)
        {
            _resourceVersion = rv;
        }
    }

    // No closure per event: the handlers are called directly.
    private void Dispatch(WatchChange change, T? old, T obj)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                switch (change)
                {
                    case WatchChange.Added: handler.OnAdd?.Invoke(obj); break;
                    case WatchChange.Updated: handler.OnUpdate?.Invoke(old!, obj); break;
                    case WatchChange.Deleted: handler.OnDelete?.Invoke(obj); break;
                }
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "{Resource}: an event handler failed", _kind.Resource);
            }
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        KubeApiException k => k.Message,
        HttpRequestException h => $"{h.GetType().Name}: {h.HttpRequestError}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
