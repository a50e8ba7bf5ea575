using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;

namespace Mailsub.Operator;

/// <summary>How the operator learns that the server serves a child kind.</summary>
public enum ChildServed
{
    /// <summary>A built-in kind every supported server serves: not asked.</summary>
    Always,

    /// <summary>The first of its versions discovery finds at start; with none, objects of the kind are not applied.</summary>
    IfDiscovered,

    /// <summary>
    /// As <see cref="IfDiscovered"/>, and while none is served discovery is asked again every
    /// <see cref="OperatorOptions.DiscoveryInterval"/>: once one is, its informer starts and every
    /// submission is reconciled again (cert-manager installed after the operator).
    /// </summary>
    Later,
}

/// <summary>
/// A kind of object a MailSubmission owns, as controller-runtime's <c>Owns()</c>. <see cref="All"/>
/// is the one table of them: from it the operator discovers which version the server serves, runs
/// one informer per kind (labelled objects only, indexed by submission), maps their events back to
/// the owning submission, skips the builders' objects of kinds not served, and prunes.
/// </summary>
public sealed class ChildKind
{
    private ChildKind(ChildServed served, params ApiResource[] versions)
    {
        Served = served;
        Versions = versions;
    }

    /// <summary>The versions the builders may produce, in the order discovery prefers them.</summary>
    public IReadOnlyList<ApiResource> Versions { get; }

    public ChildServed Served { get; }

    /// <summary>
    /// Submissions also read objects of this kind they do not own, by name (<see cref="SecretReferences"/>):
    /// every object is watched, not only the labelled ones, and its events reach the readers too.
    /// </summary>
    public bool ReadByName { get; private init; }

    /// <summary>Trims each object before it is cached; null keeps all of it. An apply body is
    /// compared with the cached object after the same trim.</summary>
    public Action<JsonObject>? Transform { get; private init; }

    public static readonly ChildKind ConfigMap = new(ChildServed.Always, WellKnownResources.ConfigMaps)
    {
        // Each value as its hash: the rendered files (12.6 KB a ConfigMap, 30 KB of heap once
        // parsed) are only ever compared with an apply body, which ChildApplier hashes the same way.
        Transform = c =>
        {
            foreach (var field in new[] { "data", "binaryData" })
            {
                if (c[field] is JsonObject values)
                {
                    foreach (var key in values.Select(v => v.Key).ToArray())
                    {
                        values[key] = "sha256:" + ChildApplier.Hash(values[key]?.GetValue<string>() ?? "");
                    }
                }
            }
        },
    };

    public static readonly ChildKind Secret = new(ChildServed.Always, WellKnownResources.Secrets)
    {
        ReadByName = true,
        // Metadata only: values are read through SecretReader, for referenced Secrets only.
        Transform = s =>
        {
            s.Remove("data");
            s.Remove("stringData");
        },
    };

    public static readonly ChildKind Deployment = new(ChildServed.Always, WellKnownResources.Deployments);

    public static readonly ChildKind Service = new(ChildServed.Always, WellKnownResources.Services);

    /// <summary>Kubernetes 1.20 serves only policy/v1beta1; the builder writes the version discovered.</summary>
    public static readonly ChildKind DisruptionBudget = new(ChildServed.IfDiscovered,
        WellKnownResources.PodDisruptionBudgetsV1, WellKnownResources.PodDisruptionBudgetsV1Beta1);

    public static readonly ChildKind Certificate = new(ChildServed.Later, WellKnownResources.Certificates);

    /// <summary>Every kind a submission owns, in the order prune walks them. A new kind is a row here (and its builder in the core's ChildObjects).</summary>
    public static readonly IReadOnlyList<ChildKind> All = [ConfigMap, Secret, Deployment, Service, DisruptionBudget, Certificate];

    /// <summary>The kind of a resource <see cref="ResourceOf"/> returned.</summary>
    public static ChildKind Of(ApiResource resource) =>
        All.FirstOrDefault(k => k.Versions.Contains(resource)) ?? throw new ArgumentException($"No child kind {resource}: add it to ChildKind.All.");

    /// <summary>The resource of a built child, by the apiVersion and kind its builder set.</summary>
    public static ApiResource ResourceOf(string apiVersion, string kind)
    {
        foreach (var child in All)
        {
            foreach (var version in child.Versions)
            {
                if (version.ApiVersion == apiVersion && version.Kind == kind)
                {
                    return version;
                }
            }
        }
        throw new ArgumentException($"No child kind {apiVersion} {kind}: add it to ChildKind.All.");
    }

    public override string ToString() => Versions[0].Plural;
}
