namespace Mailsub.Postfix;

/// <summary>
/// The ports a Postfix pod keeps for itself beside its listeners: the Deployment declares them,
/// the entrypoint binds them, and the validator refuses a listener on one of them.
/// </summary>
public static class PodPorts
{
    /// <summary>The entrypoint's answers to the kubelet's probes (<c>--health</c>: /livez, /readyz) and to
    /// Prometheus (/metrics, the chart's PodMonitor). Not a client port.</summary>
    public const int Health = 8025;

    /// <summary>What the pod uses <paramref name="port"/> for itself, or null when a listener may take it.</summary>
    public static string? OwnUse(int port) => port switch
    {
        Health => "health",
        QueueHandoff.Port => "queue handoff",
        _ => null,
    };
}
