using k8s;
using Mailsub.Runtime.Api;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Runtime.Tests.Integration;

/// <summary>The integration tests share one real control plane and run one at a time.</summary>
[CollectionDefinition(ControlPlaneFixture.Collection)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>;

internal static class ControlPlaneConnections
{
    /// <summary>A runtime connection to the shared kube-apiserver, from its kubeconfig as
    /// `mailsub run --kubeconfig` makes one.</summary>
    public static ApiConnection Connect(this ControlPlaneFixture cp) =>
        ApiConnection.FromConfig(KubernetesClientConfiguration.BuildConfigFromConfigFile(cp.KubeconfigPath));
}
