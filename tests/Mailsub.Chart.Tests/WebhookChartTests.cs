using System.Text.Json.Nodes;

namespace Mailsub.Chart.Tests;

/// <summary>The admission webhook's objects as the real helm renders them (webhook.enabled, both TLS paths).</summary>
public class WebhookChartTests
{
    [Fact]
    public async Task Self_managed_TLS_lets_the_operator_keep_its_Secret_and_the_caBundle()
    {
        var rendered = await Rendered.TemplateAsync("--set", "webhook.enabled=true");
        var configuration = rendered.Single("ValidatingWebhookConfiguration");
        Assert.Null(configuration["metadata"]!["annotations"]);
        var webhook = configuration["webhooks"]![0]!;
        Assert.Equal("Fail", (string)webhook["failurePolicy"]!);
        Assert.Equal(5L, (long)webhook["timeoutSeconds"]!);
        Assert.Equal("None", (string)webhook["sideEffects"]!);
        Assert.Null(webhook["clientConfig"]!["caBundle"]);
        var service = webhook["clientConfig"]!["service"]!;
        Assert.Equal("mailsub-webhook", (string)service["name"]!);
        Assert.Equal("/validate-mailsubmission", (string)service["path"]!);
        Assert.Equal(["CREATE", "UPDATE"], webhook["rules"]![0]!["operations"]!.AsArray().Select(o => (string)o!));
        Assert.Equal(["mailsubmissions"], webhook["rules"]![0]!["resources"]!.AsArray().Select(o => (string)o!));
        var exempt = webhook["namespaceSelector"]!["matchExpressions"]!.AsArray();
        Assert.Contains(exempt, e => (string)e!["key"]! == "kubernetes.io/metadata.name" && (string)e["values"]![0]! == "mailsub-system");
        Assert.Contains(exempt, e => (string)e!["key"]! == "mailsub.dev/webhook" && (string)e["values"]![0]! == "ignore");

        Assert.Contains(rendered.OfKind("Service"), s => (string)s["metadata"]!["name"]! == "mailsub-webhook"
            && (string)s["spec"]!["ports"]![0]!["targetPort"]! == "webhook" && (long)s["spec"]!["ports"]![0]!["port"]! == 443);
        var pod = rendered.Single("Deployment")["spec"]!["template"]!["spec"]!;
        var args = Args(pod);
        Assert.Contains("--webhook-bind-address=:9443", args);
        Assert.Contains("--webhook-cert-secret=mailsub-webhook-certificate", args);
        Assert.Contains("--webhook-service=mailsub-webhook", args);
        Assert.Contains("--webhook-configuration=mailsub", args);
        Assert.NotNull(pod["volumes"]![0]!["emptyDir"]);
        Assert.False((bool)pod["containers"]![0]!["volumeMounts"]![0]!["readOnly"]!);

        // RBAC: its own Secret by name (create unnamed), the caBundle of this configuration only.
        var role = Assert.Single(rendered.OfKind("Role"), r => (string)r["metadata"]!["name"]! == "mailsub-webhook");
        Assert.Equal("mailsub-webhook-certificate", (string)role["rules"]![0]!["resourceNames"]![0]!);
        var clusterRole = Assert.Single(rendered.OfKind("ClusterRole"), r => (string)r["metadata"]!["name"]! == "mailsub-webhook");
        var rule = clusterRole["rules"]![0]!;
        Assert.Equal("validatingwebhookconfigurations", (string)rule["resources"]![0]!);
        Assert.Equal(["mailsub"], rule["resourceNames"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["get", "update"], rule["verbs"]!.AsArray().Select(n => (string)n!));
        Assert.DoesNotContain("Certificate", rendered.Kinds);
    }

    [Fact]
    public async Task Cert_manager_issues_the_certificate_and_injects_its_CA()
    {
        var rendered = await Rendered.TemplateAsync("--set", "webhook.enabled=true", "--set", "webhook.certManager.enabled=true",
            "--set", "webhook.failurePolicy=Ignore", "--set", "webhook.timeoutSeconds=3");
        var configuration = rendered.Single("ValidatingWebhookConfiguration");
        Assert.Equal("mailsub-system/mailsub-webhook", (string)configuration["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]!);
        Assert.Equal("Ignore", (string)configuration["webhooks"]![0]!["failurePolicy"]!);
        Assert.Equal(3L, (long)configuration["webhooks"]![0]!["timeoutSeconds"]!);
        var certificate = rendered.Single("Certificate");
        Assert.Equal("mailsub-webhook-tls", (string)certificate["spec"]!["secretName"]!);
        Assert.Equal(["mailsub-webhook.mailsub-system.svc", "mailsub-webhook.mailsub-system.svc.cluster.local"],
            certificate["spec"]!["dnsNames"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("mailsub-webhook", (string)certificate["spec"]!["issuerRef"]!["name"]!);
        Assert.NotNull(rendered.Single("Issuer")["spec"]!["selfSigned"]);
        var pod = rendered.Single("Deployment")["spec"]!["template"]!["spec"]!;
        Assert.Equal("mailsub-webhook-tls", (string)pod["volumes"]![0]!["secret"]!["secretName"]!);
        Assert.DoesNotContain(Args(pod), a => a.StartsWith("--webhook-cert-secret", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered.OfKind("Role"), r => (string)r["metadata"]!["name"]! == "mailsub-webhook");
    }

    [Theory]
    [InlineData("webhook.failurePolicy=Sometimes")]
    [InlineData("webhook.timeoutSeconds=31")]
    public async Task Values_outside_what_the_API_server_takes_fail_the_schema(string value)
    {
        var result = await Tools.TryHelm(null, "template", "mailsub", Tools.ChartDirectory, "--namespace", "mailsub-system", "--set", "webhook.enabled=true", "--set", value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("webhook", result.Output, StringComparison.Ordinal);
    }

    private static List<string> Args(JsonNode pod) => pod["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
}
