using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Runtime.Api;

namespace Mailsub.Operator;

/// <summary>The cache of one child kind, at the version the server serves.</summary>
public sealed class ChildCache(ChildKind kind, ApiResource resource, InformerSet<JsonObject> objects)
{
    public ChildKind Kind { get; } = kind;
    public ApiResource Resource { get; } = resource;
    public InformerSet<JsonObject> Objects { get; } = objects;
}

/// <summary>What a reconcile reads and writes through: the caches, the writers, what discovery found.</summary>
public sealed class OperatorState
{
    // Written by discovery (a kind served later), read by every reconcile.
    private readonly ConcurrentDictionary<ChildKind, ChildCache> _children = new();

    public required OperatorOptions Options { get; init; }
    public required ApiConnection Api { get; init; }
    public required ServerSideApply Apply { get; init; }
    public required InformerSet<MailSubmission> Submissions { get; init; }
    public required ChildApplier Applier { get; init; }
    public required PodVolumeRefresh VolumeRefresh { get; init; }
    public required UserPasswords Passwords { get; init; }
    public required DkimKeys DkimKeys { get; init; }
    public required SecretReader SecretData { get; init; }
    public required TlsSecretCertificates TlsCertificates { get; init; }
    public required EventRecorder Events { get; init; }
    /// <summary>The live probe of the running services; null with --live-probe=false. Set once the controller's queue exists.</summary>
    public LiveProber? Prober { get; set; }
    public long StatusWrites;
    /// <summary>Status writes refused with 409 (the submission changed since it was read) and retried.</summary>
    public long StatusConflicts;

    /// <summary>The cache of <paramref name="kind"/>; null while the server serves none of its versions.</summary>
    public ChildCache? Child(ChildKind kind) => _children.TryGetValue(kind, out var cache) ? cache : null;

    /// <summary>Makes a child kind's cache visible to reconciles (once synced, for a kind served later).</summary>
    public void Publish(ChildCache cache) => _children[cache.Kind] = cache;

    /// <summary>The caches of the kinds served, in <see cref="ChildKind.All"/> order.</summary>
    public IEnumerable<ChildCache> Children
    {
        get
        {
            foreach (var kind in ChildKind.All)
            {
                if (Child(kind) is { } cache)
                {
                    yield return cache;
                }
            }
        }
    }

    public InformerSet<JsonObject>? CacheOf(ApiResource resource)
    {
        foreach (var kind in ChildKind.All)
        {
            if (Child(kind) is { } cache && cache.Resource == resource)
            {
                return cache.Objects;
            }
        }
        return null;
    }

    public InformerSet<JsonObject> Secrets => Child(ChildKind.Secret)!.Objects;

    public InformerSet<JsonObject> Deployments => Child(ChildKind.Deployment)!.Objects;

    public InformerSet<JsonObject> Services => Child(ChildKind.Service)!.Objects;

    /// <summary>Null while cert-manager's Certificates are not served; set once they are and their cache synced.</summary>
    public InformerSet<JsonObject>? Certificates => Child(ChildKind.Certificate)?.Objects;

    public DisruptionBudgetApiVersion DisruptionBudgetVersion =>
        Child(ChildKind.DisruptionBudget)?.Resource == WellKnownResources.PodDisruptionBudgetsV1Beta1 ? DisruptionBudgetApiVersion.V1Beta1 : DisruptionBudgetApiVersion.V1;

    public bool HasSynced => Submissions.HasSynced && Children.All(c => c.Objects.HasSynced);
}
