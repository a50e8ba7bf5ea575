using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Operator;

/// <summary>
/// Reads the data of the Secrets the operator needs values from (referenced user passwords, its
/// own generated passwords, and the certificate of a spec.tls.secretName Secret). The Secret informer caches metadata only: holding every
/// Secret's values in memory would keep all the cluster's credentials in the operator. The
/// metadata cache says whether a Secret exists and its resourceVersion; data is fetched with a
/// direct GET only when that resourceVersion differs from the one last read, and kept only for
/// Secrets a MailSubmission reads (entries of deleted Secrets are dropped). So an unchanged
/// Secret costs no request per reconcile, and unreferenced Secret values are never held.
/// </summary>
public sealed class SecretReader(ApiConnection api, InformerSet<JsonObject> secretsMetadata)
{
    private readonly ConcurrentDictionary<ObjectKey, (string ResourceVersion, string? Only, Dictionary<string, byte[]> Data)> _data = new();

    public long Gets;

    /// <summary>The Secret's data, or null if the metadata cache has no such Secret.</summary>
    /// <param name="only">Keep only this key's value (tls.crt of a TLS Secret: its tls.key is not kept).</param>
    public async Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string ns, string name, CancellationToken ct, string? only = null)
    {
        var key = new ObjectKey(ns, name);
        var meta = secretsMetadata.Get(ns, name);
        if (meta is null)
        {
            _data.TryRemove(key, out _);
            return null;
        }
        var rv = JsonPath.GetString(meta, "metadata", "resourceVersion") ?? "";
        if (_data.TryGetValue(key, out var known) && known.ResourceVersion == rv && known.Only == only)
        {
            return known.Data;
        }
        return await GetAsync(ns, name, ct, only).ConfigureAwait(false);
    }

    /// <summary>A direct GET (also for a Secret the cache may not have seen yet); null on 404.</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>?> GetAsync(string ns, string name, CancellationToken ct, string? only = null)
    {
        var key = new ObjectKey(ns, name);
        Interlocked.Increment(ref Gets);
        using var request = new HttpRequestMessage(HttpMethod.Get, api.Resolve(WellKnownResources.Secrets.ObjectPath(ns, name)));
        try
        {
            using var response = await api.SendCheckedAsync(request, streaming: false, ct).ConfigureAwait(false);
            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            Remember(node, only);
            return _data.TryGetValue(key, out var e) ? e.Data : null;
        }
        catch (KubeNotFoundException)
        {
            _data.TryRemove(key, out _);
            return null;
        }
    }

    /// <summary>Keeps the data of a Secret the operator just read or wrote; with <paramref name="only"/>, that key's value alone.</summary>
    public void Remember(JsonNode? secret, string? only = null)
    {
        var ns = JsonPath.GetString(secret, "metadata", "namespace");
        var name = JsonPath.GetString(secret, "metadata", "name");
        if (ns is null || name is null)
        {
            return;
        }
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (secret?["data"] is JsonObject d)
        {
            foreach (var (k, v) in d)
            {
                if ((only is null || k == only) && v is JsonValue jv && jv.TryGetValue<string>(out var b64))
                {
                    data[k] = Convert.FromBase64String(b64);
                }
            }
        }
        _data[new ObjectKey(ns, name)] = (JsonPath.GetString(secret, "metadata", "resourceVersion") ?? "", only, data);
    }

    /// <summary>Drops what is kept of a deleted or no longer referenced Secret.</summary>
    public void Forget(string ns, string name) => _data.TryRemove(new ObjectKey(ns, name), out _);
}
