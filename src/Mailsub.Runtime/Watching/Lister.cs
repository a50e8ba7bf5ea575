using System.Globalization;
using System.Text.Json;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Watching;

/// <summary>A consistent snapshot: the items and the resourceVersion to watch from.</summary>
public sealed record ListResult<T>(IReadOnlyList<T> Items, string ResourceVersion);

/// <summary>
/// Lists a collection in pages (<c>limit</c>/<c>continue</c>), reading each item straight from the
/// page's bytes with the kind. An expired continue token surfaces as <see cref="KubeGoneException"/>.
/// </summary>
public sealed class Lister<T>(ApiConnection connection, ResourceKind<T> kind) where T : class
{
    public int PageSize { get; init; } = 500;

    public async Task<ListResult<T>> ListAsync(string? ns, string? labelSelector, string? fieldSelector, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var url = new QueryString(kind.Resource.CollectionPath(ns))
                .Add("labelSelector", labelSelector)
                .Add("fieldSelector", fieldSelector)
                .Add("limit", PageSize.ToString(CultureInfo.InvariantCulture))
                .Add("continue", continueToken)
                .ToString();
            using var request = new HttpRequestMessage(HttpMethod.Get, connection.Resolve(url));
            using var response = await connection.SendCheckedAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            (resourceVersion, continueToken) = ReadPage(body, items);
        }
        while (!string.IsNullOrEmpty(continueToken));
        return new ListResult<T>(items, resourceVersion);
    }

    internal (string ResourceVersion, string? Continue) ReadPage(ReadOnlySpan<byte> body, List<T> items)
    {
        var reader = new Utf8JsonReader(body);
        string? resourceVersion = null, continueToken = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"list {kind.Resource}: the answer is not a JSON object.");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isRv = reader.ValueTextEquals("resourceVersion"u8);
                    var isContinue = reader.ValueTextEquals("continue"u8);
                    reader.Read();
                    if (isRv && reader.TokenType == JsonTokenType.String) resourceVersion = reader.GetString();
                    else if (isContinue && reader.TokenType == JsonTokenType.String) continueToken = reader.GetString();
                    else reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    var item = kind.Read(ref reader);
                    kind.PrepareForCache(item);
                    items.Add(item);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return (resourceVersion ?? throw new JsonException($"list {kind.Resource}: no metadata.resourceVersion."), continueToken);
    }
}
