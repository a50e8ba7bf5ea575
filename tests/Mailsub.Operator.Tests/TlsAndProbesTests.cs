using System.Text.Json.Nodes;
using Mailsub.Testing.ControlPlane;
using Mailsub.Runtime.Kinds;

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
        Assert.Null(Cluster.Condition(healed, "Stalled"));
        Assert.Equal("own-cert", JsonPath.GetString(healed, "status", "tlsSecretName"));

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
