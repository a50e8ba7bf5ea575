using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;

namespace Mailsub.Runtime.Kinds;

/// <summary>
/// A kind read as a <see cref="JsonObject"/>: for resources the typed client has no model of
/// (cert-manager's Certificate, policy/v1beta1 PodDisruptionBudget) or that a controller only
/// inspects in part. Trim- and AOT-safe: no reflection, only the JSON node API.
/// </summary>
public sealed class JsonObjectKind(ApiResource resource) : ResourceKind<JsonObject>(resource)
{
    public override JsonObject Read(ref Utf8JsonReader reader) =>
        JsonNode.Parse(ref reader) as JsonObject ?? throw new JsonException($"A {Resource.Kind} that is not a JSON object.");

    public override string Write(JsonObject obj) => obj.ToJsonString();

    public override string? Name(JsonObject obj) => MetaString(obj, "name");
    public override string? Namespace(JsonObject obj) => MetaString(obj, "namespace");
    public override string? ResourceVersion(JsonObject obj) => MetaString(obj, "resourceVersion");
    public override string? Uid(JsonObject obj) => MetaString(obj, "uid");

    public override string? Label(JsonObject obj, string key) => JsonPath.GetString(obj, "metadata", "labels", key);

    public override IReadOnlyList<OwnerRef> Owners(JsonObject obj)
    {
        if (Metadata(obj)?["ownerReferences"] is not JsonArray { Count: > 0 } refs)
        {
            return [];
        }
        var owners = new List<OwnerRef>(refs.Count);
        foreach (var node in refs)
        {
            if (node is JsonObject r)
            {
                owners.Add(new OwnerRef(JsonPath.GetString(r, "apiVersion") ?? "", JsonPath.GetString(r, "kind") ?? "", JsonPath.GetString(r, "name") ?? "", JsonPath.GetString(r, "uid"),
                    r["controller"] is JsonValue c && c.TryGetValue<bool>(out var b) && b));
            }
        }
        return owners;
    }

    public override void PrepareForCache(JsonObject obj)
    {
        obj["apiVersion"] = Resource.ApiVersion;
        obj["kind"] = Resource.Kind;
        Metadata(obj)?.Remove("managedFields");
    }

    /// <summary>
    /// A copy built from the object's JSON as it is now (<see cref="CompactJson"/>). A parsed
    /// <see cref="JsonObject"/> keeps the whole UTF-8 text it was read from (and its token index)
    /// until each part is touched, so the managedFields <see cref="PrepareForCache"/> removed, or
    /// the Secret data a transform removed, stay in memory behind it; the copy holds only what is
    /// left (a cached Deployment 18 KB to 11 KB; the operator at 500 resources 111 to 94.5 MiB
    /// RSS, make bench-controller), with its metadata as nodes sharing <see cref="Strings"/>.
    /// </summary>
    public override JsonObject Compact(JsonObject obj)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            obj.WriteTo(writer);
        }
        return CompactJson.Build(buffer.WrittenSpan, Strings);
    }

    /// <summary>The strings every cached object of every kind shares (the namespace, label keys, owner UIDs).</summary>
    public static StringPool Strings { get; } = new();

    private static JsonObject? Metadata(JsonObject obj) => obj["metadata"] as JsonObject;

    private static string? MetaString(JsonObject obj, string name) => JsonPath.GetString(obj, "metadata", name);
}
