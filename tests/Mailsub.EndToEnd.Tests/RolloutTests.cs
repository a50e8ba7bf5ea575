using System.Diagnostics;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// A client stream through the Service while the submission scales 1 → 2 → 1 and its pods roll,
/// with the relay host up, then down for the whole run: every message accepted with 250 reaches
/// the sink, with the relay down because a stopping pod hands what the relay did not take to a
/// peer (QueueHandoff). The counts are printed.
/// </summary>
[Collection(NodeFixture.Collection)]
public sealed class RolloutTests(NodeFixture node, ITestOutputHelper output)
{
    private const string Namespace = "e2e-rollout";
    private const string Name = "roll";
    private const string Password = "rollout password";
    private static readonly TimeSpan StreamLength = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Scaling_and_a_rollout_lose_no_accepted_mail_with_the_relay_up_or_down()
    {
        var submission = await Submission.CreateAsync(node, Namespace, Name, Submission.Modern(Namespace, Name, node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = Password }, TlsMaterial.SelfSigned("mail.example.com"));
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        await NodeFixture.Eventually(async () => (await node.Kubectl(null, "-n", Namespace, "get", "configmap", $"{Name}-postfix",
            "-o", "jsonpath={.data.handoff-peer}")).Trim().Length > 0, TimeSpan.FromSeconds(60), "the peers Service's address in the ConfigMap");

        var failures = new List<string>();
        await using var logs = new PodLogs(node, Namespace, $"app.kubernetes.io/instance={Name}");
        foreach (var (relayUp, cpu) in new[] { (true, "20m"), (false, "30m") })
        {
            var prefix = $"rollout-{(relayUp ? "relay-up" : "relay-down")}-{Guid.NewGuid():N}";
            if (!relayUp)
                await SetRelayAsync(up: false);
            StreamCounts counts;
            IReadOnlyList<string> accepted;
            TimeSpan restored;
            try
            {
                var stream = MailStream.RunAsync(submission, Password, prefix, rate: 5, StreamLength);
                var changes = await ScaleAndRollAsync(cpu);
                (counts, accepted) = await stream;
                output.WriteLine($"relay {(relayUp ? "up" : "down")}: {changes}");
                await WaitForSinglePodAsync();
            }
            finally
            {
                if (!relayUp)
                    await SetRelayAsync(up: true);
            }
            var clock = Stopwatch.StartNew();
            var delivered = await DeliveredAsync(prefix);
            while (accepted.Except(delivered).Any() && clock.Elapsed < TimeSpan.FromSeconds(150))
            {
                await Task.Delay(2000);
                delivered = await DeliveredAsync(prefix);
            }
            restored = clock.Elapsed;
            var lost = accepted.Except(delivered).ToList();
            var duplicates = delivered.Count - delivered.Distinct().Count();
            output.WriteLine($"relay {(relayUp ? "up" : "down")}: {counts}; delivered {delivered.Distinct().Count()} " +
                $"({duplicates} twice), lost {lost.Count}; the last arrived {restored.TotalSeconds:0} s after the {(relayUp ? "stream ended" : "relay came back")}");
            if (lost.Count > 0)
            {
                var queue = await node.TryKubectl("-n", Namespace, "exec", $"deploy/{Name}-postfix", "--", "postqueue", "-c", "/var/lib/mailsub/etc", "-p");
                failures.Add($"relay {(relayUp ? "up" : "down")}: {lost.Count} accepted message(s) never arrived: {string.Join(", ", lost.Take(5))}\n" +
                    $"--- the remaining pod's queue ---\n{queue.Output}");
            }
            if (counts.Accepted < counts.Sent)
                failures.Add($"relay {(relayUp ? "up" : "down")}: {counts.Sent - counts.Accepted} message(s) not accepted after {MailStream.Attempts} attempts");
        }
        // What the stopping pods said about their queues, for the counts above and any failure.
        var drains = logs.Lines.Where(l => l.Contains("handing", StringComparison.Ordinal) || l.Contains("still queued", StringComparison.Ordinal)
            || l.Contains("postfix/handoff", StringComparison.Ordinal) && l.Contains("relay=", StringComparison.Ordinal) || l.Contains("status=bounced", StringComparison.Ordinal)).ToList();
        output.WriteLine($"--- drains and handoffs ({drains.Count} lines) ---\n{string.Join("\n", drains)}");
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n--- every pod's log ---\n" + string.Join("\n", logs.Lines.Where(l => !l.Contains("connect from", StringComparison.Ordinal))));
    }

    /// <summary>Scale 1 → 2 → 1, then a pod-spec change (a CPU request) rolls the pod; returns what each took.</summary>
    private async Task<string> ScaleAndRollAsync(string cpu)
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
            await node.Kubectl(null, "-n", Namespace, "patch", "mailsubmission", Name, "--type=merge", "-p", patch);
            await Task.Delay(2000); // the operator's apply, then the Deployment controller's
            await node.Kubectl(null, "-n", Namespace, "rollout", "status", $"deploy/{Name}-postfix", "--timeout=120s");
            steps.Add($"{what} {clock.Elapsed.TotalSeconds:0.0} s");
            await Task.Delay(4000);
        }
        return string.Join(", ", steps);
    }

    /// <summary>Until the pods that stopped have finished their drain and are gone.</summary>
    private async Task WaitForSinglePodAsync() =>
        await NodeFixture.Eventually(async () => (await node.Kubectl(null, "-n", Namespace, "get", "pods", "-l", $"app.kubernetes.io/instance={Name}",
            "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1, TimeSpan.FromSeconds(90), "one pod left");

    /// <summary>The relay host down: its Service selects no pod, so connections to it are refused; up: the sink again.</summary>
    private async Task SetRelayAsync(bool up) =>
        await node.Kubectl(null, "-n", NodeFixture.SinkNamespace, "patch", "service", "sink", "--type=merge",
            "-p", $$$$"""{"spec":{"selector":{"app":"{{{{(up ? "sink" : "sink-down")}}}}"}}}""");

    private async Task<List<string>> DeliveredAsync(string prefix) =>
        (await Sink.SubjectsAsync(node)).Where(s => s.StartsWith(prefix, StringComparison.Ordinal)).ToList();
}
