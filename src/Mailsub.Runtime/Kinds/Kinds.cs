using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using Mailsub.Runtime.Api;

namespace Mailsub.Runtime.Kinds;

/// <summary>The kinds an operator of this shape watches, ready to hand to an informer.</summary>
public static class Kinds
{
    public static readonly ApiResource ConfigMapResource = new("", "v1", "configmaps", "ConfigMap");
    public static readonly ApiResource SecretResource = new("", "v1", "secrets", "Secret");
    public static readonly ApiResource ServiceResource = new("", "v1", "services", "Service");
    public static readonly ApiResource DeploymentResource = new("apps", "v1", "deployments", "Deployment");
    public static readonly ApiResource PodDisruptionBudgetV1Resource = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget");
    public static readonly ApiResource PodDisruptionBudgetV1Beta1Resource = new("policy", "v1beta1", "poddisruptionbudgets", "PodDisruptionBudget");
    public static readonly ApiResource LeaseResource = new("coordination.k8s.io", "v1", "leases", "Lease");
    public static readonly ApiResource CertificateResource = new("cert-manager.io", "v1", "certificates", "Certificate");
    public static readonly ApiResource NamespaceResource = new("", "v1", "namespaces", "Namespace", Namespaced: false);

    public static readonly TypedKind<V1ConfigMap> ConfigMaps = Typed(ConfigMapResource, SourceGenerationContext.Default.V1ConfigMap);
    public static readonly TypedKind<V1Secret> Secrets = Typed(SecretResource, SourceGenerationContext.Default.V1Secret);
    public static readonly TypedKind<V1Service> Services = Typed(ServiceResource, SourceGenerationContext.Default.V1Service);
    public static readonly TypedKind<V1Deployment> Deployments = Typed(DeploymentResource, SourceGenerationContext.Default.V1Deployment);
    public static readonly TypedKind<V1Lease> Leases = Typed(LeaseResource, SourceGenerationContext.Default.V1Lease);
    public static readonly TypedKind<V1Namespace> Namespaces = Typed(NamespaceResource, SourceGenerationContext.Default.V1Namespace);

    /// <summary>policy/v1 (Kubernetes 1.21+). Check with <see cref="ApiDiscovery"/> first.</summary>
    public static readonly TypedKind<V1PodDisruptionBudget> PodDisruptionBudgetsV1 =
        Typed(PodDisruptionBudgetV1Resource, SourceGenerationContext.Default.V1PodDisruptionBudget);

    /// <summary>policy/v1beta1 (up to 1.24; the only one 1.20 serves): the client has no model, so JSON.</summary>
    public static readonly JsonObjectKind PodDisruptionBudgetsV1Beta1 = new(PodDisruptionBudgetV1Beta1Resource);

    /// <summary>cert-manager.io/v1 Certificate, served only where cert-manager is installed.</summary>
    public static readonly JsonObjectKind Certificates = new(CertificateResource);

    /// <summary>A kind of the client's models, which carry apiVersion, kind and metadata.</summary>
    public static TypedKind<T> Typed<T>(ApiResource resource, JsonTypeInfo<T> typeInfo)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(resource, typeInfo, o => o.Metadata, o =>
        {
            o.ApiVersion = resource.ApiVersion;
            o.Kind = resource.Kind;
        });

    /// <summary>Any resource as JSON objects, e.g. a custom resource.</summary>
    public static JsonObjectKind Json(ApiResource resource) => new(resource);
}
