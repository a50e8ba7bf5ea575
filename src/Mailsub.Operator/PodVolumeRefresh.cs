using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Operator;

/// <summary>
/// Makes a changed ConfigMap or Secret reach the running Postfix pods in about a second instead of
/// about a minute. The kubelet rewrites ConfigMap and Secret volumes on its periodic pod sync
/// (every minute plus jitter: 51 and 60 s measured on the end-to-end node), but at once when the
/// pod object itself changes: the pod update makes it sync the pod, which remounts every
/// ConfigMap and Secret volume from its watch-fed cache. So when what the pods mount changed, the
/// operator writes <see cref="MountedAnnotation"/> (a hash of that content) on each of the
/// submission's pods; the entrypoint then sees the new files on its next 500 ms look. An
/// annotation is metadata: no restart, no rollout, no new pod.
/// </summary>
public sealed class PodVolumeRefresh(ApiConnection api)
{
    public const string MountedAnnotation = "mailsub.dev/mounted";

    // Per submission: the mounted content the pods were last told about, and the Secrets'
    // versions seen (a TLS or relay Secret changes without any apply of ours).
    private readonly ConcurrentDictionary<ObjectKey, (string Version, string Secrets)> _told = new();

    /// <summary>Pod patches sent, for tests and metrics.</summary>
    public long Patches;

    /// <summary>
    /// Tells the pods matching <paramref name="selector"/> about <paramref name="version"/> if the
    /// mounted content changed: <paramref name="applied"/> (this reconcile changed the ConfigMap or
    /// users Secret) or the external Secrets' versions moved since the last look. The first look
    /// after a start only remembers: pods started before it mount what the kubelet had then.
    /// </summary>
    public async Task RefreshAsync(ObjectKey submission, string selector, string version, string secretVersions, bool applied, CancellationToken ct)
    {
        var known = _told.TryGetValue(submission, out var last);
        var ns = submission.Namespace!;
        if (!applied && (!known || last.Secrets == secretVersions))
        {
            _told[submission] = (known ? last.Version : version, secretVersions);
            return;
        }
        if (known && last.Version == version)
        {
            _told[submission] = (version, secretVersions);
            return;
        }
        using (var list = new HttpRequestMessage(HttpMethod.Get, api.Resolve($"/api/v1/namespaces/{ns}/pods?labelSelector={Uri.EscapeDataString(selector)}")))
        using (var response = await api.SendCheckedAsync(list, streaming: false, ct).ConfigureAwait(false))
        {
            var pods = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))?["items"] as JsonArray ?? [];
            foreach (var pod in pods)
            {
                if (pod?["metadata"]?["deletionTimestamp"] is not null || JsonPath.GetString(pod, "metadata", "annotations", MountedAnnotation) == version)
                {
                    continue;
                }
                await PatchAsync(ns, JsonPath.GetString(pod, "metadata", "name")!, version, ct).ConfigureAwait(false);
            }
        }
        _told[submission] = (version, secretVersions);
    }

    public void Forget(ObjectKey submission) => _told.TryRemove(submission, out _);

    private async Task PatchAsync(string ns, string pod, string version, CancellationToken ct)
    {
        var body = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [MountedAnnotation] = version } } };
        using var patch = new HttpRequestMessage(HttpMethod.Patch, api.Resolve($"/api/v1/namespaces/{ns}/pods/{pod}"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        try
        {
            using var _ = await api.SendCheckedAsync(patch, streaming: false, ct).ConfigureAwait(false);
            Interlocked.Increment(ref Patches);
        }
        catch (KubeNotFoundException)
        {
            // Deleted in between: its replacement mounts the new content from the start.
        }
    }
}
