using System.Runtime.CompilerServices;
using System.Text.Json;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Watching;

/// <summary>What to watch and for how long.</summary>
public sealed record WatchRequest
{
    public string? Namespace { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }

    /// <summary>Resume after this version; null or empty starts with synthetic ADDED events for all.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>The server ends the watch after this long (client-go: 5-10 min, random).</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// If no byte arrives for this long the watch is treated as dead and aborted with
    /// <see cref="WatchInactivityException"/>. Null: the server timeout plus 30 s.
    /// </summary>
    public TimeSpan? InactivityTimeout { get; init; }
}

/// <summary>The watch stream was silent for longer than the server could have kept it open.</summary>
public sealed class WatchInactivityException(string message) : TimeoutException(message);

/// <summary>
/// <c>GET {collection}?watch=1&amp;allowWatchBookmarks=true&amp;resourceVersion=RV&amp;timeoutSeconds=N</c>,
/// read as newline-delimited JSON events. Ends when the server closes the stream (its timeout);
/// an ERROR event with code 410 becomes <see cref="KubeGoneException"/> (relist), any other ERROR a
/// <see cref="KubeApiException"/>; a stalled stream a <see cref="WatchInactivityException"/>.
/// </summary>
public sealed class Watcher<T>(ApiConnection connection, ResourceKind<T> kind) where T : class
{
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = kind.Resource.CollectionPath(request.Namespace);
        var url = new QueryString(path)
            .Add("watch", "1")
            .Add("allowWatchBookmarks", "true")
            .Add("resourceVersion", request.ResourceVersion)
            .Add("labelSelector", request.LabelSelector)
            .Add("fieldSelector", request.FieldSelector)
            .Add("timeoutSeconds", ((int)Math.Max(1, request.ServerTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToString();
        var inactivity = request.InactivityTimeout ?? request.ServerTimeout + TimeSpan.FromSeconds(30);

        using var httpRequest = new HttpRequestMessage(HttpMethod.Get, connection.Resolve(url));
        using var response = await connection.SendCheckedAsync(httpRequest, streaming: true, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var lines = new LineBuffer();
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        while (true)
        {
            int read;
            guard.CancelAfter(inactivity);
            try
            {
                read = await stream.ReadAsync(lines.FreeSpace(), guard.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new WatchInactivityException($"watch {path}: no data for {inactivity.TotalSeconds:0.#} s.");
            }

            if (read == 0)
            {
                if (!lines.Remainder.IsEmpty)
                {
                    yield return Checked(WatchEventParser.Parse(lines.Remainder, kind), path);
                }
                yield break;
            }
            lines.Advance(read);
            while (TryNext(lines, path, out var evt))
            {
                yield return evt;
            }
        }
    }

    private bool TryNext(LineBuffer lines, string path, out WatchEvent<T> evt)
    {
        if (!lines.TryTakeLine(out var line))
        {
            evt = default;
            return false;
        }
        try
        {
            evt = Checked(WatchEventParser.Parse(line, kind), path);
            return true;
        }
        catch (JsonException ex)
        {
            // The message names the position only: the line may hold secret data.
            throw new JsonException($"watch {path}: an event that is not valid JSON ({ex.GetType().Name} at byte {ex.BytePositionInLine}).");
        }
    }

    private static WatchEvent<T> Checked(WatchEvent<T> evt, string path)
    {
        if (evt.Type != WatchEventType.Error)
        {
            return evt;
        }
        throw KubeApiException.Create(evt.ErrorCode ?? 500, evt.ErrorReason, "watch", path, evt.ErrorMessage);
    }
}
