using k8s.Models;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Builders;

/// <summary>
/// The replicas' handoff listener (QueueHandoff), inside the cluster only: a ClusterIP Service of
/// its own, so a LoadBalancer or NodePort for the clients never exposes it. A terminating pod is
/// not ready, so the Service sends its handoff to the other replicas. Only with a certificate,
/// which is what a peer proves itself with.
/// </summary>
public static class PeersService
{
    public const string PortName = "handoff";

    public static V1Service? Build(ValidSubmission valid) => valid.TlsSource == TlsSource.None ? null : new V1Service
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = ChildMetadata.For(valid, ChildNames.Peers(valid)),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = ChildMetadata.Selector(valid),
            Ports = [new V1ServicePort { Name = PortName, Port = QueueHandoff.Port, TargetPort = PortName, Protocol = "TCP" }],
        },
    };
}
