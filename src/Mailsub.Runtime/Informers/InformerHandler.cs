using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Informers;

/// <summary>
/// Callbacks for cache changes, run on the informer's loop in order: keep them short and
/// non-blocking (enqueue a key). An exception is logged and does not stop the informer.
/// </summary>
public sealed class InformerHandler<T> where T : class
{
    public Action<T>? OnAdd { get; init; }
    public Action<T, T>? OnUpdate { get; init; }

    /// <summary>The last state: from the DELETED event, or the cache's when a relist found it gone.</summary>
    public Action<T>? OnDelete { get; init; }

    /// <summary>For every add, update (old and new) and delete, enqueue the keys <paramref name="keys"/> maps it to.</summary>
    public static InformerHandler<T> Enqueue(Func<T, IEnumerable<ObjectKey>> keys, Action<ObjectKey> enqueue) => new()
    {
        OnAdd = obj => EnqueueAll(keys(obj), enqueue),
        OnUpdate = (old, obj) =>
        {
            EnqueueAll(keys(old), enqueue); // an owner or label that changed still hears of it
            EnqueueAll(keys(obj), enqueue);
        },
        OnDelete = obj => EnqueueAll(keys(obj), enqueue),
    };

    private static void EnqueueAll(IEnumerable<ObjectKey> keys, Action<ObjectKey> enqueue)
    {
        foreach (var key in keys)
        {
            enqueue(key);
        }
    }
}

/// <summary>Maps an object to the keys of the objects to reconcile for it.</summary>
public static class KeyMappers
{
    /// <summary>
    /// The controller owner of the given group and kind, in the object's namespace: how a
    /// Deployment or ConfigMap made for a custom resource leads back to it.
    /// </summary>
    public static Func<T, IEnumerable<ObjectKey>> ControllerOwner<T>(ResourceKind<T> kind, string ownerGroup, string ownerKind) where T : class =>
        obj =>
        {
            foreach (var owner in kind.Owners(obj))
            {
                if (owner.Controller && owner.Kind == ownerKind && owner.Group == ownerGroup)
                {
                    return [new ObjectKey(kind.Namespace(obj), owner.Name)];
                }
            }
            return [];
        };

    /// <summary>
    /// The object named by a label in the object's namespace (e.g. a Secret labelled with the
    /// custom resource that uses it, where an owner reference would be wrong).
    /// </summary>
    public static Func<T, IEnumerable<ObjectKey>> Label<T>(ResourceKind<T> kind, string labelKey) where T : class =>
        obj => kind.Label(obj, labelKey) is { Length: > 0 } name ? [new ObjectKey(kind.Namespace(obj), name)] : [];
}
