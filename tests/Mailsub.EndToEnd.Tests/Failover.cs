using System.Diagnostics;
using System.Text.Json.Nodes;
using Mailsub.Chart.Tests;

namespace Mailsub.EndToEnd.Tests;

/// <summary>What a leader failover took: the killed holder, the new one, and the time from the
/// SIGKILL until the new holder is in the Lease and until the change made meanwhile is in the ConfigMap.</summary>
public sealed record FailoverResult(string Leader, string NewHolder, TimeSpan TookOver, TimeSpan Reconciled, TimeSpan LeaseDuration);

/// <summary>
/// Kills the leader operator pod's container (SIGKILL through containerd, so it cannot release the
/// Lease), patches the submission's message size meanwhile, and times the takeover and the
/// reconcile. OperatorPodTests asserts on it; `make bench-e2e` prints it beside the lease duration.
/// </summary>
public static class Failover
{
    public static async Task<FailoverResult> KillLeaderAsync(NodeFixture node, Submission submission, long messageSizeBytes, TimeSpan bound)
    {
        var leader = await LeaderAsync(node);
        var pods = await OperatorPodsAsync(node);
        var leaderPod = leader.Split('_')[0];
        if (pods.Count != 2 || !pods.ContainsKey(leaderPod))
            throw new InvalidOperationException($"want 2 operator pods, the leader {leader} among them; found {string.Join(", ", pods.Keys)}");
        var lease = TimeSpan.FromSeconds(int.Parse((await node.Kubectl(null, "-n", NodeFixture.OperatorNamespace, "get", "lease", LeaseName,
            "-o", "jsonpath={.spec.leaseDurationSeconds}")).Trim(), System.Globalization.CultureInfo.InvariantCulture));

        var watch = Stopwatch.StartNew();
        var kill = await Tools.RunAsync("ctr", ["-a", node.ContainerdSocket, "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", pods[leaderPod]]);
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"ctr tasks kill {pods[leaderPod]}: {kill.Output}");
        // The webhook (failurePolicy Fail) is served by both pods: until the endpoints drop the killed
        // one, the API server may still call it, and refuses the write; a user would retry, so does this.
        ToolResult patch = null!;
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            patch = await node.TryKubectl("-n", submission.Namespace, "patch", "mailsubmission", submission.Name, "--type=merge",
                "-p", """{"spec":{"limits":{"messageSizeBytes":""" + messageSizeBytes + "}}}");
            if (patch.ExitCode == 0 || !patch.Output.Contains("failed calling webhook", StringComparison.Ordinal))
                break;
            await Task.Delay(1000);
        }
        if (patch.ExitCode != 0)
            throw new InvalidOperationException($"kubectl patch during the failover: {patch.Output}");

        // The standby, or the killed pod's restarted process, whichever acquires it first once the lease expires.
        var holder = leader;
        await NodeFixture.Eventually(async () => (holder = await LeaderAsync(node)) != leader, bound, "a new lease holder");
        var tookOver = watch.Elapsed;
        await NodeFixture.Eventually(async () =>
            (await node.Kubectl(null, "-n", submission.Namespace, "get", "configmap", $"{submission.Name}-postfix", "-o", "jsonpath={.data.main\\.cf}"))
                .Contains($"message_size_limit = {messageSizeBytes}", StringComparison.Ordinal),
            bound, "the change made during the failover in the ConfigMap");
        return new FailoverResult(leader, holder, tookOver, watch.Elapsed, lease);
    }

    private const string LeaseName = "mailsub-operator";

    /// <summary>The Lease holder: the pod's host name, an underscore and a per-process suffix.</summary>
    private static async Task<string> LeaderAsync(NodeFixture node) =>
        (await node.Kubectl(null, "-n", NodeFixture.OperatorNamespace, "get", "lease", LeaseName, "-o", "jsonpath={.spec.holderIdentity}")).Trim();

    /// <summary>Operator pod name to its container ID (containerd's, without the scheme).</summary>
    private static async Task<Dictionary<string, string>> OperatorPodsAsync(NodeFixture node)
    {
        var list = await node.GetJson("pods", "-n", NodeFixture.OperatorNamespace, "-l", "app.kubernetes.io/name=mailsub");
        return ((JsonArray)list["items"]!).ToDictionary(
            p => (string)p!["metadata"]!["name"]!,
            p => ((string?)p!["status"]!["containerStatuses"]?[0]?["containerID"] ?? "").Replace("containerd://", "", StringComparison.Ordinal));
    }
}
