namespace Mailsub.Runtime.Api;

/// <summary>
/// The API server refused a request. The message names the verb, the path (no query) and the
/// status code and reason only: never the object, its data or the server's free-text message,
/// which can echo field values. <see cref="ServerMessage"/> holds that text for debugging.
/// </summary>
public class KubeApiException : Exception
{
    public KubeApiException(int statusCode, string? reason, string verb, string path, string? serverMessage = null,
        IReadOnlyList<string>? causes = null, Exception? inner = null)
        : base(FormatMessage(statusCode, reason, verb, path, causes), inner)
    {
        StatusCode = statusCode;
        Reason = reason;
        Verb = verb;
        Path = path;
        ServerMessage = serverMessage;
        Causes = causes ?? [];
    }

    /// <summary>HTTP status code, or the <c>code</c> of a Status in a watch ERROR event.</summary>
    public int StatusCode { get; }

    /// <summary>The Status reason (e.g. Conflict, NotFound, Expired, Gone, Forbidden), if the server sent one.</summary>
    public string? Reason { get; }

    public string Verb { get; }

    /// <summary>The request path without its query string.</summary>
    public string Path { get; }

    /// <summary>The server's Status message. It may echo object values: do not log it at info level.</summary>
    public string? ServerMessage { get; }

    /// <summary>Status causes as <c>field: reason</c> (field paths and reason codes only).</summary>
    public IReadOnlyList<string> Causes { get; }

    /// <summary>The right subclass for a status code.</summary>
    public static KubeApiException Create(int statusCode, string? reason, string verb, string path,
        string? serverMessage = null, IReadOnlyList<string>? causes = null, Exception? inner = null) => statusCode switch
        {
            409 => new KubeConflictException(reason, verb, path, serverMessage, causes, inner),
            404 => new KubeNotFoundException(reason, verb, path, serverMessage, causes, inner),
            410 => new KubeGoneException(reason, verb, path, serverMessage, causes, inner),
            _ => new KubeApiException(statusCode, reason, verb, path, serverMessage, causes, inner),
        };

    private static string FormatMessage(int statusCode, string? reason, string verb, string path, IReadOnlyList<string>? causes)
    {
        var text = $"{verb} {path}: {statusCode} {reason ?? "(no reason)"}";
        return causes is { Count: > 0 } ? text + " (" + string.Join("; ", causes) + ")" : text;
    }
}

/// <summary>409: an optimistic-concurrency (resourceVersion) conflict, an object that already
/// exists, or a server-side apply field-manager conflict (Causes name the fields).</summary>
public sealed class KubeConflictException(string? reason, string verb, string path, string? serverMessage = null,
    IReadOnlyList<string>? causes = null, Exception? inner = null)
    : KubeApiException(409, reason, verb, path, serverMessage, causes, inner);

/// <summary>404: the object, or the resource itself (e.g. a CRD not installed), is not there.</summary>
public sealed class KubeNotFoundException(string? reason, string verb, string path, string? serverMessage = null,
    IReadOnlyList<string>? causes = null, Exception? inner = null)
    : KubeApiException(404, reason, verb, path, serverMessage, causes, inner);

/// <summary>410 (reason Expired or Gone): the resourceVersion or continue token is too old; relist.</summary>
public sealed class KubeGoneException(string? reason, string verb, string path, string? serverMessage = null,
    IReadOnlyList<string>? causes = null, Exception? inner = null)
    : KubeApiException(410, reason, verb, path, serverMessage, causes, inner);
