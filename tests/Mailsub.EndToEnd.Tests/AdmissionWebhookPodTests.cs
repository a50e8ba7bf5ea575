using Mailsub.Chart.Tests;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// The admission webhook as the chart installs it by default: served by both operator pods behind
/// the webhook Service, with the operator's own CA in the configuration's caBundle (set by the
/// leader), failurePolicy Fail. The kube-apiserver calls it through the Service's ClusterIP, as in
/// any cluster; bad input is refused before it is stored.
/// </summary>
[Collection(NodeFixture.Collection)]
public sealed class AdmissionWebhookPodTests(NodeFixture node, ITestOutputHelper output)
{
    private const string Namespace = "e2e-webhook";

    [Fact]
    public async Task An_open_relay_is_refused_by_the_webhook_pods_and_nothing_is_stored()
    {
        var ready = await NodeFixture.Eventually(async () => (await CaBundleAsync()).Length > 0, TimeSpan.FromSeconds(60),
            "the leader set the webhook configuration's caBundle");
        output.WriteLine($"caBundle set {ready.TotalSeconds:0.0} s into the test");
        await Submission.PrepareAsync(node, Namespace, "open", new Dictionary<string, string> { ["alice-password"] = "webhook" },
            Testing.Postfix.TlsMaterial.SelfSigned("mail.example.com"));
        var open = Submission.Modern(Namespace, "open", node.SinkAddress, replicas: 1) + "\n  trustedNetworks: [0.0.0.0/0]\n";

        ToolResult refused = null!;
        try
        {
            await NodeFixture.Eventually(async () =>
            {
                refused = await Tools.TryKubectl(node.Kubeconfig, open, "apply", "--server-side", "-f", "-");
                // Only the webhook knows the finding: the CRD schema has no opinion on 0.0.0.0/0.
                return refused.ExitCode != 0 && refused.Output.Contains("TrustedNetworksOpen", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(60), "the API server refuses the open relay through the webhook");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"last kubectl apply (exit {refused.ExitCode}):\n{refused.Output}\n{await DiagnosticsAsync()}");
            throw;
        }
        output.WriteLine($"kubectl apply said: {refused.Output.Trim()}");
        Assert.Contains("The MailSubmission \"open\" is invalid: spec.trustedNetworks", refused.Output, StringComparison.Ordinal);
        Assert.Equal("", (await node.Kubectl(null, "-n", Namespace, "get", "mailsubmissions", "-o", "name")).Trim());

        // A valid submission with a finding worth a warning is admitted, and kubectl prints the warning.
        var seed = await Tools.TryKubectl(node.Kubeconfig, Seed, "apply", "--dry-run=server", "-f", "-");
        output.WriteLine($"kubectl apply --dry-run=server of the seed profile said: {seed.Output.Trim()}");
        Assert.True(seed.ExitCode == 0, seed.Output);
        Assert.Contains("Warning: ", seed.Stderr, StringComparison.Ordinal);
        Assert.Contains("LegacyAuthMechanism", seed.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The seed tutorial's profile (CRAM-MD5 and DIGEST-MD5 only): valid, with a policy warning.</summary>
    private static string Seed => $$"""
        apiVersion: mailsub.dev/v1alpha1
        kind: MailSubmission
        metadata: {name: seed, namespace: {{Namespace}}}
        spec:
          hostname: mail.example.net
          auth:
            profile: Seed
            users: [{name: username}]
          tls: {secretName: open-served-tls}
        """;

    private async Task<string> CaBundleAsync() =>
        (await node.TryKubectl("get", "validatingwebhookconfiguration", NodeFixture.Release, "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}")).Stdout.Trim();

    private async Task<string> DiagnosticsAsync()
    {
        var parts = new List<string>();
        foreach (var args in new[]
                 {
                     new[] { "get", "validatingwebhookconfiguration", NodeFixture.Release, "-o", "yaml" },
                     ["-n", NodeFixture.OperatorNamespace, "get", "endpoints,svc,pods", "-o", "wide"],
                     ["-n", NodeFixture.OperatorNamespace, "logs", "-l", "app.kubernetes.io/name=mailsub", "--tail=40", "--prefix"],
                 })
        {
            var result = await node.TryKubectl(args);
            parts.Add($"--- kubectl {string.Join(' ', args)} ---\n{result.Output}");
        }
        var iptables = await Tools.RunAsync("sh", ["-c", "iptables-save -t nat | grep -- mailsub-webhook"]);
        parts.Add($"--- iptables-save -t nat | grep mailsub-webhook ---\n{iptables.Output}");
        return string.Join('\n', parts);
    }
}
