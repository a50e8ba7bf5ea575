using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Chart.Tests;

/// <summary>
/// The NativeAOT `bin/mailsub run` (MAILSUB_BIN) with only the chart's ServiceAccount token and the
/// exact flags of the Deployment helm installed, against the real kube-apiserver 1.20 (RBAC on):
/// a MailSubmission gets its children and a status, and the API server refuses nothing.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class OperatorWithChartRbacTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    [Fact]
    public async Task A_full_reconcile_succeeds_with_the_namespaced_chart_rbac()
    {
        await cp.InstallCertManagerCrdsAsync();
        var release = await cp.CreateNamespaceAsync("ops");
        var watched = await cp.CreateNamespaceAsync("mail");
        // No webhook: on an API server without a kubelet its Service has no endpoints, and with
        // failurePolicy Fail every MailSubmission write would be refused (the next test covers it).
        await cp.Helm("install", "op", Tools.ChartDirectory, "--namespace", release, "--set", $"watchNamespaces={{{watched}}}", "--set", "webhook.enabled=false");
        await cp.Kubectl("wait", "--for=condition=established", "crd/mailsubmissions.mailsub.dev", "--timeout=60s");

        // A kubeconfig with the ServiceAccount's token instead of the admin's.
        var token = await cp.MintTokenAsync(release, "op-mailsub");
        var kubeconfig = Path.Combine(cp.Directory, $"sa-{release}.kubeconfig");
        File.Copy(cp.KubeconfigPath, kubeconfig, overwrite: true);
        await Tools.Kubectl(kubeconfig, null, "config", "set-credentials", "admin", "--token", token);
        Assert.Contains("no", (await Tools.TryKubectl(kubeconfig, null, "auth", "can-i", "list", "secrets", "-n", "default")).Stdout);

        // The Deployment's own args, with the downward-API variable resolved and loopback ports.
        var args = JsonNode.Parse(await cp.Kubectl("get", "deploy", "op-mailsub", "-n", release, "-o", "jsonpath={.spec.template.spec.containers[0].args}"))!
            .AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("run", args[0]);
        var flags = args.Skip(1).Select(a => a
            .Replace("$(POD_NAMESPACE)", release, StringComparison.Ordinal)
            .Replace("--metrics-bind-address=:8080", $"--metrics-bind-address=127.0.0.1:{FreePort()}", StringComparison.Ordinal)
            .Replace("--health-probe-bind-address=:8081", $"--health-probe-bind-address=127.0.0.1:{FreePort()}", StringComparison.Ordinal)).ToList();

        await Tools.Kubectl(cp.KubeconfigPath, $$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"alice-password","namespace":"{{watched}}"},"stringData":{"password":"correct horse battery"} }
            """, "apply", "-f", "-");
        await Tools.Kubectl(cp.KubeconfigPath, Modern(watched), "apply", "--server-side", "--field-manager=gitops", "-f", "-");

        var process = new MailsubRun(new[] { "run", "--kubeconfig", kubeconfig }.Concat(flags),
            new Dictionary<string, string> { ["POD_NAMESPACE"] = release, ["POD_NAME"] = "op-mailsub-test-0" });
        var watch = Stopwatch.StartNew();
        try
        {
            var missing = "";
            JsonObject? submission = null;
            while (watch.Elapsed < TimeSpan.FromSeconds(120))
            {
                Assert.False(process.HasExited, "mailsub run exited:\n" + process.Log);
                var children = await cp.Kubectl("get", "configmap,secret,deployment,service,certificate.cert-manager.io,pdb", "-n", watched,
                    "-l", "mailsub.dev/submission=modern", "-o", "name");
                missing = string.Join(", ", new[] { "configmap/", "secret/", "deployment.apps/", "service/", "certificate.cert-manager.io/", "poddisruptionbudget.policy/" }
                    .Where(kind => !children.Contains(kind, StringComparison.Ordinal)));
                submission = await cp.GetJson("mailsubmission", "modern", "-n", watched);
                var observed = submission["status"]?["observedGeneration"]?.GetValue<long>();
                if (missing.Length == 0 && observed == submission["metadata"]!["generation"]!.GetValue<long>()
                    && submission["status"]!["conditions"]!.AsArray().Any(c => (string?)c!["type"] == "Ready"))
                {
                    break;
                }

                await Task.Delay(500);
            }
            output.WriteLine($"reconciled in {watch.ElapsedMilliseconds} ms with the chart's RBAC");
            output.WriteLine(submission?["status"]?.ToJsonString() ?? "(no status)");
            Assert.True(missing.Length == 0, $"children missing: {missing}\n{process.Log}");
            Assert.Equal(submission!["metadata"]!["generation"]!.GetValue<long>(), submission["status"]!["observedGeneration"]!.GetValue<long>());
            Assert.Contains(submission["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Ready");
            // It leads through the Lease the chart's leader-election Role allows (identity: the host name, the pod name in-cluster).
            var text = process.Log;
            var identity = System.Text.RegularExpressions.Regex.Match(text, @"msg=leading .*identity=(\S+)").Groups[1].Value;
            Assert.NotEmpty(identity);
            Assert.Equal(identity, await cp.Kubectl("get", "lease", "mailsub-operator", "-n", release, "-o", "jsonpath={.spec.holderIdentity}"));
            Assert.DoesNotContain("forbidden", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" 403", text, StringComparison.Ordinal);
        }
        finally
        {
            process.Dispose();
            var log = process.Log;
            output.WriteLine(log.Length > 4000 ? log[^4000..] : log);
        }
    }

    /// <summary>
    /// webhook.enabled without cert-manager: with only the chart's RBAC the operator creates its CA
    /// and certificate Secret in the release namespace and its leader sets the caBundle of the
    /// chart's ValidatingWebhookConfiguration (failurePolicy Ignore here: the Service has no
    /// endpoints without a kubelet, so the API server cannot call the webhook through it).
    /// </summary>
    [Fact]
    public async Task The_self_managed_webhook_certificate_works_with_the_chart_rbac()
    {
        var release = await cp.CreateNamespaceAsync("opw");
        var watched = await cp.CreateNamespaceAsync("mailw");
        await cp.Helm("install", "opw", Tools.ChartDirectory, "--namespace", release, "--set", $"watchNamespaces={{{watched}}}",
            "--set", "webhook.enabled=true", "--set", "webhook.failurePolicy=Ignore", "--set", "leaderElection.leaseName=opw");
        const string configuration = "opw-mailsub";
        try
        {
            var token = await cp.MintTokenAsync(release, "opw-mailsub");
            var kubeconfig = Path.Combine(cp.Directory, $"sa-{release}.kubeconfig");
            File.Copy(cp.KubeconfigPath, kubeconfig, overwrite: true);
            await Tools.Kubectl(kubeconfig, null, "config", "set-credentials", "admin", "--token", token);
            var certs = Path.Combine(cp.Directory, $"webhook-certs-{release}");
            var port = FreePort();
            var args = JsonNode.Parse(await cp.Kubectl("get", "deploy", "opw-mailsub", "-n", release, "-o", "jsonpath={.spec.template.spec.containers[0].args}"))!
                .AsArray().Select(a => (string)a!).ToList();
            Assert.Contains("--webhook-cert-secret=opw-mailsub-webhook-certificate", args);
            var flags = args.Skip(1).Select(a => a
                .Replace("$(POD_NAMESPACE)", release, StringComparison.Ordinal)
                .Replace("--metrics-bind-address=:8080", "--metrics-bind-address=0", StringComparison.Ordinal)
                .Replace("--health-probe-bind-address=:8081", "--health-probe-bind-address=0", StringComparison.Ordinal)
                .Replace("--webhook-bind-address=:9443", $"--webhook-bind-address=127.0.0.1:{port}", StringComparison.Ordinal)
                .Replace("--webhook-cert-dir=/tmp/k8s-webhook-server/serving-certs", $"--webhook-cert-dir={certs}", StringComparison.Ordinal)).ToList();
            using var process = new MailsubRun(new[] { "run", "--kubeconfig", kubeconfig }.Concat(flags),
                new Dictionary<string, string> { ["POD_NAMESPACE"] = release, ["POD_NAME"] = "opw-mailsub-test-0" });
            var watch = Stopwatch.StartNew();
            string? bundle = null, ca = null;
            while (watch.Elapsed < TimeSpan.FromSeconds(90) && (bundle is null || bundle != ca))
            {
                Assert.False(process.HasExited, "mailsub run exited:\n" + process.Log);
                await Task.Delay(500);
                bundle = await cp.Kubectl("get", "validatingwebhookconfiguration", configuration, "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}");
                var secret = await Tools.TryKubectl(cp.KubeconfigPath, null, "get", "secret", "opw-mailsub-webhook-certificate", "-n", release, "-o", "jsonpath={.data.ca\\.crt}");
                ca = secret.ExitCode == 0 && secret.Stdout.Length > 0 ? secret.Stdout : null;
            }
            output.WriteLine(process.Log.Length > 4000 ? process.Log[^4000..] : process.Log);
            Assert.NotNull(ca);
            Assert.Equal(ca, bundle);
            Assert.True(File.Exists(Path.Combine(certs, "tls.crt")));
            Assert.DoesNotContain("forbidden", process.Log, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await cp.Helm("uninstall", "opw", "--namespace", release);
        }
    }

    private static string Modern(string ns) => $$"""
        {"apiVersion":"mailsub.dev/v1alpha1","kind":"MailSubmission","metadata":{"name":"modern","namespace":"{{ns}}"},
         "spec":{"hostname":"mail.example.com",
           "auth":{"profile":"Modern","users":[
             {"name":"alice","passwordSecretRef":{"name":"alice-password","key":"password"},"allowedSenders":["alice@example.com"]},
             {"name":"bob","allowedSenders":["bob@example.com"]} ]},
           "tls":{"issuerRef":{"name":"letsencrypt","kind":"ClusterIssuer"},"dnsNames":["mail.example.com"]},
           "workload":{"replicas":2} } }
        """;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
