namespace Mailsub.Runtime.Watching;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Only a resourceVersion to resume from: the server has sent everything up to it.</summary>
    Bookmark,

    /// <summary>A metav1.Status instead of an object (410 Expired: resume is impossible; relist).</summary>
    Error,
}

/// <summary>
/// One line of a watch stream. <see cref="Object"/> is set for ADDED, MODIFIED, DELETED and
/// BOOKMARK; the error fields for ERROR.
/// </summary>
public readonly record struct WatchEvent<T>(WatchEventType Type, T? Object, int? ErrorCode = null,
    string? ErrorReason = null, string? ErrorMessage = null) where T : class;
