using System.Collections.Concurrent;
using Mailsub.Runtime.Api;

namespace Mailsub.Operator;

/// <summary>
/// For each child this process applied, the hash of the body and the resourceVersion the apply
/// produced: the same body against that same version is not sent again (<see cref="ChildApplier"/>).
/// Kept by the owner's UID, not its name, so forgetting one submission never touches another's
/// children (mail and mail2-…) and one recreated under the same name starts afresh.
/// </summary>
public sealed class AppliedVersions
{
    // Classes, not tuples: a dictionary of reference types shares NativeAOT's one compiled copy.
    private readonly ConcurrentDictionary<Child, Applied> _applied = new();

    private sealed record Child(string Owner, ApiResource Resource, string Name);

    private sealed class Applied(string hash, string resourceVersion)
    {
        public string Hash { get; } = hash;
        public string ResourceVersion { get; } = resourceVersion;
    }

    public bool Holds(string ownerUid, ApiResource resource, string name, string hash, string resourceVersion) =>
        _applied.TryGetValue(new Child(ownerUid, resource, name), out var last) && last.Hash == hash && last.ResourceVersion == resourceVersion;

    public void Remember(string ownerUid, ApiResource resource, string name, string hash, string resourceVersion) =>
        _applied[new Child(ownerUid, resource, name)] = new Applied(hash, resourceVersion);

    /// <summary>Forgets one child (deleted by prune).</summary>
    public void Forget(string ownerUid, ApiResource resource, string name) => _applied.TryRemove(new Child(ownerUid, resource, name), out _);

    /// <summary>Forgets every child of a deleted owner.</summary>
    public void Forget(string ownerUid)
    {
        foreach (var key in _applied.Keys)
        {
            if (key.Owner == ownerUid)
            {
                _applied.TryRemove(key, out _);
            }
        }
    }
}
