using System.Text;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Api;

/// <summary>
/// Server-side apply: <c>PATCH</c> with <c>application/apply-patch+yaml</c> (a JSON body is valid
/// YAML), <c>fieldManager</c> and <c>force</c>. The object sent is the whole intent of this manager
/// for it: fields it leaves out that it set before are removed. Spec and status are applied
/// separately (<see cref="ApplyAsync{T}"/>, <see cref="ApplyStatusAsync{T}"/>), as cert-manager's
/// apply.go does, because the status subresource ignores everything but status and the main
/// resource ignores status. Refusals surface as <see cref="KubeApiException"/> subclasses
/// (409: <see cref="KubeConflictException"/>, with the conflicting fields in Causes).
/// </summary>
public sealed class ServerSideApply(ApiConnection connection, string fieldManager = "mailsub")
{
    private const string ApplyContentType = "application/apply-patch+yaml";

    public string FieldManager { get; } = fieldManager;

    /// <summary>
    /// Take fields owned by other managers (the controller's intent wins; default true). With
    /// false, such a field is a 409.
    /// </summary>
    public bool Force { get; init; } = true;

    /// <summary>Applies the object (spec, metadata; status is ignored by the server) and returns the result.</summary>
    public Task<T> ApplyAsync<T>(ResourceKind<T> kind, T obj, CancellationToken cancellationToken) where T : class =>
        PatchAsync(kind, obj, subresource: null, cancellationToken);

    /// <summary>Applies the object's status through the status subresource and returns the result.</summary>
    public Task<T> ApplyStatusAsync<T>(ResourceKind<T> kind, T obj, CancellationToken cancellationToken) where T : class =>
        PatchAsync(kind, obj, subresource: "status", cancellationToken);

    private async Task<T> PatchAsync<T>(ResourceKind<T> kind, T obj, string? subresource, CancellationToken cancellationToken) where T : class
    {
        var name = kind.Name(obj);
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"Apply of a {kind.Resource.Kind} without metadata.name.", nameof(obj));
        }
        var path = kind.Resource.ObjectPath(kind.Namespace(obj), name);
        if (subresource is not null)
        {
            path += "/" + subresource;
        }
        var url = new QueryString(path)
            .Add("fieldManager", FieldManager)
            .Add("force", Force ? "true" : null)
            .ToString();

        using var request = new HttpRequestMessage(HttpMethod.Patch, connection.Resolve(url))
        {
            Content = new StringContent(kind.Write(obj), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ApplyContentType);
        using var response = await connection.SendCheckedAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var reader = new System.Text.Json.Utf8JsonReader(body);
        reader.Read();
        return kind.Read(ref reader);
    }
}
