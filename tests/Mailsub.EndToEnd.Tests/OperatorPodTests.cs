using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>The operator as the chart runs it: two pods, one Lease, in-cluster config; and what
/// deleting a MailSubmission leaves (nothing).</summary>
[Collection(NodeFixture.Collection)]
public sealed class OperatorPodTests(NodeFixture node, ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_leader_hands_the_lease_to_the_other_replica_which_reconciles_a_change_made_meanwhile()
    {
        const string ns = "e2e-failover";
        var submission = await Submission.CreateAsync(node, ns, "fo", Submission.Modern(ns, "fo", node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = "failover" }, Testing.Postfix.TlsMaterial.SelfSigned("mail.example.com"));
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));

        var leader = await LeaderAsync();
        var pods = await OperatorPodsAsync();
        Assert.Equal(2, pods.Count);
        var leaderPod = leader.Split('_')[0];
        Assert.Contains(leaderPod, pods.Keys);
        output.WriteLine($"leader {leader}; killing its container {pods[leaderPod]}");
        var watch = Stopwatch.StartNew();
        await KillContainerAsync(pods[leaderPod]);
        await node.Kubectl(null, "-n", ns, "patch", "mailsubmission", "fo", "--type=merge", "-p", """{"spec":{"limits":{"messageSizeBytes":7654321}}}""");

        // The standby, or the killed pod's restarted process, whichever acquires it first once the lease expires.
        var holder = leader;
        var tookOver = await NodeFixture.Eventually(async () => (holder = await LeaderAsync()) != leader, TimeSpan.FromSeconds(60), "a new lease holder");
        output.WriteLine($"{holder} holds the lease {tookOver.TotalSeconds:0.0} s after the kill");
        var reconciled = await NodeFixture.Eventually(async () =>
            (await node.Kubectl(null, "-n", ns, "get", "configmap", "fo-postfix", "-o", "jsonpath={.data.main\\.cf}")).Contains("message_size_limit = 7654321"),
            TimeSpan.FromSeconds(60), "the change made during the failover in the ConfigMap");
        output.WriteLine($"the change made meanwhile is in the ConfigMap {watch.Elapsed.TotalSeconds:0.0} s after the kill");
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await node.Kubectl(null, "-n", NodeFixture.OperatorNamespace, "rollout", "status", $"deploy/{NodeFixture.Release}", "--timeout=120s");
    }

    [Fact]
    public async Task Deleting_a_MailSubmission_removes_every_child_and_its_pods()
    {
        const string ns = "e2e-delete";
        var submission = await Submission.CreateAsync(node, ns, "gone", Submission.Modern(ns, "gone", node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = "bye" }, Testing.Postfix.TlsMaterial.SelfSigned("mail.example.com"));
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        Assert.NotEmpty(await submission.PodsAsync());

        await node.Kubectl(null, "-n", ns, "delete", "mailsubmission", "gone", "--wait=true", "--timeout=60s");
        var gone = await NodeFixture.Eventually(async () =>
            (await node.Kubectl(null, "-n", ns, "get", "deploy,rs,pods,svc,configmap,pdb,certificates,secrets", "-l", "app.kubernetes.io/instance=gone", "-o", "name")).Trim().Length == 0
            && (await node.Kubectl(null, "-n", ns, "get", "secret", "gone-users", "gone-generated-passwords", "--ignore-not-found", "-o", "name")).Trim().Length == 0,
            TimeSpan.FromSeconds(90), "every child and pod of the deleted MailSubmission gone");
        output.WriteLine($"children and pods gone {gone.TotalSeconds:0.0} s after the delete returned");
        // The user's own Secrets stay: the operator never owned them.
        Assert.Contains("secret/alice-password", await node.Kubectl(null, "-n", ns, "get", "secret", "alice-password", "-o", "name"));
    }

    /// <summary>The Lease holder: the pod's host name, an underscore and a per-process suffix.</summary>
    private async Task<string> LeaderAsync() =>
        (await node.Kubectl(null, "-n", NodeFixture.OperatorNamespace, "get", "lease", "mailsub-operator", "-o", "jsonpath={.spec.holderIdentity}")).Trim();

    /// <summary>Operator pod name to its container ID (containerd's, without the scheme).</summary>
    private async Task<Dictionary<string, string>> OperatorPodsAsync()
    {
        var list = await node.GetJson("pods", "-n", NodeFixture.OperatorNamespace, "-l", "app.kubernetes.io/name=mailsub");
        return ((JsonArray)list["items"]!).ToDictionary(
            p => (string)p!["metadata"]!["name"]!,
            p => ((string?)p!["status"]!["containerStatuses"]?[0]?["containerID"] ?? "").Replace("containerd://", ""));
    }

    private async Task KillContainerAsync(string containerId)
    {
        var result = await Chart.Tests.Tools.RunAsync("ctr", ["-a", node.ContainerdSocket, "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", containerId]);
        Assert.True(result.ExitCode == 0, $"ctr tasks kill: {result.Output}");
    }
}
