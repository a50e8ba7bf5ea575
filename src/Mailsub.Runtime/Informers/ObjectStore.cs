using System.Collections.Concurrent;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Informers;

/// <summary>What a relist changed, compared with the cache.</summary>
public readonly record struct StoreChange<T>(WatchChange Change, T? Old, T? New) where T : class;

public enum WatchChange
{
    Added,
    Updated,
    Deleted,
}

/// <summary>
/// The informer's in-memory cache: namespace/name to the latest object seen, read by
/// reconcilers without calling the API server. Reads are lock-free and safe from any thread;
/// only the informer writes. Objects are shared: treat them as read-only.
/// </summary>
public sealed class ObjectStore<T>(ResourceKind<T> kind) where T : class
{
    private volatile ConcurrentDictionary<ObjectKey, T> _items = new();

    public int Count => _items.Count;

    public bool TryGet(ObjectKey key, out T obj) => _items.TryGetValue(key, out obj!);

    /// <summary>By work-queue key, <c>namespace/name</c>.</summary>
    public bool TryGet(string key, out T obj) => _items.TryGetValue(ObjectKey.Parse(key), out obj!);

    public T? Get(string? ns, string name) => _items.TryGetValue(new ObjectKey(kind.Resource.Namespaced ? ns : null, name), out var obj) ? obj : null;

    public IReadOnlyList<T> List() => _items.Values.ToArray();

    public IReadOnlyList<T> List(string ns) => _items.Where(p => p.Key.Namespace == ns).Select(p => p.Value).ToArray();

    /// <summary>Objects in <paramref name="ns"/> (all when null) with label <paramref name="key"/> = <paramref name="value"/>.</summary>
    public IReadOnlyList<T> ListByLabel(string? ns, string key, string value) =>
        _items.Where(p => (ns is null || p.Key.Namespace == ns) && kind.Label(p.Value, key) == value).Select(p => p.Value).ToArray();

    /// <summary>Sets an object; returns the one it replaced. Single writer (the informer's loop).</summary>
    internal T? Upsert(T obj)
    {
        var items = _items;
        var key = kind.KeyOf(obj);
        items.TryGetValue(key, out var old);
        items[key] = obj;
        return old;
    }

    internal T? Remove(T obj) => _items.TryRemove(kind.KeyOf(obj), out var old) ? old : null;

    /// <summary>
    /// Swaps in a fresh list (atomically for readers) and returns what changed: new keys are
    /// Added, keys whose resourceVersion moved are Updated, keys gone are Deleted (with their last
    /// known state). Unchanged objects produce nothing.
    /// </summary>
    internal List<StoreChange<T>> Replace(IReadOnlyList<T> items)
    {
        var previous = _items;
        var next = new ConcurrentDictionary<ObjectKey, T>(concurrencyLevel: 1, capacity: Math.Max(items.Count, 31));
        var changes = new List<StoreChange<T>>();
        foreach (var item in items)
        {
            var key = kind.KeyOf(item);
            next[key] = item;
            if (!previous.TryGetValue(key, out var old))
            {
                changes.Add(new StoreChange<T>(WatchChange.Added, null, item));
            }
            else if (kind.ResourceVersion(old) != kind.ResourceVersion(item))
            {
                changes.Add(new StoreChange<T>(WatchChange.Updated, old, item));
            }
        }
        foreach (var (key, old) in previous)
        {
            if (!next.ContainsKey(key))
            {
                changes.Add(new StoreChange<T>(WatchChange.Deleted, old, null));
            }
        }
        _items = next;
        return changes;
    }
}
