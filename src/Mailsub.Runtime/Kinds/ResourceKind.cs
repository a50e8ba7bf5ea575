using System.Text.Json;
using Mailsub.Runtime.Api;

namespace Mailsub.Runtime.Kinds;

/// <summary>
/// What the runtime needs to know about one kind of object, whatever its .NET type: which
/// resource serves it, how to read and write its JSON, and how to find its name, namespace,
/// resourceVersion, labels and owners. One instance per kind (<see cref="TypedKind{T}"/>, <see cref="JsonObjectKind"/>); the
/// informer, lister, watcher and server-side apply are generic over it, as YARP's informer
/// subclasses only say how to list and watch.
/// </summary>
public abstract class ResourceKind<T>(ApiResource resource) where T : class
{
    public ApiResource Resource { get; } = resource;

    /// <summary>Reads one object; the reader is on its StartObject token and ends on its EndObject.</summary>
    public abstract T Read(ref Utf8JsonReader reader);

    /// <summary>The object as JSON (for server-side apply).</summary>
    public abstract string Write(T obj);

    public abstract string? Name(T obj);
    public abstract string? Namespace(T obj);
    public abstract string? ResourceVersion(T obj);
    public abstract string? Uid(T obj);
    public abstract string? Label(T obj, string key);
    public abstract IReadOnlyList<OwnerRef> Owners(T obj);

    /// <summary>
    /// Readies an object from a list or watch for the cache: list items carry no apiVersion and
    /// kind, so they are set; managedFields (often most of an object's size, and never needed by a
    /// controller that uses server-side apply) are dropped.
    /// </summary>
    public abstract void PrepareForCache(T obj);

    /// <summary>
    /// The object as the cache keeps it, after <see cref="PrepareForCache"/> and the informer's
    /// transform: by default the object itself. A kind whose objects keep their source JSON can
    /// return a copy holding only what is left.
    /// </summary>
    public virtual T Compact(T obj) => obj;

    public ObjectKey KeyOf(T obj) =>
        new(Resource.Namespaced ? Namespace(obj) : null, Name(obj) ?? throw new InvalidOperationException($"A {Resource.Kind} without metadata.name."));
}

/// <summary>An owner reference, the fields a controller maps by.</summary>
public readonly record struct OwnerRef(string ApiVersion, string Kind, string Name, string? Uid, bool Controller)
{
    /// <summary>The API group of <see cref="ApiVersion"/> (empty for the core group).</summary>
    public string Group => ApiVersion.IndexOf('/') is var slash and >= 0 ? ApiVersion[..slash] : "";
}
