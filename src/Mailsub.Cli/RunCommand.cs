using System.CommandLine;
using System.Runtime.InteropServices;
using k8s;
using Mailsub.Core.Builders;
using Mailsub.Operator;

namespace Mailsub.Cli;

/// <summary>`mailsub run`: the operator. Stops gracefully on SIGTERM or SIGINT.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file. Default: in-cluster service account, else $KUBECONFIG, else ~/.kube/config." };
        var namespaces = new Option<string[]>("--namespace", "-n") { Description = "Namespace to watch (repeatable). Default: all namespaces." };
        var image = new Option<string>("--postfix-image") { Description = "Postfix image for resources that name none.", DefaultValueFactory = _ => BuildOptions.DefaultPostfixImage };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Run reconciles only while holding a coordination.k8s.io Lease, so replicas can stand by." };
        var leaseNamespace = new Option<string?>("--leader-election-namespace") { Description = "Namespace of the Lease. Default: the pod's namespace in-cluster, else default." };
        var leaseId = new Option<string>("--leader-election-id") { Description = "Name of the Lease.", DefaultValueFactory = _ => "mailsub-operator" };
        var metrics = new Option<string>("--metrics-bind-address") { Description = "Address of /metrics (Prometheus); 0 turns it off.", DefaultValueFactory = _ => ":8080" };
        var probes = new Option<string>("--health-probe-bind-address") { Description = "Address of /healthz and /readyz; 0 turns it off.", DefaultValueFactory = _ => ":8081" };
        var webhook = new Option<string>("--webhook-bind-address") { Description = "Address of the validating admission webhook (HTTPS, POST " + SubmissionAdmission.Path + ", on every replica); 0 turns it off.", DefaultValueFactory = _ => "0" };
        var webhookCerts = new Option<string>("--webhook-cert-dir") { Description = "Folder with the webhook's tls.crt and tls.key (a mounted Secret); read again when they change.", DefaultValueFactory = _ => "/tmp/k8s-webhook-server/serving-certs" };
        var webhookSecret = new Option<string?>("--webhook-cert-secret") { Description = "Without cert-manager: the Secret (in the pod's namespace) where the operator keeps its own webhook CA and serving certificate; it writes them to --webhook-cert-dir and renews them." };
        var webhookService = new Option<string>("--webhook-service") { Description = "The Service in front of the webhook: the self-managed certificate is for SERVICE.NAMESPACE.svc.", DefaultValueFactory = _ => "mailsub-webhook" };
        var webhookConfiguration = new Option<string?>("--webhook-configuration") { Description = "With --webhook-cert-secret: the ValidatingWebhookConfiguration whose caBundle the leader keeps equal to the CA." };
        var workers = new Option<int>("--workers") { Description = "Concurrent reconciles.", DefaultValueFactory = _ => 2 };
        var liveProbe = new Option<bool>("--live-probe")
        {
            Description = "Probe each MailSubmission's Service with the operator's own SMTP client (banner, STARTTLS, TLS and certificate, relay refused) into the LiveProbe condition; --live-probe=false turns it off.",
            DefaultValueFactory = _ => true,
        };
        var probeInterval = new Option<int>("--probe-interval-seconds") { Description = "Seconds between two probes of an unchanged submission (±20 % jitter); a change is probed as soon as the Deployment is available.", DefaultValueFactory = _ => 300 };
        var probeTargets = new Option<string[]>("--probe-target")
        {
            Description = "NAMESPACE/SERVICE[:PORT]=HOST[:PORT] (repeatable): where the live probe connects instead of the Service's cluster IP, for an operator outside the cluster network or tests.",
        };
        var command = new Command("run", "Run the operator: reconcile MailSubmissions into Postfix Deployments, configuration, users, TLS and status.")
        {
            kubeconfig, namespaces, image, leaderElect, leaseNamespace, leaseId, metrics, probes, webhook, webhookCerts, webhookSecret, webhookService, webhookConfiguration, workers, liveProbe, probeInterval, probeTargets,
        };
        command.SetAction(parse =>
        {
            KubernetesClientConfiguration config;
            try
            {
                config = LoadConfig(parse.GetValue(kubeconfig));
            }
            catch (Exception ex) when (ex is IOException or k8s.Exceptions.KubeConfigException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"mailsub run: no usable Kubernetes configuration: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
            if (parse.GetValue(workers) < 1)
            {
                Console.Error.WriteLine("mailsub run: --workers must be at least 1");
                return ExitCodes.InvalidInput;
            }
            if (parse.GetValue(probeInterval) < 1)
            {
                Console.Error.WriteLine("mailsub run: --probe-interval-seconds must be at least 1");
                return ExitCodes.InvalidInput;
            }
            var targets = ProbeTargetParser.Parse(parse.GetValue(probeTargets) ?? [], out var targetError);
            if (targetError is not null)
            {
                Console.Error.WriteLine($"mailsub run: {targetError}");
                return ExitCodes.InvalidInput;
            }
            var options = new OperatorOptions
            {
                Namespaces = parse.GetValue(namespaces) ?? [],
                PostfixImage = parse.GetValue(image)!,
                LeaderElect = parse.GetValue(leaderElect),
                LeaderElectionNamespace = parse.GetValue(leaseNamespace) ?? PodNamespace() ?? "default",
                LeaderElectionId = parse.GetValue(leaseId)!,
                MetricsBindAddress = parse.GetValue(metrics),
                HealthProbeBindAddress = parse.GetValue(probes),
                WebhookBindAddress = parse.GetValue(webhook),
                WebhookCertDir = parse.GetValue(webhookCerts)!,
                WebhookCertSecret = parse.GetValue(webhookSecret),
                WebhookServiceName = parse.GetValue(webhookService)!,
                WebhookConfigurationName = parse.GetValue(webhookConfiguration),
                Workers = parse.GetValue(workers),
                LiveProbe = parse.GetValue(liveProbe),
                ProbeInterval = TimeSpan.FromSeconds(parse.GetValue(probeInterval)),
                ProbeTargets = targets,
            };
            using var stop = new CancellationTokenSource();
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true; // shut down ourselves: finish in-flight reconciles, release the lease
                stop.Cancel();
            }
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var loggers = new KeyValueLoggerFactory(Console.Out);
            return new SubmissionOperator(config, options, loggers).RunAsync(stop.Token).GetAwaiter().GetResult();
        });
        return command;
    }

    private static KubernetesClientConfiguration LoadConfig(string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        }
        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        return KubernetesClientConfiguration.BuildConfigFromConfigFile(
            Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } env ? env.Split(':')[0]
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"));
    }

    private static string? PodNamespace()
    {
        const string file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }
}
