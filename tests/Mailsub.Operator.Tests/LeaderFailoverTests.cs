using System.Diagnostics;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Operator.Tests;

/// <summary>
/// Two NativeAOT operator processes against the real kube-apiserver: the standby takes over
/// within the lease time when the leader is killed, and a SIGTERM releases the lease.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class LeaderFailoverTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    [Fact]
    public async Task Standby_takes_over_when_the_leader_is_killed()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("failover");
        string[] args = ["--namespace", ns, "--leader-elect", "--leader-election-namespace", ns, "--leader-election-id", "mailsub-test",
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0"];
        using var a = new OperatorProcess(cp.KubeconfigPath, args);
        using var b = new OperatorProcess(cp.KubeconfigPath, args);
        var lease = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/mailsub-test";
        string? holder = null;
        await Eventually.TrueAsync(async () => (holder = JsonPath.GetString(await cluster.TryGetAsync(lease), "spec", "holderIdentity")) is { Length: > 0 },
            Scenario.Timeout, () => $"a leader; a: {a.Output} b: {b.Output}");
        await Eventually.TrueAsync(() => Task.FromResult(a.Output.Contains($"msg=leading") || b.Output.Contains("msg=leading")),
            Scenario.Timeout, () => "leader logged");
        var (leader, standby) = a.Output.Contains("msg=leading") ? (a, b) : (b, a);

        // The leader reconciles.
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("first"));
        await Scenario.WaitAsync(cluster, ns, "first", s => s["status"]?["observedGeneration"] is not null, "first reconciled");

        // Kill -9: no release; the standby waits out the lease (15 s) and takes over.
        var watch = Stopwatch.StartNew();
        leader.Kill();
        string? next = null;
        await Eventually.TrueAsync(async () => (next = JsonPath.GetString(await cluster.TryGetAsync(lease), "spec", "holderIdentity")) is { Length: > 0 } n && n != holder,
            TimeSpan.FromSeconds(45), () => $"a new leader; standby: {standby.Output}");
        var takeover = watch.Elapsed;
        output.WriteLine($"failover: leader killed, standby holds the lease after {takeover.TotalSeconds:0.0} s (lease 15 s, retry 2 s)");
        Assert.True(takeover < TimeSpan.FromSeconds(15 + 2 + 8), $"takeover took {takeover}");

        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("second"));
        await Scenario.WaitAsync(cluster, ns, "second", s => s["status"]?["observedGeneration"] is not null, "second reconciled by the new leader");

        // SIGTERM: in-flight work finishes, the lease is released (holder cleared) and the process exits 0.
        var exit = await standby.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, exit);
        var after = await cluster.TryGetAsync(lease);
        Assert.True(string.IsNullOrEmpty(JsonPath.GetString(after, "spec", "holderIdentity")), after!.ToJsonString());
        Assert.Contains("msg=stopped", standby.Output);
    }
}
