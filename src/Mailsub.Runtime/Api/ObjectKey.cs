namespace Mailsub.Runtime.Api;

/// <summary>
/// Namespace and name of an object: the informer cache's key and, as <c>namespace/name</c>
/// (or <c>name</c> when cluster-scoped), the work queue's key, as client-go's MetaNamespaceKeyFunc.
/// </summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : Namespace + "/" + Name;

    /// <summary>Parses <c>namespace/name</c> or <c>name</c>.</summary>
    public static ObjectKey Parse(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var slash = key.IndexOf('/');
        if (slash < 0)
        {
            return new ObjectKey(null, key);
        }
        if (slash == 0 || slash == key.Length - 1 || key.IndexOf('/', slash + 1) >= 0)
        {
            throw new FormatException($"'{key}' is not a key of the form namespace/name.");
        }
        return new ObjectKey(key[..slash], key[(slash + 1)..]);
    }
}
