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

        var failover = await Failover.KillLeaderAsync(node, submission, 7654321, TimeSpan.FromSeconds(60));
        output.WriteLine($"killed the leader {failover.Leader}; {failover.NewHolder} holds the lease {failover.TookOver.TotalSeconds:0.0} s after the kill " +
            $"(lease duration {failover.LeaseDuration.TotalSeconds:0} s); the change made meanwhile is in the ConfigMap {failover.Reconciled.TotalSeconds:0.0} s after it");
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
}
