using System.Globalization;
using Mailsub.EndToEnd.Tests;

namespace Mailsub.Benchmarks.EndToEnd;

/// <summary>
/// The floor the live changes are compared with: plain kubelet propagation of a ConfigMap change
/// into a plain pod that mounts it (no operator involved). The pod, of the node's Postfix image,
/// runs a shell loop that prints the host clock (pods share the host's) and the mounted value
/// whenever it changes, every 100 ms; the time is the pod's line minus the host's clock just before
/// the write, so polling the log once a second costs no precision. The write comes 20 s after the
/// pod started (see <see cref="StartAsync"/>).
/// </summary>
public sealed class KubeletBaseline(NodeFixture node)
{
    public const string Namespace = "bench-plain";
    private const string Script = """last=; while :; do v=$(cat /cm/value); if [ "$v" != "$last" ]; then echo "$(date +%s.%N) $v"; last=$v; fi; sleep 0.1; done""";

    /// <summary>The namespace, the ConfigMap (value 1) and the pod, Ready and printing 1.</summary>
    public async Task StartAsync()
    {
        await node.Kubectl(null, "create", "namespace", Namespace);
        // The ServiceAccount admission rejects a Pod until its namespace's default account has a token.
        await NodeFixture.Eventually(async () => (await node.TryKubectl("-n", Namespace, "get", "serviceaccount", "default",
            "-o", "jsonpath={.secrets[0].name}")).Stdout.Trim().Length > 0, TimeSpan.FromSeconds(60), "the default ServiceAccount's token in " + Namespace);
        await node.Kubectl($$$"""
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "plain", "namespace": "{{{Namespace}}}"}, "data": {"value": "1"}},
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "plain", "namespace": "{{{Namespace}}}"},
               "spec": {"automountServiceAccountToken": false, "enableServiceLinks": false, "terminationGracePeriodSeconds": 1,
                        "containers": [{"name": "watch", "image": "{{{node.PostfixImage}}}", "imagePullPolicy": "Never",
                                        "command": ["sh", "-c", {{{System.Text.Json.Nodes.JsonValue.Create(Script).ToJsonString()}}}],
                                        "volumeMounts": [{"name": "cm", "mountPath": "/cm"}]}],
                        "volumes": [{"name": "cm", "configMap": {"name": "plain"}}]}}]}
            """, "apply", "-f", "-");
        await node.Kubectl(null, "-n", Namespace, "wait", "--for=condition=Ready", "pod/plain", "--timeout=120s");
        await NodeFixture.Eventually(async () => await SeenAtAsync("1") is not null, TimeSpan.FromSeconds(30), "the plain pod printing value 1");
        // A pod that just started is synced again and again on its own events (measured: a change
        // 3 s after the start was in the pod 1.0 s later); the steady state is the periodic sync,
        // so the write waits until the pod has been quiet for a while, as a user's pods are.
        await Task.Delay(Settle);
    }

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>Writes value 2 and returns how long until the pod saw it, bounded.</summary>
    public async Task<TimeSpan> MeasureAsync(TimeSpan bound)
    {
        var before = DateTimeOffset.UtcNow;
        await node.Kubectl(null, "-n", Namespace, "patch", "configmap", "plain", "--type=merge", "-p", """{"data":{"value":"2"}}""");
        // Once a second: the pod's own clock says when it saw the value, and fewer kubectl runs
        // disturb the live-change measurements that run meanwhile.
        while (DateTimeOffset.UtcNow - before < bound)
        {
            await Task.Delay(1000);
            if (await SeenAtAsync("2") is { } seen)
                return seen - before;
        }
        throw new TimeoutException($"plain kubelet propagation of the ConfigMap change: not in the pod after {bound.TotalSeconds:0} s");
    }

    private async Task<DateTimeOffset?> SeenAtAsync(string value)
    {
        var log = await node.Kubectl(null, "-n", Namespace, "logs", "pod/plain");
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length == 2 && fields[1] == value)
                return DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(double.Parse(fields[0], CultureInfo.InvariantCulture));
        }
        return null;
    }
}
