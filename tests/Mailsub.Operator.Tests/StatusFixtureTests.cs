using System.Text.Json.Nodes;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>
/// Drives the in-process operator, against the real kube-apiserver 1.20 and kube-controller-manager
/// (the tests play cert-manager and the kubelet), into each state the health checks distinguish,
/// and keeps the whole MailSubmission the API server returns as a golden file in
/// tests/status-fixtures/ (see <see cref="StatusFixture"/>). tests/Mailsub.Chart.Tests/HealthCheckTests.cs
/// runs docs/argocd-health.lua (lua5.4) and kstatus' rules over exactly these objects.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class StatusFixtureTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Modern_submission_from_creation_to_ready_then_a_new_generation()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("fixture-life");
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });

        // Created while no operator runs: no status at all.
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("modern"));
        var created = (await cluster.SubmissionAsync(ns, "modern"))!;
        Assert.Null(created["status"]);
        StatusFixture.Check("progressing-no-status", nameof(Modern_submission_from_creation_to_ready_then_a_new_generation),
            "The modern submission just created, while no operator runs: no status yet.", created, ns);

        await using (var op = await InProcessOperator.StartAsync(cluster.Config, ns))
        {
            // Children applied; nobody plays cert-manager yet, so the Certificate is not Ready.
            var certificatePending = await StatusFixture.SettledAsync(cluster, ns, "modern",
                s => Cluster.Condition(s, "Reconciling", "reason") == "CertificateNotReady", "Reconciling CertificateNotReady");
            Assert.Equal("False", Cluster.Condition(certificatePending, "Ready"));
            Assert.Equal("False", Cluster.Condition(certificatePending, "TLSReady"));
            StatusFixture.Check("progressing-certificate-not-ready", nameof(Modern_submission_from_creation_to_ready_then_a_new_generation),
                "Children applied, the cert-manager Certificate not issued yet, the Deployment not available.", certificatePending, ns);

            // The Certificate is issued; no kubelet has made the pods ready yet.
            await cluster.IssueCertificateAsync(ns, "modern-tls");
            var rollingOut = await StatusFixture.SettledAsync(cluster, ns, "modern",
                s => Cluster.Condition(s, "Reconciling", "reason") == "DeploymentUnavailable" && Cluster.Condition(s, "TLSReady") == "True",
                "Reconciling DeploymentUnavailable with TLSReady True");
            StatusFixture.Check("progressing-reconciling", nameof(Modern_submission_from_creation_to_ready_then_a_new_generation),
                "Certificate issued; the Postfix Deployment's pods are not ready yet (Reconciling, DeploymentUnavailable).", rollingOut, ns);

            // The pods become ready (the test plays the kubelet): Ready.
            var ready = await StatusFixture.SettledAsync(cluster, ns, "modern",
                s => Cluster.Condition(s, "Ready") == "True", "Ready", poke: () => cluster.MarkPodsReadyAsync(ns));
            Assert.Equal("False", Cluster.Condition(ready, "Reconciling"));
            Assert.Equal("False", Cluster.Condition(ready, "Stalled"));
            StatusFixture.Check("healthy", nameof(Modern_submission_from_creation_to_ready_then_a_new_generation),
                "Ready: Certificate issued, every pod ready, every policy condition True.", ready, ns);
        }

        // The operator stopped, then the spec changed: the status still describes generation 1.
        var edited = (await cluster.MergePatchAsync($"{Cluster.MailSubmissions(ns)}/modern",
            new JsonObject { ["spec"] = new JsonObject { ["limits"] = new JsonObject { ["messageSizeBytes"] = 10485760 } } }))!;
        Assert.Equal(2, edited["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(1, edited["status"]!["observedGeneration"]!.GetValue<long>());
        StatusFixture.Check("progressing-new-generation", nameof(Modern_submission_from_creation_to_ready_then_a_new_generation),
            "The Ready submission's spec edited (generation 2) while no operator runs: status still at generation 1.", edited, ns);
    }

    [Fact]
    public async Task Invalid_spec_stalls()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("fixture-invalid");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.HostBitsInCidr("modern"));

        var stalled = await StatusFixture.SettledAsync(cluster, ns, "modern", s => Cluster.Condition(s, "Stalled") == "True", "Stalled");
        Assert.Equal("InvalidSpec", Cluster.Condition(stalled, "Stalled", "reason"));
        StatusFixture.Check("degraded-stalled-invalid-spec", nameof(Invalid_spec_stalls),
            "A spec the CRD schema accepts but validation refuses (host bits in a trusted network): Stalled, nothing applied.", stalled, ns);
    }

    [Fact]
    public async Task Missing_password_Secret_stalls()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("fixture-users");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("modern"));

        var stalled = await StatusFixture.SettledAsync(cluster, ns, "modern", s => Cluster.Condition(s, "Stalled") == "True", "Stalled");
        Assert.Equal("PasswordSecretMissing", Cluster.Condition(stalled, "Stalled", "reason"));
        Assert.Equal("False", Cluster.Condition(stalled, "UsersReady"));
        StatusFixture.Check("degraded-stalled-users-missing", nameof(Missing_password_Secret_stalls),
            "alice's passwordSecretRef names a Secret that does not exist: UsersReady False, Stalled, nothing applied.", stalled, ns);
    }

    /// <summary>
    /// A policy error the validator lets through (trustedNetworks 0.0.0.0/0: an open relay) on a
    /// Ready submission: Stalled with PolicyUnhealthy, and nothing applied, so the running service
    /// keeps its healthy configuration; undoing the edit makes it Ready again.
    /// </summary>
    [Fact]
    public async Task Open_relay_edit_stalls_and_changes_nothing()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("fixture-open");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await Scenario.CreateReadyAsync(cluster, ns, "modern");
        var before = await cluster.VersionsAsync(ns);
        var path = $"{Cluster.MailSubmissions(ns)}/modern";

        await cluster.MergePatchAsync(path, new JsonObject { ["spec"] = new JsonObject { ["trustedNetworks"] = new JsonArray("0.0.0.0/0") } });
        var stalled = await StatusFixture.SettledAsync(cluster, ns, "modern",
            s => Cluster.Condition(s, "Stalled", "reason") == "PolicyUnhealthy" && s["status"]?["observedGeneration"]?.GetValue<long>() == 2, "Stalled PolicyUnhealthy");
        Assert.Equal("False", Cluster.Condition(stalled, "RelayProtected"));
        Assert.Equal("TrustedNetworksOpen", Cluster.Condition(stalled, "RelayProtected", "reason"));
        Assert.Equal("PolicyUnhealthy", Cluster.Condition(stalled, "Ready", "reason"));
        Assert.Contains("nothing was applied", Cluster.Condition(stalled, "Stalled", "message"), StringComparison.Ordinal);
        var after = await cluster.VersionsAsync(ns);
        Assert.Equal(before.Where(v => !v.Key.StartsWith("mailsubmissions/", StringComparison.Ordinal)),
            after.Where(v => !v.Key.StartsWith("mailsubmissions/", StringComparison.Ordinal)));
        StatusFixture.Check("degraded-stalled-policy", nameof(Open_relay_edit_stalls_and_changes_nothing),
            "A Ready submission edited to trustedNetworks 0.0.0.0/0 (an open relay the validator lets through):\nStalled PolicyUnhealthy, nothing applied, the service keeps its healthy config.", stalled, ns);

        await cluster.MergePatchAsync(path, new JsonObject { ["spec"] = new JsonObject { ["trustedNetworks"] = null } });
        await Scenario.WaitAsync(cluster, ns, "modern", s => Cluster.Condition(s, "Ready") == "True" && Cluster.Condition(s, "Stalled") == "False", "Ready again");
    }
}
