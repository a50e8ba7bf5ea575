using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;
using Mailsub.Testing.Postfix;

namespace Mailsub.Operator.Tests;

/// <summary>
/// The live probe end to end on the real kube-apiserver: the operator applies a submission, a real
/// Postfix on loopback runs the ConfigMap it applied (with the TLS Secret's certificate), and
/// --probe-target points the probe at it. LiveProbe turns True with a Normal Event; a hand edit
/// that makes the running service an open relay turns it False, Ready False (not Stalled) and a
/// Warning Event.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LiveProbeTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task A_passing_probe_is_LiveProbe_True_and_an_open_relay_makes_Ready_False_with_an_Event()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("probe");
        var tls = TlsMaterial.SelfSigned("mail.example.com");
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        await cluster.CreateSecretAsync(ns, "probe-cert", new() { ["tls.crt"] = tls.CertificatePem, ["tls.key"] = tls.PrivateKeyPem }, "kubernetes.io/tls");
        var body = Submissions.Modern("live");
        body["spec"]!["tls"] = new JsonObject { ["secretName"] = "probe-cert" };
        // The probe connects from 127.0.0.1: a stranger to this service.
        body["spec"]!["trustedNetworks"] = new JsonArray("127.0.0.2/32");
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), body);

        // The Postfix the Service would reach runs what the operator put in the ConfigMap; its
        // ports are known only once it runs, so a first operator (no probe) writes the ConfigMap.
        JsonObject? configMap = null;
        await using (await InProcessOperator.StartAsync(cluster.Config, ns))
        {
            await Eventually.TrueAsync(async () => (configMap = await cluster.TryGetAsync($"{Cluster.Core(ns, "configmaps")}/live-postfix")) is not null,
                Scenario.Timeout, () => "ConfigMap live-postfix");
        }
        var dir = Directory.CreateTempSubdirectory("mailsub-live-probe-").FullName;
        PostfixInstance postfix;
        try
        {
            foreach (var name in new[] { "main.cf", "master.cf", "smtpd.conf" })
            {
                await File.WriteAllTextAsync(Path.Combine(dir, name), JsonPath.GetString(configMap, "data", name));
            }
            postfix = await PostfixInstance.StartAsync(new PostfixInstanceOptions
            {
                ConfigDirectory = dir,
                Users = new Dictionary<string, string> { ["alice"] = "alice-secret-1" },
                Tls = tls,
                GraceSeconds = 5,
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        await using var running = postfix;

        var metricsPort = LoopbackPort.Free();
        var options = InProcessOperator.Defaults(ns) with
        {
            MetricsBindAddress = $"127.0.0.1:{metricsPort}",
            LiveProbe = true,
            ProbeInterval = TimeSpan.FromSeconds(2),
            ProbeTargets = new Dictionary<string, string>
            {
                [$"{ns}/live:587"] = $"127.0.0.1:{postfix.Port(587)}",
                [$"{ns}/live:465"] = $"127.0.0.1:{postfix.Port(465)}",
            },
        };
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns, options);

        JsonObject? last = null;
        await Eventually.TrueAsync(async () =>
        {
            await cluster.MarkPodsReadyAsync(ns);
            last = await cluster.SubmissionAsync(ns, "live");
            return Cluster.Condition(last, "LiveProbe") == "True" && Cluster.Condition(last, "Ready") == "True";
        }, Scenario.Timeout, () => $"LiveProbe True; status: {last?["status"]?.ToJsonString()}\n{op.Log}\n{postfix.Describe()}");
        Assert.Equal("ProbePassed", Cluster.Condition(last, "LiveProbe", "reason"));
        Assert.StartsWith("Probed submissions (465), submission (587): ", Cluster.Condition(last, "LiveProbe", "message"));
        Assert.Contains("the TLS Secret's certificate served", Cluster.Condition(last, "LiveProbe", "message"));
        await Eventually.TrueAsync(async () => await EventAsync(cluster, ns, "LiveProbePassed") is { } e && JsonPath.GetString(e, "type") == "Normal",
            Scenario.Timeout, () => "Event LiveProbePassed");

        // A hand edit the operator has not reverted yet: the probe's address in mynetworks.
        postfix.SetMainCfParameters(("mynetworks", "127.0.0.0/8"));
        Assert.True(await postfix.Errors.WaitForAsync("applied the changes", TimeSpan.FromSeconds(15)), postfix.Describe());
        var failed = await Scenario.WaitAsync(cluster, ns, "live", s => Cluster.Condition(s, "LiveProbe") == "False", "LiveProbe False");
        Assert.Equal("ProbeOpenRelay", Cluster.Condition(failed, "LiveProbe", "reason"));
        Assert.Contains("RCPT TO:<mailsub-probe@relay-probe.example> accepted", Cluster.Condition(failed, "LiveProbe", "message"));
        Assert.Contains("\"250 2.1.5 Ok\"", Cluster.Condition(failed, "LiveProbe", "message"));
        Assert.Equal(("False", "ProbeOpenRelay"), (Cluster.Condition(failed, "Ready"), Cluster.Condition(failed, "Ready", "reason")));
        Assert.Equal(("False", "False"), (Cluster.Condition(failed, "Stalled"), Cluster.Condition(failed, "Reconciling")));
        var warning = await EventAsync(cluster, ns, "LiveProbeFailed");
        Assert.Equal("Warning", JsonPath.GetString(warning, "type"));
        Assert.StartsWith("ProbeOpenRelay: ", JsonPath.GetString(warning, "message"));
        Assert.DoesNotContain("alice-secret-1", failed.ToJsonString());

        using var http = new HttpClient();
        var metrics = PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics"));
        Assert.True(metrics.Value("mailsub_probe_runs_total", ("result", "passed")) >= 1);
        Assert.True(metrics.Value("mailsub_probe_runs_total", ("result", "failed")) >= 1);
        Assert.Equal(0, metrics.Value("mailsub_probe_runs_total", ("result", "unreachable")));
        Assert.True(metrics.Value("mailsub_probe_failures_total", ("check", "ProbeOpenRelay")) >= 1);
        Assert.Equal(1, metrics.Value("mailsub_probe_failing"));
        Assert.True(metrics.Value("mailsub_probe_duration_seconds_count") >= 2);
    }

    private static async Task<JsonNode?> EventAsync(Cluster cluster, string ns, string reason) =>
        (await cluster.TryGetAsync(Cluster.Core(ns, "events")))?["items"]?.AsArray().FirstOrDefault(e => JsonPath.GetString(e, "reason") == reason);
}
