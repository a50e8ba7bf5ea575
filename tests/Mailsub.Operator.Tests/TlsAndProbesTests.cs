using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>TLS from an existing Secret, and the metrics and probe endpoints, against the real kube-apiserver.</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class TlsAndProbesTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Missing_TLS_Secret_is_named_and_metrics_and_probes_serve()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("tls");
        var (metricsPort, probePort) = (LoopbackPort.Free(), LoopbackPort.Free());
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns, new OperatorOptions
        {
            Namespaces = [ns],
            MetricsBindAddress = $"127.0.0.1:{metricsPort}",
            HealthProbeBindAddress = $"127.0.0.1:{probePort}",
            LiveProbe = false,
        });
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        var body = Submissions.Modern("own");
        body["spec"]!["tls"] = new JsonObject { ["secretName"] = "own-cert" };
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), body);

        var stalled = await Scenario.WaitAsync(cluster, ns, "own", s => Cluster.Condition(s, "TLSReady") == "False", "TLSReady False");
        Assert.Equal("TlsSecretMissing", Cluster.Condition(stalled, "TLSReady", "reason"));
        Assert.Contains("own-cert", Cluster.Condition(stalled, "TLSReady", "message"));
        Assert.Equal("True", Cluster.Condition(stalled, "Stalled"));

        await cluster.CreateSecretAsync(ns, "own-cert", new() { ["tls.crt"] = "c", ["tls.key"] = "k" });
        var healed = await Scenario.WaitAsync(cluster, ns, "own", s => Cluster.Condition(s, "TLSReady") == "True", "TLSReady True");
        Assert.Equal("False", Cluster.Condition(healed, "Stalled"));
        Assert.Equal("own-cert", JsonPath.GetString(healed, "status", "tlsSecretName"));

        // The key of the certificate in the Secret, checked against the profile: a warning that names
        // the key's size, never the Secret's content.
        using var weakKey = RSA.Create(1024);
        var request = new CertificateRequest("CN=mail.example.com", weakKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var weak = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var keyPem = weakKey.ExportPkcs8PrivateKeyPem();
        await cluster.MergePatchAsync($"{Cluster.Core(ns, "secrets")}/own-cert", new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["tls.crt"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(weak.ExportCertificatePem())),
                ["tls.key"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(keyPem)),
            },
        });
        var warned = await Scenario.WaitAsync(cluster, ns, "own", s => Cluster.Condition(s, "TLSReady", "reason") == "WeakTlsKey", "TLSReady WeakTlsKey");
        Assert.Equal("True", Cluster.Condition(warned, "TLSReady"));
        var message = Cluster.Condition(warned, "TLSReady", "message")!;
        Assert.Contains("Secret own-cert (spec.tls.secretName) has an RSA 1024-bit key", message);
        Assert.DoesNotContain("BEGIN", message);
        Assert.Equal("Warning", JsonPath.GetString(warned, "status", "policy"));

        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{probePort}/healthz"));
        Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{probePort}/readyz"));
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        foreach (var name in new[]
        {
            "controller_runtime_reconcile_total{controller=\"mailsubmission\",result=\"success\"}",
            "controller_runtime_reconcile_errors_total", "controller_runtime_reconcile_time_seconds_bucket",
            "workqueue_depth{name=\"mailsubmission\",controller=\"mailsubmission\",priority=\"\"}",
            "workqueue_adds_total{name=\"mailsubmission\",controller=\"mailsubmission\"}",
            "workqueue_retries_total{name=\"mailsubmission\",controller=\"mailsubmission\"}",
        })
        {
            Assert.Contains(name, metrics);
        }
    }
}
