using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;

namespace Mailsub.Core.Tests.Policy;

/// <summary>The Service in front of the pods, judged on what the renderer produces for it.</summary>
public class ExposureRulesTests
{
    private static PolicyReport Analyse(params Action<MailSubmissionSpec>[] changes)
    {
        var valid = Gen.Valid(Gen.Submission("m", changes));
        var rendered = PostfixRenderer.Render(valid);
        return PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf));
    }

    private static Action<MailSubmissionSpec> Service(ServiceKind type, TrafficPolicy? policy = null) =>
        s => s.Workload.Service = new ServiceSpec { Type = type, ExternalTrafficPolicy = policy };

    private static readonly Action<MailSubmissionSpec> ProxiedEverywhere = s => s.Listeners = new ListenersSpec
    {
        Submission = new ListenerSpec { ProxyProtocol = ProxyProtocol.V1V2 },
        Submissions = new ListenerSpec { ProxyProtocol = ProxyProtocol.V1V2 },
    };

    private static IReadOnlyList<Finding> Of(PolicyReport report, string code) => report.Findings.Where(f => f.Code == code).ToList();

    [Theory]
    [InlineData(ServiceKind.LoadBalancer, null)]
    [InlineData(ServiceKind.LoadBalancer, TrafficPolicy.Cluster)]
    [InlineData(ServiceKind.NodePort, null)]
    public void A_load_balancer_that_hides_clients_is_a_warning_per_listener_without_PROXY(ServiceKind type, TrafficPolicy? policy)
    {
        var report = Analyse(Service(type, policy));

        var findings = Of(report, FindingCodes.ClientAddressHidden);
        Assert.Equal(["spec.listeners.submissions.proxyProtocol", "spec.listeners.submission.proxyProtocol"], findings.Select(f => f.Location));
        Assert.All(findings, f => Assert.Equal((Severity.Warning, ConditionTypes.RelayProtected), (f.Severity, f.ConditionType)));
        Assert.Contains("appear as that node's address", findings[0].Message);
        Assert.Contains("externalTrafficPolicy to Local", findings[0].Message);
        Assert.Equal(ConditionStatus.True, report.Condition(ConditionTypes.RelayProtected).Status);
        Assert.Equal(FindingCodes.ClientAddressHidden, report.Condition(ConditionTypes.RelayProtected).Reason);
    }

    [Fact]
    public void Only_the_listener_without_PROXY_is_named()
    {
        var report = Analyse(Service(ServiceKind.LoadBalancer),
            s => s.Listeners = new ListenersSpec { Submissions = new ListenerSpec { ProxyProtocol = ProxyProtocol.V1V2 } });

        Assert.Equal(["spec.listeners.submission.proxyProtocol"], Of(report, FindingCodes.ClientAddressHidden).Select(f => f.Location));
    }

    [Fact]
    public void Local_traffic_policy_a_ClusterIP_Service_or_PROXY_everywhere_hide_no_client()
    {
        Assert.Empty(Of(Analyse(Service(ServiceKind.LoadBalancer, TrafficPolicy.Local)), FindingCodes.ClientAddressHidden));
        Assert.Empty(Of(Analyse(Service(ServiceKind.ClusterIP)), FindingCodes.ClientAddressHidden));
        Assert.Empty(Of(Analyse(Service(ServiceKind.LoadBalancer), ProxiedEverywhere), FindingCodes.ClientAddressHidden));
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.244.3.17/32")]
    [InlineData("172.20.0.0/16")]
    [InlineData("192.168.1.0/24")]
    [InlineData("fd00:10::/64")]
    [InlineData("0.0.0.0/0")]
    public void Trusted_private_networks_behind_a_client_hiding_Service_are_an_error(string network)
    {
        var report = Analyse(Service(ServiceKind.LoadBalancer), s => s.TrustedNetworks = [network]);

        var finding = Assert.Single(Of(report, FindingCodes.TrustedNetworksCoverNodes));
        Assert.Equal((Severity.Error, ConditionTypes.RelayProtected, "mynetworks"), (finding.Severity, finding.ConditionType, finding.Location));
        Assert.Contains("judges by the private ranges", finding.Message);
        Assert.Equal(ConditionStatus.False, report.Condition(ConditionTypes.RelayProtected).Status);
    }

    [Theory]
    [InlineData("192.0.2.10/32")]
    [InlineData("127.0.0.0/8")]
    [InlineData("2001:db8::/64")]
    public void Public_or_loopback_trusted_networks_cover_no_node(string network)
    {
        Assert.Empty(Of(Analyse(Service(ServiceKind.LoadBalancer), s => s.TrustedNetworks = [network]), FindingCodes.TrustedNetworksCoverNodes));
    }

    [Fact]
    public void Private_trusted_networks_are_no_error_when_the_client_address_is_kept()
    {
        Action<MailSubmissionSpec> trusting = s => s.TrustedNetworks = ["10.0.0.0/24"];

        Assert.Empty(Of(Analyse(Service(ServiceKind.LoadBalancer, TrafficPolicy.Local), trusting), FindingCodes.TrustedNetworksCoverNodes));
        Assert.Empty(Of(Analyse(Service(ServiceKind.ClusterIP), trusting), FindingCodes.TrustedNetworksCoverNodes));
        Assert.Empty(Of(Analyse(Service(ServiceKind.LoadBalancer), trusting, ProxiedEverywhere), FindingCodes.TrustedNetworksCoverNodes));
    }
}
