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
/// only the informer writes. Objects are shared: treat them as read-only. Indexes (client-go's
/// Indexers: a name and a function from an object to its index values) answer "which objects
/// have this value" without a scan; a reconcile that scanned the whole store made the operator
/// quadratic in the number of resources. Add them before the informer runs.
/// </summary>
public sealed class ObjectStore<T>(ResourceKind<T> kind) where T : class
{
    private sealed class Index(Func<T, IEnumerable<string>> values)
    {
        public Func<T, IEnumerable<string>> Values { get; } = values;
        public ConcurrentDictionary<string, ConcurrentDictionary<ObjectKey, T>> ByValue { get; } = new(StringComparer.Ordinal);

        public void Add(ObjectKey key, T obj)
        {
            foreach (var value in Values(obj))
            {
                // Sized for what one index value holds (a submission's few children): the default
                // (31 buckets, a lock per core) is about 500 B more for each of the thousands of values.
                ByValue.GetOrAdd(value, _ => new ConcurrentDictionary<ObjectKey, T>(concurrencyLevel: 1, capacity: 2))[key] = obj;
            }
        }

        public void Remove(ObjectKey key, T obj)
        {
            foreach (var value in Values(obj))
            {
                if (ByValue.TryGetValue(value, out var set) && set.TryRemove(key, out _) && set.IsEmpty)
                {
                    ByValue.TryRemove(new KeyValuePair<string, ConcurrentDictionary<ObjectKey, T>>(value, set));
                }
            }
        }
    }

    private sealed record State(ConcurrentDictionary<ObjectKey, T> Items, Dictionary<string, Index> Indexes);

    private volatile State _state = new(new(), new(StringComparer.Ordinal));

    public int Count => _state.Items.Count;

    /// <summary>Adds an index; its values are computed for every object stored from now on.</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> values)
    {
        var state = _state;
        var index = new Index(values);
        foreach (var (key, obj) in state.Items)
        {
            index.Add(key, obj);
        }
        var indexes = new Dictionary<string, Index>(state.Indexes, StringComparer.Ordinal) { [name] = index };
        _state = state with { Indexes = indexes };
    }

    /// <summary>The objects whose index <paramref name="name"/> has <paramref name="value"/>.</summary>
    public IReadOnlyList<T> ByIndex(string name, string value) =>
        _state.Indexes.TryGetValue(name, out var index)
            ? index.ByValue.TryGetValue(value, out var set) ? set.Values.ToArray() : []
            : throw new InvalidOperationException($"No index {name} on the {kind.Resource.Kind} store.");

    public T? Get(string? ns, string name) => _state.Items.TryGetValue(new ObjectKey(kind.Resource.Namespaced ? ns : null, name), out var obj) ? obj : null;

    public IReadOnlyList<T> List() => _state.Items.Values.ToArray();

    /// <summary>Sets an object; returns the one it replaced. Single writer (the informer's loop).</summary>
    internal T? Upsert(T obj)
    {
        var state = _state;
        var key = kind.KeyOf(obj);
        state.Items.TryGetValue(key, out var old);
        foreach (var index in state.Indexes.Values)
        {
            if (old is not null)
            {
                index.Remove(key, old);
            }
            index.Add(key, obj);
        }
        state.Items[key] = obj;
        return old;
    }

    internal T? Remove(T obj)
    {
        var state = _state;
        var key = kind.KeyOf(obj);
        if (!state.Items.TryRemove(key, out var old))
        {
            return null;
        }
        foreach (var index in state.Indexes.Values)
        {
            index.Remove(key, old);
        }
        return old;
    }

    /// <summary>
    /// Swaps in a fresh list (atomically for readers, indexes with it) and returns what changed:
    /// new keys are Added, keys whose resourceVersion moved are Updated, keys gone are Deleted
    /// (with their last known state). Unchanged objects produce nothing.
    /// </summary>
    internal List<StoreChange<T>> Replace(IReadOnlyList<T> items)
    {
        var previous = _state;
        var next = new ConcurrentDictionary<ObjectKey, T>(concurrencyLevel: 1, capacity: Math.Max(items.Count, 31));
        var indexes = previous.Indexes.ToDictionary(p => p.Key, p => new Index(p.Value.Values), StringComparer.Ordinal);
        var changes = new List<StoreChange<T>>();
        foreach (var item in items)
        {
            var key = kind.KeyOf(item);
            next[key] = item;
            foreach (var index in indexes.Values)
            {
                index.Add(key, item);
            }
            if (!previous.Items.TryGetValue(key, out var old))
            {
                changes.Add(new StoreChange<T>(WatchChange.Added, null, item));
            }
            else if (kind.ResourceVersion(old) != kind.ResourceVersion(item))
            {
                changes.Add(new StoreChange<T>(WatchChange.Updated, old, item));
            }
        }
        foreach (var (key, old) in previous.Items)
        {
            if (!next.ContainsKey(key))
            {
                changes.Add(new StoreChange<T>(WatchChange.Deleted, old, null));
            }
        }
        _state = new State(next, indexes);
        return changes;
    }
}
