namespace Mailsub.Runtime.Api;

/// <summary>The resources an operator of this shape watches and writes, as the API server serves them.</summary>
public static class WellKnownResources
{
    public static readonly ApiResource ConfigMaps = new("", "v1", "configmaps", "ConfigMap");
    public static readonly ApiResource Secrets = new("", "v1", "secrets", "Secret");
    public static readonly ApiResource Services = new("", "v1", "services", "Service");
    public static readonly ApiResource Events = new("", "v1", "events", "Event");
    public static readonly ApiResource Deployments = new("apps", "v1", "deployments", "Deployment");
    public static readonly ApiResource ValidatingWebhookConfigurations =
        new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", Namespaced: false);

    /// <summary>policy/v1 (Kubernetes 1.21+). Check with <see cref="ApiDiscovery"/> first.</summary>
    public static readonly ApiResource PodDisruptionBudgetsV1 = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget");

    /// <summary>policy/v1beta1 (up to 1.24; the only one 1.20 serves).</summary>
    public static readonly ApiResource PodDisruptionBudgetsV1Beta1 = new("policy", "v1beta1", "poddisruptionbudgets", "PodDisruptionBudget");

    /// <summary>cert-manager.io/v1 Certificate, served only where cert-manager is installed.</summary>
    public static readonly ApiResource Certificates = new("cert-manager.io", "v1", "certificates", "Certificate");
}
