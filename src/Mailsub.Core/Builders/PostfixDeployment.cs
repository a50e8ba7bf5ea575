using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Builders;

/// <summary>
/// The Postfix pods. Configuration, users and certificates reach the running pods through their
/// mounted ConfigMap and Secrets, and the entrypoint reloads Postfix when they change; so the
/// config hash goes on the Deployment's own metadata (for humans and the controller), never on
/// the pod template, and only an image or pod-spec change rolls the pods.
/// </summary>
public static class PostfixDeployment
{
    public const string ConfigHashAnnotation = "mailsub.dev/config-hash";
    public const string ContainerName = "postfix";
    public const string HealthPortName = "health";

    // 0400: the Secret files are read by the entrypoint, which runs as root, and by nobody else.
    private const int OwnerReadOnly = 256;

    public static V1Deployment Build(ValidSubmission valid, RenderedConfig rendered, BuildOptions options)
    {
        var metadata = ChildMetadata.For(valid, ChildNames.Postfix(valid));
        metadata.Annotations = new Dictionary<string, string> { [ConfigHashAnnotation] = rendered.Hash };
        var workload = valid.Spec.Workload;
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = metadata,
            Spec = new V1DeploymentSpec
            {
                Replicas = workload.Replicas,
                Selector = new V1LabelSelector { MatchLabels = ChildMetadata.Selector(valid) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = ChildMetadata.Labels(valid) },
                    Spec = new V1PodSpec
                    {
                        // Postfix never talks to the API server, and service variables would only
                        // crowd its environment.
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        SecurityContext = new V1PodSecurityContext { SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                        Containers = [Container(valid, options)],
                        Volumes = Volumes(valid),
                        NodeSelector = workload.NodeSelector.Count > 0 ? Sorted(workload.NodeSelector) : null,
                        Tolerations = workload.Tolerations.Count > 0 ? [.. workload.Tolerations] : null,
                        Affinity = workload.Affinity,
                    },
                },
            },
        };
    }

    private static V1Container Container(ValidSubmission valid, BuildOptions options)
    {
        var workload = valid.Spec.Workload;
        return new V1Container
        {
            Name = ContainerName,
            Image = workload.Image ?? options.DefaultImage,
            ImagePullPolicy = workload.ImagePullPolicy.ToString(),
            Args = Args(valid),
            Ports =
            [
                .. valid.Listeners.Select(l => new V1ContainerPort { Name = l.ServiceName, ContainerPort = l.Port, Protocol = "TCP" }),
                new V1ContainerPort { Name = HealthPortName, ContainerPort = PodPorts.Health, Protocol = "TCP" },
                .. valid.TlsSource == TlsSource.None ? Array.Empty<V1ContainerPort>()
                    : [new V1ContainerPort { Name = PeersService.PortName, ContainerPort = QueueHandoff.Port, Protocol = "TCP" }],
            ],
            // The entrypoint answers these (src/Mailsub.Entrypoint/HealthServer.cs): ready when every
            // listener greets with 220, not only when master holds its port; alive while master
            // runs, so a drain is never killed as a hung container. The same port serves /metrics,
            // which the chart's PodMonitor scrapes by the name HealthPortName.
            ReadinessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/readyz", Port = HealthPortName },
                PeriodSeconds = 5, TimeoutSeconds = 5, FailureThreshold = 2,
            },
            LivenessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/livez", Port = HealthPortName },
                InitialDelaySeconds = 10, PeriodSeconds = 10, TimeoutSeconds = 5, FailureThreshold = 3,
            },
            Resources = workload.Resources,
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                // Postfix writes only to the state emptyDir (queue, data, sasldb) and /tmp.
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"], Add = Capabilities(valid) },
            },
            VolumeMounts = Mounts(valid),
        };
    }

    /// <summary>
    /// Postfix's master runs as root and needs only these of root's powers (CapabilityTests starts
    /// the pod without each and shows what breaks):
    /// CHOWN and FOWNER to create the queue in the empty state volume and set its owners and modes
    /// (postfix check / post-install create-missing, postfix set-permissions; sasldb root:postfix);
    /// DAC_OVERRIDE because master and postfix-script, as root, work inside queue directories
    /// owned by postfix with mode 0700 (without any of the three: "fatal: unable to create missing
    /// queue directories"); SETUID and SETGID to start every daemon as the postfix user ("fatal:
    /// setuid(100): Operation not permitted"); NET_BIND_SERVICE only when a listener is below 1024
    /// (master exits). KILL only for stopping: master's SIGTERM to its children, which run as
    /// postfix, and the entrypoint's kill of master's process tree when a drain overruns; the pod
    /// serves and reloads without it. No local delivery runs (main.cf), so none of these is for
    /// commands run as an alias owner; no chroot is used (master.cf), so no SYS_CHROOT.
    /// </summary>
    private static List<string> Capabilities(ValidSubmission valid)
    {
        List<string> capabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID"];
        if (valid.Listeners.Any(l => l.Port < 1024))
            capabilities.Add("NET_BIND_SERVICE");
        return capabilities;
    }

    private static List<string> Args(ValidSubmission valid)
    {
        List<string> args = ["--config", ContainerPaths.Config, "--users", ContainerPaths.Users];
        if (valid.TlsSource != TlsSource.None)
            args.AddRange(["--tls", ContainerPaths.Tls]);
        args.AddRange(["--state", ContainerPaths.State]);
        if (valid.Spec.RelayHost?.CredentialsSecretRef is not null)
            args.AddRange(["--relay", ContainerPaths.Relay]);
        if (valid.DkimKeys.Count > 0)
            args.AddRange(["--dkim", ContainerPaths.Dkim]);
        args.AddRange(["--health", PodPorts.Health.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        foreach (var listener in valid.Listeners)
        {
            var tls = listener.Kind == ListenerKind.Submissions ? "/tls" : "";
            var proxy = listener.ProxyProtocol == ProxyProtocol.V1V2 ? "/proxy" : "";
            args.AddRange(["--check", $"{listener.Port}{tls}{proxy}"]);
        }
        return args;
    }

    private static List<V1Volume> Volumes(ValidSubmission valid)
    {
        List<V1Volume> volumes =
        [
            // Every key at the top level, as the entrypoint's --config expects: main.cf,
            // master.cf and smtpd.conf. The entrypoint installs smtpd.conf as
            // sasl/smtpd.conf of its runtime copy (ContainerPaths.SaslConfigFile) itself.
            new()
            {
                Name = "config",
                ConfigMap = new V1ConfigMapVolumeSource { Name = ChildNames.Postfix(valid) },
            },
            SecretVolume("users", ChildNames.Users(valid)),
        ];
        if (ChildNames.TlsSecret(valid) is { } tlsSecret)
            volumes.Add(SecretVolume("tls", tlsSecret));
        if (valid.Spec.RelayHost?.CredentialsSecretRef is { } credentials)
            volumes.Add(SecretVolume("relay", credentials.Name));
        // The Secret's keys change with a rotation, the volume does not: no rollout.
        if (valid.DkimKeys.Count > 0)
            volumes.Add(SecretVolume("dkim", ChildNames.Dkim(valid)));
        volumes.Add(new V1Volume { Name = "state", EmptyDir = new V1EmptyDirVolumeSource() });
        volumes.Add(new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() });
        return volumes;
    }

    private static List<V1VolumeMount> Mounts(ValidSubmission valid)
    {
        // Whole directories, never subPath: only those see Secret and ConfigMap updates.
        List<V1VolumeMount> mounts =
        [
            new() { Name = "config", MountPath = ContainerPaths.Config, ReadOnlyProperty = true },
            new() { Name = "users", MountPath = ContainerPaths.Users, ReadOnlyProperty = true },
        ];
        if (valid.TlsSource != TlsSource.None)
            mounts.Add(new V1VolumeMount { Name = "tls", MountPath = ContainerPaths.Tls, ReadOnlyProperty = true });
        if (valid.Spec.RelayHost?.CredentialsSecretRef is not null)
            mounts.Add(new V1VolumeMount { Name = "relay", MountPath = ContainerPaths.Relay, ReadOnlyProperty = true });
        if (valid.DkimKeys.Count > 0)
            mounts.Add(new V1VolumeMount { Name = "dkim", MountPath = ContainerPaths.Dkim, ReadOnlyProperty = true });
        mounts.Add(new V1VolumeMount { Name = "state", MountPath = ContainerPaths.State });
        mounts.Add(new V1VolumeMount { Name = "tmp", MountPath = ContainerPaths.Temp });
        return mounts;
    }

    private static V1Volume SecretVolume(string name, string secretName) => new()
    {
        Name = name,
        Secret = new V1SecretVolumeSource { SecretName = secretName, DefaultMode = OwnerReadOnly },
    };

    private static Dictionary<string, string> Sorted(Dictionary<string, string> map) =>
        map.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value);
}
