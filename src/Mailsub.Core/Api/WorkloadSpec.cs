using System.ComponentModel;
using k8s.Models;

namespace Mailsub.Core.Api;

[Description("The Postfix pods.")]
public sealed class WorkloadSpec
{
    [Range(0, 100)]
    [Description("Number of Postfix pods. Two or more also get a PodDisruptionBudget.")]
    public int Replicas { get; set; } = 2;

    [MaxLength(512)]
    [Description("Postfix image with the Mailsub entrypoint. Empty: the operator's default.")]
    public string? Image { get; set; }

    [Description("When the kubelet pulls the image.")]
    public PullPolicy ImagePullPolicy { get; set; } = PullPolicy.IfNotPresent;

    [Description("CPU and memory of the Postfix container.")]
    public V1ResourceRequirements? Resources { get; set; }

    [Description("The Service in front of the pods.")]
    public ServiceSpec Service { get; set; } = new();

    [Description("Node labels the pods must match.")]
    public Dictionary<string, string> NodeSelector { get; set; } = [];

    [Description("Taints the pods tolerate.")]
    public List<V1Toleration> Tolerations { get; set; } = [];

    [Description("Affinity rules of the pods (the core/v1 Affinity type).")]
    public V1Affinity? Affinity { get; set; }
}

public enum PullPolicy { Always, IfNotPresent, Never }

[Description("The Service in front of the Postfix pods.")]
public sealed class ServiceSpec
{
    [Description("Service type.")]
    public ServiceKind Type { get; set; } = ServiceKind.ClusterIP;

    [Description("Annotations of the Service, for load balancer controllers.")]
    public Dictionary<string, string> Annotations { get; set; } = [];

    [Description("Local keeps the client source address, which trusted networks and rate limits rely on; Cluster may hide it behind a node address. Only for LoadBalancer and NodePort.")]
    public TrafficPolicy? ExternalTrafficPolicy { get; set; }
}

public enum ServiceKind { ClusterIP, NodePort, LoadBalancer }

public enum TrafficPolicy { Cluster, Local }
