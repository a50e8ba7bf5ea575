using Mailsub.Core.Builders;

namespace Mailsub.Operator;

/// <summary>What `mailsub run` is told: which namespaces, which image, leader election, addresses.</summary>
public sealed record OperatorOptions
{
    /// <summary>Namespaces to watch; empty: all.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];
    public string PostfixImage { get; init; } = BuildOptions.DefaultPostfixImage;
    public int Workers { get; init; } = 2;
    public bool LeaderElect { get; init; }
    public string LeaderElectionNamespace { get; init; } = "default";
    public string LeaderElectionId { get; init; } = "mailsub-operator";
    /// <summary>This process's identity in the lease (hostname and a random suffix by default).</summary>
    public string Identity { get; init; } = Environment.MachineName + "_" + Guid.NewGuid().ToString("N")[..8];
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How often discovery is asked again for an API that was not served (cert-manager installed later).</summary>
    public TimeSpan DiscoveryInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>host:port of the Prometheus endpoint (/metrics); null or "0": off.</summary>
    public string? MetricsBindAddress { get; init; } = ":8080";
    /// <summary>host:port of /healthz and /readyz; null or "0": off.</summary>
    public string? HealthProbeBindAddress { get; init; } = ":8081";
    /// <summary>Probe each submission's running service with the operator's own SMTP client (the LiveProbe condition).</summary>
    public bool LiveProbe { get; init; } = true;
    /// <summary>How often a submission is probed again when nothing changed (±20 % jitter).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Submissions probed at once.</summary>
    public int ProbeConcurrency { get; init; } = 4;
    public ProbeTimeouts ProbeTimeouts { get; init; } = new();
    /// <summary>"ns/service" or "ns/service:port" to "host" or "host:port": where the probe connects instead of the cluster IP (<see cref="ProbeTargetParser"/>).</summary>
    public IReadOnlyDictionary<string, string> ProbeTargets { get; init; } = new Dictionary<string, string>();
    /// <summary>host:port of the validating admission webhook (HTTPS, every replica); null or "0": off.</summary>
    public string? WebhookBindAddress { get; init; }
    /// <summary>Folder with the webhook's tls.crt and tls.key (a mounted Secret; read again when they change).</summary>
    public string WebhookCertDir { get; init; } = "/tmp/k8s-webhook-server/serving-certs";
    /// <summary>
    /// Without cert-manager: the Secret (in <see cref="LeaderElectionNamespace"/>) holding the
    /// operator's own webhook CA and serving certificate, made, renewed and written to
    /// <see cref="WebhookCertDir"/> by the operator; null: the files are given (cert-manager's Secret mounted).
    /// </summary>
    public string? WebhookCertSecret { get; init; }
    /// <summary>The Service in front of the webhook (the certificate's name), with <see cref="WebhookCertSecret"/>.</summary>
    public string WebhookServiceName { get; init; } = "mailsub-webhook";
    /// <summary>The ValidatingWebhookConfiguration whose caBundle the leader sets, with <see cref="WebhookCertSecret"/>.</summary>
    public string? WebhookConfigurationName { get; init; }
    /// <summary>Extra IP addresses in the self-managed certificate (tests point clientConfig.url at 127.0.0.1).</summary>
    public IReadOnlyList<System.Net.IPAddress> WebhookAddresses { get; init; } = [];
}
