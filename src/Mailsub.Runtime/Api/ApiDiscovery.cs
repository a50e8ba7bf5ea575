using System.Text.Json;

namespace Mailsub.Runtime.Api;

/// <summary>
/// Asks the API server whether it serves a resource at a group/version (<c>GET /apis/g/v</c>),
/// so an operator can degrade: policy/v1 PodDisruptionBudgets are missing before Kubernetes 1.21
/// (1.20 has only v1beta1), cert-manager.io/v1 Certificates without cert-manager. No caching:
/// a CRD may be installed later; ask again when it matters.
/// </summary>
public sealed class ApiDiscovery(ApiConnection connection)
{
    public async Task<bool> IsServedAsync(ApiResource resource, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, connection.Resolve(resource.GroupVersionPath));
        using var response = await connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false; // the group/version is not served at all
        }
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiConnection.ToExceptionAsync(response, "GET", resource.GroupVersionPath, cancellationToken).ConfigureAwait(false);
        }
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return ListsResource(body, resource.Plural);
    }

    /// <summary>The first of <paramref name="candidates"/> the server serves (e.g. policy/v1, then v1beta1), or null.</summary>
    public async Task<ApiResource?> FirstServedAsync(IEnumerable<ApiResource> candidates, CancellationToken cancellationToken)
    {
        foreach (var candidate in candidates)
        {
            if (await IsServedAsync(candidate, cancellationToken).ConfigureAwait(false))
            {
                return candidate;
            }
        }
        return null;
    }

    internal static bool ListsResource(ReadOnlySpan<byte> apiResourceList, string plural)
    {
        var reader = new Utf8JsonReader(apiResourceList);
        using var doc = JsonDocument.ParseValue(ref reader);
        if (!doc.RootElement.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var r in resources.EnumerateArray())
        {
            if (r.TryGetProperty("name", out var name) && name.ValueEquals(plural))
            {
                return true;
            }
        }
        return false;
    }
}
