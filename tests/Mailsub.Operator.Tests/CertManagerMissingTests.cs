using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>
/// cert-manager absent at start, installed later: the operator runs without it (and says so in
/// TLSReady), then notices the Certificate CRD without a restart and converges. Real CRD removal
/// and install on the real kube-apiserver.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class CertManagerMissingTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Missing_cert_manager_is_reported_then_healed_when_it_is_installed()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("nocm");
        await cluster.RemoveCertificatesCrdAsync();
        try
        {
            await using var op = await InProcessOperator.StartAsync(cluster.Config, ns,
                InProcessOperator.Defaults(ns) with { DiscoveryInterval = TimeSpan.FromSeconds(1) });
            Assert.Null(op.Operator.State!.Certificates);
            await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
            await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("early"));

            var stalled = await Scenario.WaitAsync(cluster, ns, "early", s => Cluster.Condition(s, "TLSReady", "reason") == "CertManagerMissing",
                "TLSReady CertManagerMissing");
            Assert.Equal("False", Cluster.Condition(stalled, "TLSReady"));
            Assert.Contains("install cert-manager", Cluster.Condition(stalled, "TLSReady", "message"), StringComparison.Ordinal);
            Assert.Equal("True", Cluster.Condition(stalled, "Stalled"));
            Assert.Equal("CertManagerMissing", Cluster.Condition(stalled, "Ready", "reason"));
            // Everything but the Certificate is in place, so the service starts once a certificate exists.
            Assert.NotNull(await cluster.TryGetAsync($"{Cluster.Core(ns, "configmaps")}/early-postfix"));
            Assert.NotNull(await cluster.TryGetAsync($"{Cluster.Apps(ns, "deployments")}/early-postfix"));

            await cluster.RestoreCertificatesCrdAsync();
            var ready = await Scenario.MakeReadyAsync(cluster, ns, "early");
            Assert.Equal("True", Cluster.Condition(ready, "TLSReady"));
            Assert.Equal("False", Cluster.Condition(ready, "Stalled"));
            Assert.NotNull(op.Operator.State.Certificates);
            Assert.Contains("Certificates are served now", op.Log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await cluster.RestoreCertificatesCrdAsync();
        }
    }
}
