using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Policy;

/// <summary>
/// What the Service in front of the pods does to the client address that relay decisions judge.
/// A LoadBalancer or NodePort Service with externalTrafficPolicy Cluster (the default) forwards
/// through any node and SNATs to that node's address, so smtpd sees a node, not the client,
/// unless the load balancer announces the client with the PROXY protocol.
/// </summary>
public static class ExposureRules
{
    private static bool HidesClients(ServiceSpec? service) =>
        service is { Type: ServiceKind.LoadBalancer or ServiceKind.NodePort } && service.ExternalTrafficPolicy != TrafficPolicy.Local;

    /// <summary>The listeners the Service exposes whose smtpd takes the TCP peer for the client (no PROXY header read).</summary>
    private static IEnumerable<(SmtpdListener Listener, Listener Spec)> WithHiddenClients(PolicyInput input)
    {
        if (!HidesClients(input.Service))
            yield break;
        foreach (var listener in input.Config.Listeners)
        {
            // Only the spec's listeners are Service ports (the handoff port is reached through the peers Service).
            if (input.Listeners.FirstOrDefault(spec => spec.Port == listener.Port) is { } spec
                && listener.Parameters.Get("smtpd_upstream_proxy_protocol").Length == 0)
            {
                yield return (listener, spec);
            }
        }
    }

    private static string ServiceText(PolicyInput input) =>
        $"spec.workload.service is a {input.Service!.Type} with externalTrafficPolicy {input.Service.ExternalTrafficPolicy?.ToString() ?? "Cluster (unset)"}";

    public static IEnumerable<Finding> ClientAddressHidden(PolicyInput input)
    {
        foreach (var (listener, spec) in WithHiddenClients(input))
        {
            var name = spec.ServiceName;
            yield return Finding.Warning(ConditionTypes.RelayProtected, FindingCodes.ClientAddressHidden, $"spec.listeners.{name}.proxyProtocol",
                $"{ServiceText(input)}, and listener {listener.Label} reads no PROXY protocol header, so clients arriving through another node appear as that node's address: " +
                "trusted networks, logs and rate limits judge the node, not the client. " +
                $"Set spec.listeners.{name}.proxyProtocol to V1V2 and turn on the PROXY protocol at the load balancer, or set externalTrafficPolicy to Local.");
        }
    }

    public static IEnumerable<Finding> TrustedNetworksCoverNodes(PolicyInput input)
    {
        foreach (var (listener, _) in WithHiddenClients(input))
        {
            var parameters = listener.Parameters;
            if (!RelayRules.RelaysForMynetworks(parameters))
                continue;
            var covering = parameters.List("mynetworks")
                .Where(entry => TrustedNetworks.Parse(entry) is { } network && TrustedNetworks.PrivateOverlap(network.Address, network.Prefix).Count > 0)
                .ToList();
            if (covering.Count == 0)
                continue;
            // The spec knows no node or pod CIDR; clusters number both from the private ranges.
            yield return Finding.Error(ConditionTypes.RelayProtected, FindingCodes.TrustedNetworksCoverNodes, parameters.PathOf("mynetworks"),
                $"spec.trustedNetworks (mynetworks) trusts {string.Join(", ", covering)}, inside the private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) " +
                $"where clusters number their nodes and pods, and {ServiceText(input)}: any Internet client that arrives through a node with such an address " +
                "relays without authentication. (The spec names no node or pod CIDRs, so this judges by the private ranges.) " +
                "Set proxyProtocol V1V2 on every listener the Service exposes (with the PROXY protocol on at the load balancer), or externalTrafficPolicy Local, or remove these trusted networks.");
        }
    }
}
