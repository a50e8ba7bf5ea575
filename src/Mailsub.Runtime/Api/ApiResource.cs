namespace Mailsub.Runtime.Api;

/// <summary>
/// A resource the API server serves: group, version, plural name and kind, and whether its
/// objects live in a namespace. It builds every URL path the runtime requests.
/// </summary>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    /// <summary><c>v1</c> for the core group, else <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary><c>/api/v1</c> for the core group, else <c>/apis/group/version</c>.</summary>
    public string GroupVersionPath => Group.Length == 0 ? "/api/" + Version : "/apis/" + Group + "/" + Version;

    /// <summary>The collection: all namespaces when <paramref name="ns"/> is null or empty.</summary>
    public string CollectionPath(string? ns) =>
        Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{GroupVersionPath}/{Plural}";

    /// <summary>One object; <paramref name="ns"/> is ignored for cluster-scoped resources.</summary>
    public string ObjectPath(string? ns, string name)
    {
        if (Namespaced && string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException($"{Kind} is namespaced: a namespace is required.", nameof(ns));
        }
        return $"{CollectionPath(Namespaced ? ns : null)}/{Uri.EscapeDataString(name)}";
    }

    public override string ToString() => $"{Plural}.{ApiVersion}";
}
