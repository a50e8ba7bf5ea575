namespace Mailsub.Chart.Tests;

/// <summary>The chart rendered by the real helm 4 (hack/tools.sh), without a cluster.</summary>
public class ChartTemplateTests
{
    /// <summary>The documented variants (values.yaml, charts/mailsub/README.md).</summary>
    public static TheoryData<string, string[]> Variants => new()
    {
        { "defaults", [] },
        { "namespaced", ["--set", "watchNamespaces={mail,mail-staging}"] },
        { "serviceMonitor", ["--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.serviceMonitor.labels.release=prometheus"] },
        { "podMonitor", ["--set", "metrics.podMonitor.enabled=true", "--set", "metrics.podMonitor.labels.release=prometheus"] },
        { "networkPolicy", ["--set", "networkPolicy.enabled=true", "--set", "networkPolicy.apiServer.cidrs={10.0.0.1/32}"] },
        { "single replica", ["--set", "replicaCount=1", "--set", "leaderElection.enabled=false"] },
        { "live probe off", ["--set", "liveProbe.enabled=false", "--set", "networkPolicy.enabled=true"] },
        { "webhook, self-managed TLS", ["--set", "webhook.enabled=true"] },
        { "webhook, cert-manager", ["--set", "webhook.enabled=true", "--set", "webhook.certManager.enabled=true"] },
    };

    [Fact]
    public async Task Helm_lint_strict_is_clean()
    {
        var result = await Tools.TryHelm(null, "lint", "--strict", Tools.ChartDirectory);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("[WARNING]", result.Output);
        Assert.DoesNotContain("[ERROR]", result.Output);
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", result.Output);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Template_is_deterministic_and_passes_the_schema(string variant, string[] values)
    {
        // helm template validates the values against values.schema.json before it renders.
        var first = await Rendered.TemplateAsync(values);
        var second = await Rendered.TemplateAsync(values);
        Assert.True(first.Yaml == second.Yaml, $"{variant}: two renders differ");
        Assert.Contains("Deployment", first.Kinds);
        Assert.Contains("ServiceAccount", first.Kinds);
        Assert.Contains("Service", first.Kinds);
        Assert.DoesNotContain("helm.sh/chart", first.Yaml);
    }

    [Fact]
    public async Task Defaults_run_two_leader_electing_hardened_replicas()
    {
        var rendered = await Rendered.TemplateAsync();
        var deployment = rendered.Single("Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal(2L, (long)deployment["spec"]!["replicas"]!);
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("run", args[0]);
        Assert.Contains("--leader-elect", args);
        Assert.Contains("--leader-election-namespace=$(POD_NAMESPACE)", args);
        Assert.Contains("--health-probe-bind-address=:8081", args);
        Assert.Contains("--metrics-bind-address=:8080", args);
        Assert.Contains("--postfix-image=ghcr.io/mailsub/postfix:0.1.0", args);
        Assert.Contains("--workers=2", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--namespace", StringComparison.Ordinal));
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal("RuntimeDefault", (string)pod["securityContext"]!["seccompProfile"]!["type"]!);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.False((bool)container["securityContext"]!["allowPrivilegeEscalation"]!);
        Assert.Equal("ALL", (string)container["securityContext"]!["capabilities"]!["drop"]![0]!);
        Assert.Equal("/healthz", (string)container["livenessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/readyz", (string)container["readinessProbe"]!["httpGet"]!["path"]!);
        Assert.NotNull(container["resources"]!["requests"]);
        Assert.Equal(1L, (long)rendered.Single("PodDisruptionBudget")["spec"]!["minAvailable"]!);
        Assert.Equal(["mailsub", "mailsub-webhook"], rendered.OfKind("ClusterRole").Select(r => (string)r["metadata"]!["name"]!).Order());
        Assert.DoesNotContain("ServiceMonitor", rendered.Kinds);
        Assert.DoesNotContain("PodMonitor", rendered.Kinds);
        Assert.DoesNotContain("NetworkPolicy", rendered.Kinds);
        // The webhook is on, with the operator's own CA: no cert-manager objects.
        Assert.Equal("Fail", (string)rendered.Single("ValidatingWebhookConfiguration")["webhooks"]![0]!["failurePolicy"]!);
        Assert.DoesNotContain("Certificate", rendered.Kinds);
    }

    [Fact]
    public async Task Namespaced_mode_has_a_role_per_namespace_and_nothing_cluster_wide()
    {
        var rendered = await Rendered.TemplateAsync("--set", "watchNamespaces={mail,mail-staging}");
        OnlyTheWebhookConfigurationIsClusterWide(rendered);
        var roles = rendered.OfKind("Role").Select(r => (string)r["metadata"]!["namespace"]!).Order().ToList();
        // + leader election and the webhook certificate's Secret in the release namespace
        Assert.Equal(["mail", "mail-staging", "mailsub-system", "mailsub-system"], roles);
        var args = rendered.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal(["--namespace=mail", "--namespace=mail-staging"], args.Where(a => a.StartsWith("--namespace", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Rbac_grants_no_wildcards_nodes_or_rbac_lists_and_patches_pods_only_and_deletes_only_children()
    {
        foreach (var values in new[] { Array.Empty<string>(), ["--set", "watchNamespaces={mail}"] })
        {
            var rendered = await Rendered.TemplateAsync(values);
            foreach (var role in rendered.OfKind("Role").Concat(rendered.OfKind("ClusterRole")))
            {
                foreach (var rule in role["rules"]!.AsArray())
                {
                    var verbs = rule!["verbs"]!.AsArray().Select(v => (string)v!).ToList();
                    var resources = rule["resources"]!.AsArray().Select(v => (string)v!).ToList();
                    var groups = rule["apiGroups"]!.AsArray().Select(v => (string)v!).ToList();
                    Assert.DoesNotContain("*", verbs.Concat(resources).Concat(groups));
                    // Prune (ChildApplier.PruneAsync) deletes children; nothing else is deleted.
                    if (verbs.Contains("delete"))
                        Assert.All(resources, r => Assert.Contains(r, ChildKinds));
                    Assert.DoesNotContain("deletecollection", verbs);
                    Assert.DoesNotContain("escalate", verbs);
                    Assert.DoesNotContain("bind", verbs);
                    Assert.DoesNotContain("impersonate", verbs);
                    Assert.DoesNotContain("rbac.authorization.k8s.io", groups);
                    Assert.DoesNotContain(resources, r => r.StartsWith("pods/", StringComparison.Ordinal) || r == "nodes" || r == "namespaces");
                    // Pods: only found by label and annotated (PodVolumeRefresh); never read, watched or deleted.
                    if (resources.Contains("pods"))
                        Assert.Equal(["list", "patch"], verbs);
                }
            }
        }
    }

    private static readonly string[] ChildKinds = ["configmaps", "secrets", "services", "deployments", "poddisruptionbudgets", "certificates"];

    [Fact]
    public async Task Every_rbac_rule_has_a_comment_saying_why()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(Tools.ChartDirectory, "templates", "rbac.yaml"));
        var lines = template.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("- apiGroups:", StringComparison.Ordinal))
                Assert.True(lines[i - 1].TrimStart().StartsWith('#'), $"rbac.yaml line {i + 1}: a rule without a comment above it");
        }
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Service_monitor_and_network_policy_render_when_enabled()
    {
        var monitor = (await Rendered.TemplateAsync("--set", "metrics.serviceMonitor.enabled=true")).Single("ServiceMonitor");
        Assert.Equal("metrics", (string)monitor["spec"]!["endpoints"]![0]!["port"]!);
        var policy = (await Rendered.TemplateAsync("--set", "networkPolicy.enabled=true")).Single("NetworkPolicy");
        Assert.Equal(["Ingress", "Egress"], policy["spec"]!["policyTypes"]!.AsArray().Select(t => (string)t!));
        var ingressPorts = policy["spec"]!["ingress"]!.AsArray().SelectMany(r => r!["ports"]!.AsArray()).Select(p => (long)p!["port"]!);
        Assert.Equal([8080L, 8081L, 9443L], ingressPorts);
    }

    /// <summary>Namespaced mode grants nothing cluster-wide but what a cluster-scoped object needs:
    /// the leader's caBundle update of the chart's own ValidatingWebhookConfiguration, by name.</summary>
    private static void OnlyTheWebhookConfigurationIsClusterWide(Rendered rendered)
    {
        var role = Assert.Single(rendered.OfKind("ClusterRole"));
        Assert.EndsWith("-webhook", (string)role["metadata"]!["name"]!, StringComparison.Ordinal);
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["validatingwebhookconfigurations"], rule["resources"]!.AsArray().Select(r => (string)r!));
        Assert.Single(rule["resourceNames"]!.AsArray());
        Assert.Equal(["get", "update"], rule["verbs"]!.AsArray().Select(v => (string)v!));
        Assert.Equal((string)role["metadata"]!["name"]!, (string)rendered.Single("ClusterRoleBinding")["roleRef"]!["name"]!);
    }

    [Fact]
    public async Task Live_probe_values_render_the_run_flags()
    {
        static async Task<List<string>> ArgsAsync(params string[] values) =>
            [.. (await Rendered.TemplateAsync(values)).Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!)];

        var defaults = await ArgsAsync();
        Assert.Contains("--live-probe=true", defaults);
        Assert.Contains("--probe-interval-seconds=300", defaults);
        Assert.Contains("--probe-interval-seconds=60", await ArgsAsync("--set", "liveProbe.intervalSeconds=60"));
        var off = await ArgsAsync("--set", "liveProbe.enabled=false");
        Assert.Contains("--live-probe=false", off);
        Assert.DoesNotContain(off, a => a.StartsWith("--probe-interval-seconds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_network_policy_lets_the_live_probe_reach_the_postfix_pods_in_any_namespace()
    {
        static IEnumerable<System.Text.Json.Nodes.JsonNode> ProbeRules(Rendered rendered) =>
            rendered.Single("NetworkPolicy")["spec"]!["egress"]!.AsArray().OfType<System.Text.Json.Nodes.JsonNode>()
                .Where(r => r["to"]?.AsArray().Any(t => t!["podSelector"] is not null) == true);

        var rule = Assert.Single(ProbeRules(await Rendered.TemplateAsync("--set", "networkPolicy.enabled=true")));
        var peer = Assert.Single(rule["to"]!.AsArray())!;
        Assert.Empty(peer["namespaceSelector"]!.AsObject());
        // The labels ChildMetadata gives every Postfix pod the operator makes.
        Assert.Equal("postfix", (string)peer["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"]!);
        Assert.Equal("mailsub", (string)peer["podSelector"]!["matchLabels"]!["app.kubernetes.io/managed-by"]!);
        Assert.Equal([25L, 465L, 587L], rule["ports"]!.AsArray().Select(p => (long)p!["port"]!));
        Assert.All(rule["ports"]!.AsArray(), p => Assert.Equal("TCP", (string)p!["protocol"]!));

        var custom = Assert.Single(ProbeRules(await Rendered.TemplateAsync("--set", "networkPolicy.enabled=true", "--set", "liveProbe.ports={587,2525}")));
        Assert.Equal([587L, 2525L], custom["ports"]!.AsArray().Select(p => (long)p!["port"]!));
        Assert.Empty(ProbeRules(await Rendered.TemplateAsync("--set", "networkPolicy.enabled=true", "--set", "liveProbe.enabled=false")));
    }

    [Fact]
    public async Task The_pod_monitor_scrapes_the_postfix_pods_health_port_in_the_watched_namespaces()
    {
        var monitor = (await Rendered.TemplateAsync("--set", "metrics.podMonitor.enabled=true")).Single("PodMonitor");
        var endpoint = monitor["spec"]!["podMetricsEndpoints"]![0]!;
        // The container port name and labels PostfixDeployment gives the Postfix pods.
        Assert.Equal(Mailsub.Core.Builders.PostfixDeployment.HealthPortName, (string)endpoint["port"]!);
        Assert.Equal("/metrics", (string)endpoint["path"]!);
        Assert.Equal("postfix", (string)monitor["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]!);
        Assert.Equal("mailsub", (string)monitor["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/managed-by"]!);
        Assert.True((bool)monitor["spec"]!["namespaceSelector"]!["any"]!);

        var namespaced = (await Rendered.TemplateAsync("--set", "metrics.podMonitor.enabled=true", "--set", "watchNamespaces={mail,mail-staging}")).Single("PodMonitor");
        Assert.Equal(["mail", "mail-staging"], namespaced["spec"]!["namespaceSelector"]!["matchNames"]!.AsArray().Select(n => (string)n!));
    }

    [Theory]
    [InlineData("replicaCount=0", "at '/replicaCount': minimum: got 0, want 1")]
    [InlineData("watchNamespaces={Bad_NS}", "at '/watchNamespaces/0': 'Bad_NS' does not match pattern")]
    [InlineData("workers=0", "at '/workers': minimum: got 0, want 1")]
    [InlineData("image.pullPolicy=Sometimes", "at '/image/pullPolicy'")]
    [InlineData("replicaz=2", "additional properties 'replicaz' not allowed")]
    [InlineData("liveProbe.intervalSeconds=0", "at '/liveProbe/intervalSeconds': minimum: got 0, want 1")]
    [InlineData("liveProbe.enabled=maybe", "at '/liveProbe/enabled'")]
    [InlineData("liveProbe.ports={0}", "at '/liveProbe/ports/0': minimum: got 0, want 1")]
    public async Task Bad_values_are_rejected_with_the_path(string value, string message)
    {
        var result = await Tools.TryHelm(null, "template", "mailsub", Tools.ChartDirectory, "--set", value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("values don't meet the specifications of the schema", result.Stderr);
        Assert.Contains(message, result.Stderr);
    }

    [Fact]
    public void Chart_crd_is_the_generated_crd_byte_for_byte()
    {
        var chart = File.ReadAllBytes(Path.Combine(Tools.ChartDirectory, "crds", "mailsub.dev_mailsubmissions.yaml"));
        var generated = File.ReadAllBytes(Tools.PathOf("crds", "mailsub.dev_mailsubmissions.yaml"));
        Assert.True(chart.AsSpan().SequenceEqual(generated),
            "charts/mailsub/crds/mailsub.dev_mailsubmissions.yaml differs from crds/: run `make crds` (it writes both)");
        Assert.False(new FileInfo(Path.Combine(Tools.ChartDirectory, "crds", "mailsub.dev_mailsubmissions.yaml")).LinkTarget is not null,
            "the chart's CRD must be a copy, not a symlink (charts/mailsub/README.md)");
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("production")]
    public async Task Gitops_operator_values_pass_the_schema(string environment)
    {
        var rendered = await Rendered.TemplateAsync(
            "-f", Tools.PathOf("examples", "gitops", "base", "operator-values.yaml"),
            "-f", Tools.PathOf("examples", "gitops", "overlays", environment, "operator-values.yaml"));
        Assert.NotEmpty(rendered.OfKind("Role"));
        OnlyTheWebhookConfigurationIsClusterWide(rendered);
    }

    [Fact]
    public async Task Notes_say_what_to_do_next()
    {
        var install = await Tools.Helm(null, "install", "mailsub", Tools.ChartDirectory, "--dry-run=client", "--namespace", "mailsub-system",
            "--set", "watchNamespaces={mail}");
        Assert.Contains("NOTES:", install);
        Assert.Contains("It reconciles MailSubmissions in: mail", install);
        Assert.Contains("kubectl delete crd mailsubmissions.mailsub.dev", install);
        Assert.Contains("kubectl get validatingwebhookconfiguration mailsub -o jsonpath='{.webhooks[0].clientConfig.caBundle}'", install);
    }
}
