namespace Mailsub.Core.Builders;

/// <summary>What the operator, not the resource, decides about the child objects.</summary>
/// <param name="DefaultImage">Postfix image (with the Mailsub entrypoint) for resources that name none.</param>
/// <param name="DisruptionBudgetApiVersion">policy/v1, or policy/v1beta1 for clusters before 1.21.</param>
/// <param name="PeersClusterIp">The peers Service's cluster IP, once the API server has assigned one.</param>
public sealed record BuildOptions(string DefaultImage, DisruptionBudgetApiVersion DisruptionBudgetApiVersion = DisruptionBudgetApiVersion.V1,
    System.Net.IPAddress? PeersClusterIp = null)
{
    /// <summary>The Postfix image built from images/postfix, for this version of Mailsub.</summary>
    public const string DefaultPostfixImage = "ghcr.io/mailsub/postfix:0.1.0";
}

public enum DisruptionBudgetApiVersion
{
    /// <summary>policy/v1, Kubernetes 1.21 and later.</summary>
    V1,

    /// <summary>policy/v1beta1, the only version Kubernetes 1.20 serves; same fields for what Mailsub sets.</summary>
    V1Beta1,
}
