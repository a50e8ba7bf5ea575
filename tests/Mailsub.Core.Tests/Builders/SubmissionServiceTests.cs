using Mailsub.Core.Api;
using Mailsub.Core.Builders;

namespace Mailsub.Core.Tests.Builders;

public class SubmissionServiceTests
{
    [Fact]
    public void One_explicit_tcp_port_per_listener()
    {
        var service = SubmissionService.Build(Samples.Valid("seed"));

        Assert.Equal(("v1", "Service", "seed", "mail"), (service.ApiVersion, service.Kind, service.Metadata.Name, service.Metadata.NamespaceProperty));
        Assert.Equal(["smtp 25->25 TCP", "submission 587->587 TCP"], service.Spec.Ports.Select(p => $"{p.Name} {p.Port}->{p.TargetPort.Value} {p.Protocol}"));
        Assert.Equal(ChildMetadata.Selector(Samples.Valid("seed")), service.Spec.Selector);
        Assert.Equal("ClusterIP", service.Spec.Type);
    }

    [Fact]
    public void Load_balancer_keeps_its_traffic_policy_and_sorted_annotations()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Workload.Service = new ServiceSpec
        {
            Type = ServiceKind.LoadBalancer,
            ExternalTrafficPolicy = TrafficPolicy.Local,
            Annotations = new() { ["z.example/b"] = "2", ["a.example/a"] = "1" },
        }));

        var service = SubmissionService.Build(valid);

        Assert.Equal("LoadBalancer", service.Spec.Type);
        Assert.Equal("Local", service.Spec.ExternalTrafficPolicy);
        Assert.Equal(["a.example/a", "z.example/b"], service.Metadata.Annotations.Keys);
    }

    [Fact]
    public void Cluster_ip_never_gets_an_external_traffic_policy()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Workload.Service = new ServiceSpec { Type = ServiceKind.ClusterIP, ExternalTrafficPolicy = TrafficPolicy.Local }));

        var service = SubmissionService.Build(valid);

        Assert.Null(service.Spec.ExternalTrafficPolicy);
        Assert.Null(service.Metadata.Annotations);
    }

    [Fact]
    public void Node_port_without_a_policy_leaves_the_servers_default()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Workload.Service = new ServiceSpec { Type = ServiceKind.NodePort }));

        Assert.Null(SubmissionService.Build(valid).Spec.ExternalTrafficPolicy);
    }
}
