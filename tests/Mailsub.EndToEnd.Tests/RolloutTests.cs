using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// A client stream through the Service while the submission scales 1 → 2 → 1 and its pods roll
/// (<see cref="Rollout"/>), with the relay host up, then down for the whole run: every message
/// accepted with 250 reaches the sink, with the relay down because a stopping pod hands what the
/// relay did not take to a peer (QueueHandoff). The counts are printed.
/// </summary>
[Collection(NodeFixture.Collection)]
public sealed class RolloutTests(NodeFixture node, ITestOutputHelper output)
{
    private const string Namespace = "e2e-rollout";
    private const string Name = "roll";

    [Fact]
    public async Task Scaling_and_a_rollout_lose_no_accepted_mail_with_the_relay_up_or_down()
    {
        var submission = await Rollout.CreateAsync(node, Namespace, Name);
        var failures = new List<string>();
        await using var logs = new PodLogs(node, Namespace, $"app.kubernetes.io/instance={Name}");
        foreach (var (relayUp, cpu) in new[] { (true, "20m"), (false, "30m") })
        {
            var result = await Rollout.RunAsync(node, submission, relayUp, cpu);
            output.WriteLine($"relay {result.Relay}: {result.Changes}");
            output.WriteLine($"relay {result.Relay}: {result.Counts}; delivered {result.Delivered} " +
                $"({result.Duplicates} twice), lost {result.Lost.Count}; the last arrived {result.LastArrived.TotalSeconds:0} s after the {(relayUp ? "stream ended" : "relay came back")}");
            if (result.Lost.Count > 0)
            {
                var queue = await node.TryKubectl("-n", Namespace, "exec", $"deploy/{Name}-postfix", "--", "postqueue", "-c", "/var/lib/mailsub/etc", "-p");
                failures.Add($"relay {result.Relay}: {result.Lost.Count} accepted message(s) never arrived: {string.Join(", ", result.Lost.Take(5))}\n" +
                    $"--- the remaining pod's queue ---\n{queue.Output}");
            }
            if (result.Counts.Accepted < result.Counts.Sent)
                failures.Add($"relay {result.Relay}: {result.Counts.Sent - result.Counts.Accepted} message(s) not accepted after {MailStream.Attempts} attempts");
        }
        // What the stopping pods said about their queues, for the counts above and any failure.
        var drains = logs.Lines.Where(l => l.Contains("handing", StringComparison.Ordinal) || l.Contains("still queued", StringComparison.Ordinal)
            || l.Contains("postfix/handoff", StringComparison.Ordinal) && l.Contains("relay=", StringComparison.Ordinal) || l.Contains("status=bounced", StringComparison.Ordinal)).ToList();
        output.WriteLine($"--- drains and handoffs ({drains.Count} lines) ---\n{string.Join("\n", drains)}");
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n--- every pod's log ---\n" + string.Join("\n", logs.Lines.Where(l => !l.Contains("connect from", StringComparison.Ordinal))));
    }
}
