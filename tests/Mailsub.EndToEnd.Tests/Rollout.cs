using System.Diagnostics;
using Mailsub.Testing.Postfix;

namespace Mailsub.EndToEnd.Tests;

/// <summary>What one rollout phase counted: the client stream's counts, the distinct messages the
/// sink received, those received twice, the accepted ones that never arrived, and how long after
/// the stream ended (relay up) or the relay came back (relay down) the last one arrived.</summary>
public sealed record RolloutResult(bool RelayUp, StreamCounts Counts, int Delivered, int Duplicates, IReadOnlyList<string> Lost,
    TimeSpan LastArrived, string Changes)
{
    public string Relay => RelayUp ? "up" : "down";
}

/// <summary>
/// A client stream through the Service (5 messages/s for 40 s) while the submission scales
/// 1 → 2 → 1 and its pod rolls, with the relay host up or down for the whole phase; then the sink
/// is read until every accepted message arrived or 150 s passed. RolloutTests asserts on the
/// counts; `make bench-e2e` prints them.
/// </summary>
public static class Rollout
{
    public const string Password = "rollout password";
    private static readonly TimeSpan StreamLength = TimeSpan.FromSeconds(40);

    /// <summary>One replica, Ready, with the peers Service's address (the handoff target) in its ConfigMap.</summary>
    public static async Task<Submission> CreateAsync(NodeFixture node, string ns, string name)
    {
        var submission = await Submission.CreateAsync(node, ns, name, Submission.Modern(ns, name, node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = Password }, TlsMaterial.SelfSigned("mail.example.com"));
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        await NodeFixture.Eventually(async () => (await node.Kubectl(null, "-n", ns, "get", "configmap", $"{name}-postfix",
            "-o", "jsonpath={.data.handoff-peer}")).Trim().Length > 0, TimeSpan.FromSeconds(60), "the peers Service's address in the ConfigMap");
        return submission;
    }

    /// <summary>One phase; <paramref name="cpu"/> is the CPU request that rolls the pod (it must differ from the last phase's).</summary>
    public static async Task<RolloutResult> RunAsync(NodeFixture node, Submission submission, bool relayUp, string cpu)
    {
        var prefix = $"rollout-{(relayUp ? "relay-up" : "relay-down")}-{Guid.NewGuid():N}";
        if (!relayUp)
            await SetRelayAsync(node, up: false);
        StreamCounts counts;
        IReadOnlyList<string> accepted;
        string changes;
        try
        {
            var stream = MailStream.RunAsync(submission, Password, prefix, rate: 5, StreamLength);
            changes = await ScaleAndRollAsync(node, submission, cpu);
            (counts, accepted) = await stream;
            await WaitForSinglePodAsync(node, submission);
        }
        finally
        {
            if (!relayUp)
                await SetRelayAsync(node, up: true);
        }
        var clock = Stopwatch.StartNew();
        var delivered = await DeliveredAsync(node, prefix);
        while (accepted.Except(delivered).Any() && clock.Elapsed < TimeSpan.FromSeconds(150))
        {
            await Task.Delay(2000);
            delivered = await DeliveredAsync(node, prefix);
        }
        return new RolloutResult(relayUp, counts, delivered.Distinct().Count(), delivered.Count - delivered.Distinct().Count(),
            accepted.Except(delivered).ToList(), clock.Elapsed, changes);
    }

    /// <summary>Scale 1 → 2 → 1, then a pod-spec change (a CPU request) rolls the pod; returns what each took.</summary>
    private static async Task<string> ScaleAndRollAsync(NodeFixture node, Submission submission, string cpu)
    {
        var steps = new List<string>();
        await Task.Delay(3000);
        foreach (var (what, patch) in new[]
        {
            ("scale to 2", """{"spec":{"workload":{"replicas":2}}}"""),
            ("scale to 1", """{"spec":{"workload":{"replicas":1}}}"""),
            ("roll", """{"spec":{"workload":{"resources":{"requests":{"cpu":"CPU"}}}}}""".Replace("CPU", cpu, StringComparison.Ordinal)),
        })
        {
            var clock = Stopwatch.StartNew();
            await node.Kubectl(null, "-n", submission.Namespace, "patch", "mailsubmission", submission.Name, "--type=merge", "-p", patch);
            await Task.Delay(2000); // the operator's apply, then the Deployment controller's
            await node.Kubectl(null, "-n", submission.Namespace, "rollout", "status", $"deploy/{submission.Name}-postfix", "--timeout=120s");
            steps.Add($"{what} {clock.Elapsed.TotalSeconds:0.0} s");
            await Task.Delay(4000);
        }
        return string.Join(", ", steps);
    }

    /// <summary>Until the pods that stopped have finished their drain and are gone.</summary>
    private static async Task WaitForSinglePodAsync(NodeFixture node, Submission submission) =>
        await NodeFixture.Eventually(async () => (await submission.PodsAsync()).Count == 1, TimeSpan.FromSeconds(90), "one pod left");

    /// <summary>The relay host down: its Service selects no pod, so connections to it are refused; up: the sink again.</summary>
    private static async Task SetRelayAsync(NodeFixture node, bool up) =>
        await node.Kubectl(null, "-n", NodeFixture.SinkNamespace, "patch", "service", "sink", "--type=merge",
            "-p", $$$$"""{"spec":{"selector":{"app":"{{{{(up ? "sink" : "sink-down")}}}}"}}}""");

    private static async Task<List<string>> DeliveredAsync(NodeFixture node, string prefix) =>
        (await Sink.SubjectsAsync(node)).Where(s => s.StartsWith(prefix, StringComparison.Ordinal)).ToList();
}
