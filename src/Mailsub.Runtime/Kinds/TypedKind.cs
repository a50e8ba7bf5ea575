using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using Mailsub.Runtime.Api;

namespace Mailsub.Runtime.Kinds;

/// <summary>
/// A kind with a .NET class and source-generated JSON metadata: the client's models
/// (<c>k8s.SourceGenerationContext</c>) or a project's own types (e.g. a CRD class with its own
/// JsonSerializerContext), as long as they carry a <see cref="V1ObjectMeta"/>.
/// </summary>
public sealed class TypedKind<T>(
    ApiResource resource,
    JsonTypeInfo<T> typeInfo,
    Func<T, V1ObjectMeta?> metadata,
    Action<T>? setTypeMeta = null) : ResourceKind<T>(resource) where T : class
{
    public JsonTypeInfo<T> TypeInfo { get; } = typeInfo;

    public override T Read(ref Utf8JsonReader reader) =>
        JsonSerializer.Deserialize(ref reader, TypeInfo) ?? throw new JsonException($"A null {Resource.Kind}.");

    public override string Write(T obj) => JsonSerializer.Serialize(obj, TypeInfo);

    public override string? Name(T obj) => metadata(obj)?.Name;
    public override string? Namespace(T obj) => metadata(obj)?.NamespaceProperty;
    public override string? ResourceVersion(T obj) => metadata(obj)?.ResourceVersion;
    public override string? Uid(T obj) => metadata(obj)?.Uid;

    public override string? Label(T obj, string key) =>
        metadata(obj)?.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;

    public override IReadOnlyList<OwnerRef> Owners(T obj)
    {
        if (metadata(obj)?.OwnerReferences is not { Count: > 0 } refs)
        {
            return [];
        }
        var owners = new OwnerRef[refs.Count];
        for (var i = 0; i < refs.Count; i++)
        {
            var r = refs[i];
            owners[i] = new OwnerRef(r.ApiVersion ?? "", r.Kind ?? "", r.Name ?? "", r.Uid, r.Controller == true);
        }
        return owners;
    }

    public override void PrepareForCache(T obj)
    {
        setTypeMeta?.Invoke(obj);
        if (metadata(obj) is { } meta)
        {
            meta.ManagedFields = null;
        }
    }
}
