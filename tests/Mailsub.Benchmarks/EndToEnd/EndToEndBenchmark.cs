using System.Diagnostics;
using Mailsub.EndToEnd.Tests;

namespace Mailsub.Benchmarks.EndToEnd;

/// <summary>
/// `make bench-e2e` (issue 10, "Benchmark"): one run on the real one-node cluster of the end-to-end
/// tests (NodeFixture: images, hack/node/start.sh, the chart, the sink; stop.sh at the end, which
/// fails when anything is left), measuring with the tests' own code and printing each figure beside
/// its goal: apply → first message (cold, warm), config / user / certificate change → live against
/// plain kubelet propagation measured in the same run, leader failover, and the rollout counts.
/// </summary>
public static class EndToEndBenchmark
{
    // The chart runs the operator with OperatorOptions' defaults for leader election.
    private static readonly TimeSpan OperatorRetryPeriod = new Mailsub.Operator.OperatorOptions().RetryPeriod;

    // Apply → first 250. Measured on this node by hand (issue 10): the Deployment available
    // 1.6–2.5 s after apply, Ready=True 7 s, kube-proxy's rules 1–2 s after Ready; so warm ≤ 10 s
    // leaves room for the probe period and the client's retries, and cold ≤ 30 s adds the first
    // start of everything (the operator's first reconcile, the image's first container on the node).
    private static readonly TimeSpan ColdGoal = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WarmGoal = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LiveGoal = TimeSpan.FromSeconds(2);
    // Bounds past the goals, so a miss is measured rather than thrown.
    private static readonly TimeSpan LiveBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PlainBound = TimeSpan.FromSeconds(150);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0)
        {
            Console.Error.WriteLine("usage: Mailsub.Benchmarks e2e (root; the one-node cluster of hack/node; MAILSUB_BIN=bin)");
            return 2;
        }
        var table = new ResultTable();
        var node = new NodeFixture();
        var total = Stopwatch.StartNew();
        Console.WriteLine("end-to-end benchmark: building images, starting the one-node cluster, installing the chart (NodeFixture) ...");
        await node.InitializeAsync();
        foreach (var (step, took) in node.Timings)
            Console.WriteLine($"  {step}: {took.TotalSeconds:0.0} s");
        try
        {
            await MeasureAsync(node, table);
        }
        finally
        {
            Console.WriteLine("stopping the node (hack/node/stop.sh: fails if anything is left or a network guard caught a packet) ...");
            Exception? stop = null;
            try
            {
                await node.DisposeAsync();
            }
            catch (Exception e)
            {
                stop = e;
            }
            table.Print($"end-to-end benchmark, one-node cluster (Kubernetes 1.20.2, containerd, chart with 2 operator replicas), {total.Elapsed.TotalMinutes:0.0} min in all");
            Console.WriteLine(stop is null
                ? "node stopped: nothing left behind, the network guards caught 0 packets"
                : $"node stop FAILED: {stop.Message}");
            if (stop is not null)
                throw stop;
        }
        return table.AllMeasured ? 0 : 1;
    }

    private static async Task MeasureAsync(NodeFixture node, ResultTable table)
    {
        Console.WriteLine("apply → first message: the first MailSubmission since the node and the operator started (cold), then a second (warm) ...");
        var cold = await table.Try("apply → first 250 via ClusterIP, cold", $"<= {ColdGoal.TotalSeconds:0} s", async () =>
        {
            var (submission, elapsed, attempts) = await FirstMessage.MeasureAsync(node, "bench-cold", "cold", TimeSpan.FromSeconds(180));
            table.Add("apply → first 250 via ClusterIP, cold", Seconds(elapsed), $"<= {ColdGoal.TotalSeconds:0} s", elapsed <= ColdGoal, $"{attempts} attempt(s)");
            return submission;
        });
        var warm = await table.Try("apply → first 250 via ClusterIP, warm", $"<= {WarmGoal.TotalSeconds:0} s", async () =>
        {
            var (submission, elapsed, attempts) = await FirstMessage.MeasureAsync(node, "bench-warm", "warm", TimeSpan.FromSeconds(120));
            table.Add("apply → first 250 via ClusterIP, warm", Seconds(elapsed), $"<= {WarmGoal.TotalSeconds:0} s", elapsed <= WarmGoal, $"{attempts} attempt(s)");
            return submission;
        });

        // The plain kubelet runs at the same time as the live changes and the failover: it is
        // waiting for the kubelet's periodic pod sync, and its log is read only once a second.
        Console.WriteLine("plain kubelet propagation (a ConfigMap volume in a plain pod) started; live changes meanwhile ...");
        var baseline = new KubeletBaseline(node);
        var plain = table.Try("plain kubelet: ConfigMap change → in the pod", "(baseline)", async () =>
        {
            await baseline.StartAsync();
            return (TimeSpan?)await baseline.MeasureAsync(PlainBound);
        });

        var live = new List<(string What, TimeSpan Took)>();
        if (cold is not null)
        {
            var containers = await LiveChange.ContainersAsync(node, cold);
            foreach (var (what, change) in new (string, Func<Task<TimeSpan>>)[]
            {
                ("user: password Secret", () => LiveChange.PasswordAsync(node, cold, "alice-password", "second password", LiveBound)),
                ("config: messageSizeBytes", () => LiveChange.MessageSizeAsync(node, cold, 1234567, LiveBound)),
                ("certificate: TLS Secret", () => LiveChange.CertificateAsync(node, cold, LiveBound)),
            })
            {
                var took = await table.Try($"{what} change → live in the pod", $"<= {LiveGoal.TotalSeconds:0} s", async () => (TimeSpan?)await change());
                if (took is { } t)
                {
                    live.Add((what, t));
                    table.Add($"{what} change → live in the pod", Seconds(t), $"<= {LiveGoal.TotalSeconds:0} s", t <= LiveGoal, "from the write, via the Service");
                }
            }
            var restarted = containers != await LiveChange.ContainersAsync(node, cold);
            table.Add("live changes: pod restarts", restarted ? "yes" : "none", "none", !restarted, "container IDs and restart counts before and after");
        }
        else
        {
            table.Fail("config / user / certificate change → live", "the cold submission was not created");
        }

        if (warm is not null)
        {
            Console.WriteLine("leader failover: SIGKILL to the leader operator pod's container, a change made meanwhile ...");
            await table.Try("leader failover", "", async () =>
            {
                var failover = await Failover.KillLeaderAsync(node, warm, 7654321, TimeSpan.FromSeconds(90));
                // A killed leader does not release its Lease (a graceful stop does): the standby takes
                // it once the lease duration has passed since it saw the last renewal, which it sees up
                // to one retry period late, and it looks again up to one retry period after that.
                var bound = failover.LeaseDuration + 2 * OperatorRetryPeriod;
                var goal = $"<= {bound.TotalSeconds:0} s";
                table.Add("leader killed → new holder in the Lease", Seconds(failover.TookOver), goal, failover.TookOver <= bound,
                    $"lease {failover.LeaseDuration.TotalSeconds:0} s (the Lease's leaseDurationSeconds) + 2 x retry {OperatorRetryPeriod.TotalSeconds:0} s");
                table.Add("leader killed → change reconciled (ConfigMap)", Seconds(failover.Reconciled), goal, failover.Reconciled <= bound,
                    $"{failover.Leader} → {failover.NewHolder}");
                await node.Kubectl(null, "-n", NodeFixture.OperatorNamespace, "rollout", "status", $"deploy/{NodeFixture.Release}", "--timeout=120s");
                return (object?)null;
            });
        }
        else
        {
            table.Fail("leader failover", "the warm submission was not created");
        }

        if (await plain is { } p)
        {
            table.Add("plain kubelet: ConfigMap change → in the pod", Seconds(p), "(baseline)", null, $"bounded at {PlainBound.TotalSeconds:0} s; no operator");
            foreach (var (what, took) in live)
                table.Add($"ratio {what} / plain kubelet", $"{took / p:0.000}", "", null, $"{Seconds(took)} vs {Seconds(p)}");
        }

        Console.WriteLine("rollout: a 5/s client stream for 40 s while scaling 1 → 2 → 1 and rolling, relay up, then down ...");
        var roll = await table.Try("rollout", "lost = 0", () => Rollout.CreateAsync(node, "bench-rollout", "roll"));
        if (roll is null)
            return;
        foreach (var (relayUp, cpu) in new[] { (true, "20m"), (false, "30m") })
        {
            await table.Try($"rollout, relay {(relayUp ? "up" : "down")}", "lost = 0", async () =>
            {
                var r = await Rollout.RunAsync(node, roll, relayUp, cpu);
                Console.WriteLine($"  relay {r.Relay}: {r.Changes}");
                table.Add($"rollout, relay {r.Relay}: lost", $"{r.Lost.Count}", "0", r.Lost.Count == 0,
                    $"sent {r.Counts.Sent}, accepted {r.Counts.Accepted}, 4xx-retried {r.Counts.Deferred}, given up {r.Counts.Failed}, " +
                    $"duplicates {r.Duplicates}, delivered {r.Delivered}; last arrived {r.LastArrived.TotalSeconds:0} s after the {(relayUp ? "stream" : "relay's return")}");
                return (object?)null;
            });
        }
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.00} s";
}
