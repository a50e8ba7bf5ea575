using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Tests;

/// <summary>The kinds the runtime's tests watch and write: the client's models where it has one.</summary>
internal static class TestKinds
{
    public static readonly ApiResource Leases = new("coordination.k8s.io", "v1", "leases", "Lease");
    public static readonly ApiResource Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false);

    public static readonly TypedKind<V1ConfigMap> ConfigMaps = Typed(WellKnownResources.ConfigMaps, SourceGenerationContext.Default.V1ConfigMap);
    public static readonly TypedKind<V1Secret> Secrets = Typed(WellKnownResources.Secrets, SourceGenerationContext.Default.V1Secret);
    public static readonly TypedKind<V1Service> Services = Typed(WellKnownResources.Services, SourceGenerationContext.Default.V1Service);
    public static readonly TypedKind<V1Deployment> Deployments = Typed(WellKnownResources.Deployments, SourceGenerationContext.Default.V1Deployment);

    /// <summary>cert-manager's Certificate: the client has no model, so JSON.</summary>
    public static readonly JsonObjectKind Certificates = new(WellKnownResources.Certificates);

    private static TypedKind<T> Typed<T>(ApiResource resource, JsonTypeInfo<T> typeInfo)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(resource, typeInfo, o => o.Metadata, o =>
        {
            o.ApiVersion = resource.ApiVersion;
            o.Kind = resource.Kind;
        });
}
