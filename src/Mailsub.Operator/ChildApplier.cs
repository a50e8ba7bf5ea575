using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Operator;

/// <summary>
/// Applies a submission's children (server-side apply, field manager <c>mailsub</c>, force) with a
/// controller owner reference, and writes nothing when the cached child already holds the apply
/// body. The check is two-fold: the child carries a hash of the last apply body
/// (<see cref="ApplyHashAnnotation"/>), so a changed intent is always written; and the cached
/// child must still hold every field of the body (<see cref="JsonSubset"/>), so a hand edit is
/// reverted. Where the server normalises a field (so the subset check can never pass), the
/// resourceVersion the last apply produced stands in: the same body against the same version is
/// not written again. Secrets are cached without data, so for them only that version counts.
/// </summary>
public sealed class ChildApplier(ApiConnection api, ServerSideApply apply, Func<ApiResource, InformerSet<JsonObject>?> cacheOf)
{
    public const string ApplyHashAnnotation = "mailsub.dev/apply-hash";

    private readonly AppliedVersions _applied = new();

    /// <summary>Write requests (applies and deletes) sent, for tests and metrics.</summary>
    public long Writes;

    /// <summary>Writes that changed an object (a new resourceVersion, or a deletion); a no-op apply is not one.</summary>
    public long Changes;

    public static JsonObject OwnerReference(MailSubmission owner) => new()
    {
        ["apiVersion"] = MailSubmission.ApiVersionValue,
        ["kind"] = MailSubmission.KindValue,
        ["name"] = owner.Metadata.Name,
        ["uid"] = owner.Metadata.Uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>What one apply did: the server's object when a request was sent, and whether that changed the object.</summary>
    public readonly record struct ApplyResult(JsonObject? Written, bool Changed);

    /// <summary>
    /// Applies <paramref name="body"/> unless the cache shows it applied. The result says whether
    /// this call changed the object: a reconcile counts its own changes from it (the shared
    /// <see cref="Changes"/> counter also moves with other workers' reconciles).
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(MailSubmission owner, JsonObject body, CancellationToken ct)
    {
        var resource = ChildKind.ResourceOf(JsonPath.GetString(body, "apiVersion")!, JsonPath.GetString(body, "kind")!);
        var hash = Stamp(owner, body);
        var name = JsonPath.GetString(body, "metadata", "name")!;
        var cached = cacheOf(resource)?.Get(owner.Metadata.NamespaceProperty!, name);
        if (cached is not null && JsonPath.GetString(cached, "metadata", "annotations", ApplyHashAnnotation) == hash)
        {
            var rv = JsonPath.GetString(cached, "metadata", "resourceVersion") ?? "";
            var sameVersion = _applied.Holds(owner.Metadata.Uid, resource, name, hash, rv);
            // The walk goes over a copy: walking the cached object would expand its lazily parsed
            // JSON into nodes that then stay in the cache (about 18 KB more per Deployment).
            if (sameVersion || (resource != WellKnownResources.Secrets && JsonSubset.Contains(JsonNode.Parse(cached.ToJsonString()), AsCached(resource, body))))
            {
                return default;
            }
        }
        var result = await apply.ApplyAsync(new JsonObjectKind(resource), body, ct).ConfigureAwait(false);
        Interlocked.Increment(ref Writes);
        var version = JsonPath.GetString(result, "metadata", "resourceVersion") ?? "";
        var changed = cached is null || version != JsonPath.GetString(cached, "metadata", "resourceVersion");
        if (changed)
        {
            Interlocked.Increment(ref Changes);
        }
        _applied.Remember(owner.Metadata.Uid, resource, name, hash, version);
        return new ApplyResult(result, changed);
    }

    /// <summary>The body trimmed as its kind's cache trims objects (ConfigMap values to their hashes).</summary>
    private static JsonNode AsCached(ApiResource resource, JsonObject body)
    {
        if (ChildKind.Of(resource).Transform is not { } transform)
        {
            return body;
        }
        var copy = (JsonObject)body.DeepClone();
        transform(copy);
        return copy;
    }

    /// <summary>
    /// Makes <paramref name="body"/> the apply body as sent: its owner's namespace, the controller
    /// owner reference, and <see cref="ApplyHashAnnotation"/> (a hash of the body without it, kept
    /// last among the annotations). Returns the hash. Public so the controller benchmark's floor
    /// sends byte-for-byte the same bodies.
    /// </summary>
    public static string Stamp(MailSubmission owner, JsonObject body)
    {
        var metadata = (JsonObject)body["metadata"]!;
        metadata["namespace"] = owner.Metadata.NamespaceProperty;
        metadata["ownerReferences"] = new JsonArray(OwnerReference(owner));
        metadata.Remove("annotations", out var annotationsNode);
        var annotations = annotationsNode as JsonObject ?? new JsonObject();
        var hash = Hash(body.ToJsonString());
        annotations[ApplyHashAnnotation] = hash;
        metadata["annotations"] = annotations;
        return hash;
    }

    /// <summary>
    /// Deletes the children of <paramref name="owner"/> (labelled with it and controlled by it)
    /// in <paramref name="children"/> that are not in <paramref name="keep"/>; returns how many.
    /// </summary>
    public async Task<int> PruneAsync(MailSubmission owner, IEnumerable<ChildCache> children,
        ISet<(ApiResource, string)> keep, CancellationToken ct)
    {
        var ns = owner.Metadata.NamespaceProperty!;
        var deleted = 0;
        foreach (var cache in children)
        {
            var resource = cache.Resource;
            foreach (var child in cache.Objects.ByIndex(ns, CacheIndexes.BySubmission, CacheIndexes.Key(ns, owner.Metadata.Name)))
            {
                var name = JsonPath.GetString(child, "metadata", "name")!;
                if (keep.Contains((resource, name)) || !ControlledBy(child, owner))
                {
                    continue;
                }
                using var request = new HttpRequestMessage(HttpMethod.Delete, api.Resolve(resource.ObjectPath(ns, name)));
                try
                {
                    using var _ = await api.SendCheckedAsync(request, streaming: false, ct).ConfigureAwait(false);
                }
                catch (KubeNotFoundException)
                {
                }
                Interlocked.Increment(ref Writes);
                Interlocked.Increment(ref Changes);
                _applied.Forget(owner.Metadata.Uid, resource, name);
                deleted++;
            }
        }
        return deleted;
    }

    /// <summary>Forgets what was applied for the children of a deleted submission, by its UID.</summary>
    public void Forget(string ownerUid) => _applied.Forget(ownerUid);

    public static bool ControlledBy(JsonObject child, MailSubmission owner) =>
        child["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r =>
            JsonPath.GetString(r, "uid") == owner.Metadata.Uid && r?["controller"] is JsonValue c && c.TryGetValue<bool>(out var b) && b);

    public static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
