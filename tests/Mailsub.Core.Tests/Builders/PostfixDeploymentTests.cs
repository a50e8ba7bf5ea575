using k8s;
using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Builders;

public class PostfixDeploymentTests
{
    [Fact]
    public void Runs_the_default_image_unless_the_resource_names_one()
    {
        Assert.Equal(BuildGen.DefaultImage, Container(Build(Gen.Valid(Gen.Submission("m")))).Image);
        Assert.Equal("example.org/postfix:1", Container(Build(Gen.Valid(Gen.Submission("m", s => s.Workload.Image = "example.org/postfix:1")))).Image);
        Assert.Equal("IfNotPresent", Container(Build(Gen.Valid(Gen.Submission("m")))).ImagePullPolicy);
    }

    [Fact]
    public void Entrypoint_gets_the_mounted_directories_and_the_listeners_its_readiness_checks()
    {
        string[] health = ["--health", "8025"];
        Assert.Equal(["--config", "/etc/mailsub/config", "--users", "/etc/mailsub/users", "--tls", "/etc/mailsub/tls", "--state", "/var/lib/mailsub",
                .. health, "--check", "465/tls", "--check", "587"],
            Container(Build(Samples.Valid("modern"))).Args);
        Assert.Equal(["--config", "/etc/mailsub/config", "--users", "/etc/mailsub/users", "--tls", "/etc/mailsub/tls", "--state", "/var/lib/mailsub", "--relay", "/etc/mailsub/relay",
                .. health, "--check", "465/tls", "--check", "587"],
            Container(Build(Variations.Valid("relay-credentials-verify"))).Args);
        Assert.Equal(["--config", "/etc/mailsub/config", "--users", "/etc/mailsub/users", "--state", "/var/lib/mailsub", .. health, "--check", "25"],
            Container(Build(Variations.Valid("smtp-only-no-tls"))).Args);
        // A PROXY listener's check sends the header first, or smtpd drops it.
        Assert.Equal(["--check", "25/proxy", "--check", "465/tls/proxy", "--check", "587/proxy"],
            Container(Build(Variations.Valid("proxy-protocol"))).Args.SkipWhile(a => a != "--check"));
    }

    [Fact]
    public void Each_listener_is_a_named_tcp_port_and_the_probes_ask_the_entrypoint()
    {
        var container = Container(Build(Samples.Valid("modern")));

        Assert.Equal(["submissions/465/TCP", "submission/587/TCP", "health/8025/TCP", "handoff/19587/TCP"], container.Ports.Select(p => $"{p.Name}/{p.ContainerPort}/{p.Protocol}"));
        Assert.Equal(("/readyz", "health"), (container.ReadinessProbe.HttpGet.Path, (string)container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/livez", "health"), (container.LivenessProbe.HttpGet.Path, (string)container.LivenessProbe.HttpGet.Port.Value));
    }

    [Fact]
    public void Config_hash_is_on_the_deployment_not_on_the_pods()
    {
        var valid = Samples.Valid("modern");
        var rendered = BuildGen.Rendered(valid);

        var deployment = PostfixDeployment.Build(valid, rendered, BuildGen.Options());

        Assert.Equal(rendered.Hash, deployment.Metadata.Annotations[PostfixDeployment.ConfigHashAnnotation]);
        Assert.Null(deployment.Spec.Template.Metadata.Annotations);
    }

    [Fact]
    public void A_config_change_leaves_the_pod_template_alone()
    {
        var before = Gen.Valid(Gen.Submission("m"));
        var after = Gen.Valid(Gen.Submission("m", s => s.Limits.MessageSizeBytes = 5000000, s => s.Auth.Users.Add(new UserSpec { Name = "bob" })));

        var old = PostfixDeployment.Build(before, BuildGen.Rendered(before), BuildGen.Options());
        var updated = PostfixDeployment.Build(after, BuildGen.Rendered(after), BuildGen.Options());

        Assert.NotEqual(old.Metadata.Annotations[PostfixDeployment.ConfigHashAnnotation], updated.Metadata.Annotations[PostfixDeployment.ConfigHashAnnotation]);
        Assert.Equal(KubernetesJson.Serialize(old.Spec.Template), KubernetesJson.Serialize(updated.Spec.Template));
    }

    [Fact]
    public void Selector_holds_only_name_and_instance_and_matches_the_pods()
    {
        var deployment = Build(Samples.Valid("seed"));

        Assert.Equal(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "postfix", ["app.kubernetes.io/instance"] = "seed" }, deployment.Spec.Selector.MatchLabels);
        Assert.All(deployment.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
        Assert.Equal(("apps/v1", "Deployment", "seed-postfix", "mail", 2), (deployment.ApiVersion, deployment.Kind, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, deployment.Spec.Replicas));
    }

    [Fact]
    public void Drops_every_capability_but_what_postfix_master_needs()
    {
        var security = Container(Build(Samples.Valid("modern"))).SecurityContext;

        Assert.False(security.AllowPrivilegeEscalation);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.Equal(["CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID", "NET_BIND_SERVICE"], security.Capabilities.Add);
        Assert.Equal("RuntimeDefault", Build(Samples.Valid("modern")).Spec.Template.Spec.SecurityContext.SeccompProfile.Type);
    }

    [Fact]
    public void High_ports_need_no_net_bind_service()
    {
        var security = Container(Build(Gen.Valid(Gen.Submission("m", s => s.Listeners = new ListenersSpec
        {
            Submission = new ListenerSpec { Port = 2587 },
            Submissions = new ListenerSpec { Port = 2465 },
        })))).SecurityContext;

        Assert.DoesNotContain("NET_BIND_SERVICE", security.Capabilities.Add);
    }

    [Fact]
    public void Mounts_every_config_key_at_the_top_level_and_secrets_owner_read_only()
    {
        var valid = Variations.Valid("relay-credentials-verify");
        var pod = Build(valid).Spec.Template.Spec;

        Assert.Equal(["config", "users", "tls", "relay", "state", "tmp"], pod.Volumes.Select(v => v.Name));
        // The entrypoint reads --config DIR/{main.cf,master.cf,smtpd.conf}: no items, no subdirectory.
        Assert.Null(pod.Volumes[0].ConfigMap.Items);
        Assert.Equal(["main.cf", "master.cf", "smtpd.conf"],
            PostfixConfigMap.Build(valid, BuildGen.Rendered(valid), BuildGen.Options()).Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("relay-postfix", pod.Volumes[0].ConfigMap.Name);
        Assert.Equal(["relay-users", "relay-tls", "relay-credentials"], pod.Volumes.Where(v => v.Secret is not null).Select(v => v.Secret.SecretName));
        Assert.All(pod.Volumes.Where(v => v.Secret is not null), v => Assert.Equal(256, v.Secret.DefaultMode));
        Assert.Equal(["config:/etc/mailsub/config:ro", "users:/etc/mailsub/users:ro", "tls:/etc/mailsub/tls:ro", "relay:/etc/mailsub/relay:ro", "state:/var/lib/mailsub:rw", "tmp:/tmp:rw"],
            pod.Containers[0].VolumeMounts.Select(m => $"{m.Name}:{m.MountPath}:{(m.ReadOnlyProperty == true ? "ro" : "rw")}"));
        Assert.All(pod.Containers[0].VolumeMounts, m => Assert.Null(m.SubPath));
    }

    [Fact]
    public void Tls_secret_is_cert_managers_or_the_named_one()
    {
        Assert.Equal("modern-tls", TlsVolume(Samples.Valid("modern")));
        Assert.Equal("mail-example-net-tls", TlsVolume(Samples.Valid("seed")));
        Assert.Null(TlsVolume(Variations.Valid("smtp-only-no-tls")));
    }

    [Fact]
    public void Scheduling_and_resources_come_from_the_workload()
    {
        var valid = Gen.Valid(Gen.Submission("m", s =>
        {
            s.Workload.NodeSelector = new() { ["zone"] = "a", ["disk"] = "ssd" };
            s.Workload.Tolerations = [new V1Toleration { Key = "mail", OperatorProperty = "Exists", Effect = "NoSchedule" }];
            s.Workload.Affinity = new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity() };
            s.Workload.Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } };
            s.Workload.Replicas = 3;
        }));

        var deployment = Build(valid);
        var pod = deployment.Spec.Template.Spec;

        Assert.Equal(["disk", "zone"], pod.NodeSelector.Keys);
        Assert.Equal("mail", Assert.Single(pod.Tolerations).Key);
        Assert.NotNull(pod.Affinity.PodAntiAffinity);
        Assert.Equal("100m", pod.Containers[0].Resources.Requests["cpu"].ToString());
        Assert.Equal(3, deployment.Spec.Replicas);
    }

    [Fact]
    public void Pods_get_no_service_account_token_and_no_service_links()
    {
        var pod = Build(Samples.Valid("seed")).Spec.Template.Spec;

        Assert.False(pod.AutomountServiceAccountToken);
        Assert.False(pod.EnableServiceLinks);
        Assert.Null(pod.NodeSelector);
        Assert.Null(pod.Tolerations);
    }

    private static V1Deployment Build(ValidSubmission valid) => PostfixDeployment.Build(valid, BuildGen.Rendered(valid), BuildGen.Options());

    private static V1Container Container(V1Deployment deployment) => Assert.Single(deployment.Spec.Template.Spec.Containers);

    private static string? TlsVolume(ValidSubmission valid) =>
        Build(valid).Spec.Template.Spec.Volumes.SingleOrDefault(v => v.Name == "tls")?.Secret.SecretName;
}
