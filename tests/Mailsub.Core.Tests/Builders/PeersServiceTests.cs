using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Postfix;

namespace Mailsub.Core.Tests.Builders;

public class PeersServiceTests
{
    [Fact]
    public void Is_a_cluster_internal_Service_for_the_handoff_port_only()
    {
        var valid = Samples.Valid("modern");

        var service = PeersService.Build(valid)!;

        Assert.Equal(("v1", "Service", "modern-peers", "ClusterIP"), (service.ApiVersion, service.Kind, service.Metadata.Name, service.Spec.Type));
        Assert.Equal(ChildMetadata.Selector(valid), service.Spec.Selector);
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal((QueueHandoff.Port, PeersService.PortName, "TCP"), (port.Port, port.TargetPort.Value, port.Protocol));
    }

    [Fact]
    public void Without_a_certificate_there_is_no_handoff()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Tls = new TlsSpec { SmtpSecurityLevel = SmtpTlsLevel.None },
            s => s.Listeners = new ListenersSpec
            {
                Submission = new ListenerSpec { Enabled = false },
                Submissions = new ListenerSpec { Enabled = false },
                Smtp = new ListenerSpec { Enabled = true },
            }));

        Assert.Null(PeersService.Build(valid));
    }
}
