using System.Text.Json.Nodes;
using Mailsub.Core.Serialization;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Chart.Tests;

/// <summary>
/// examples/gitops rendered by the real `kubectl kustomize` and applied server-side to the real
/// kube-apiserver 1.20, the way Argo CD (ServerSideApply=true) or Flux apply it, then reconciled by
/// the real NativeAOT operator (`bin/mailsub run`, MAILSUB_BIN) started with the flags the chart
/// gives it for that overlay's operator-values.yaml. The test plays cert-manager and the kubelet.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class GitOpsApplyTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    private const string GitOps = "gitops";
    private const string Operator = "mailsub";
    private const string Name = "submission";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("staging", "mail-staging")]
    [InlineData("production", "mail")]
    public async Task Server_side_apply_is_idempotent_and_the_operator_owns_only_status(string overlay, string ns)
    {
        await cp.Kubectl("apply", "--server-side", "--force-conflicts", "-f", Tools.PathOf("crds", "mailsub.dev_mailsubmissions.yaml"));
        await cp.Kubectl("wait", "--for=condition=established", "crd/mailsubmissions.mailsub.dev", "--timeout=60s");
        await cp.InstallCertManagerCrdsAsync();
        var rendered = await Tools.Kubectl(cp.KubeconfigPath, null, "kustomize", Tools.PathOf("examples", "gitops", "overlays", overlay));

        // The GitOps tool alone: a second apply changes nothing, and it owns the spec.
        Assert.Contains("serverside-applied", await ApplyAsync(rendered));
        var applied = await cp.GetJson("mailsubmission", Name, "-n", ns);
        var before = await SnapshotAsync(ns);
        await ApplyAsync(rendered);
        Assert.Equal(before, await SnapshotAsync(ns));
        var gitopsFields = Entry(applied, GitOps)["fieldsV1"]!;
        Assert.NotNull(gitopsFields["f:spec"]);
        Assert.NotNull(gitopsFields["f:metadata"]?["f:labels"]);

        // The real operator, as the chart runs it with this overlay's values; alice's password
        // Secret comes from outside the GitOps repository (a secret store).
        await Tools.Kubectl(cp.KubeconfigPath, $$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"alice-password","namespace":"{{ns}}"},"stringData":{"password":"correct horse battery"} }
            """, "apply", "-f", "-");
        var release = await cp.CreateNamespaceAsync("gitops-op");
        using var op = new MailsubRun(["run", "--kubeconfig", cp.KubeconfigPath, .. await OperatorFlagsAsync(overlay, release)],
            new Dictionary<string, string> { ["POD_NAMESPACE"] = release, ["POD_NAME"] = "mailsub-gitops-test" });
        try
        {
            var ready = await ReconcileToReadyAsync(ns, op);
            output.WriteLine(ready["status"]!.ToJsonString());
            var converged = await QuietAsync(ns, op);
            var submission = await cp.GetJson("mailsubmission", Name, "-n", ns);

            // managedFields: exactly two managers. The operator's owns status and nothing else (the
            // status subresource; kube-apiserver 1.20 does not yet record `subresource` in the entry,
            // 1.22 does), and the GitOps manager still owns every field it applied, no more, no less.
            var managers = ManagedFields(submission).Select(m => (string?)m["manager"]).Order().ToList();
            Assert.Equal([GitOps, Operator], managers);
            var mailsub = Entry(submission, Operator);
            Assert.Equal("Apply", (string?)mailsub["operation"]);
            Assert.True(mailsub["subresource"] is null || (string?)mailsub["subresource"] == "status", mailsub.ToJsonString());
            Assert.Equal(["f:status"], ((JsonObject)mailsub["fieldsV1"]!).Select(p => p.Key));
            var gitops = Entry(submission, GitOps);
            Assert.Equal("Apply", (string?)gitops["operation"]);
            Assert.True(JsonNode.DeepEquals(gitopsFields, gitops["fieldsV1"]),
                $"the GitOps manager's fields changed:\nbefore {gitopsFields.ToJsonString()}\nafter  {gitops["fieldsV1"]!.ToJsonString()}");
            Assert.Null(gitops["fieldsV1"]!["f:status"]);
            // ...and the object's spec and metadata (generation included) are as the GitOps tool applied them.
            Assert.True(JsonNode.DeepEquals(applied["spec"], submission["spec"]), "the spec changed after the GitOps apply");
            Assert.Equal(StableMetadata(applied), StableMetadata(submission));

            // A second GitOps apply after convergence changes nothing (same resourceVersions, so no
            // watch event either), and the operator writes nothing more afterwards.
            await ApplyAsync(rendered);
            Assert.Equal(converged, await SnapshotAsync(ns));
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Equal(converged, await SnapshotAsync(ns));
            Assert.False(op.HasExited, "mailsub run exited:\n" + op.Log);
        }
        finally
        {
            var log = op.Log;
            output.WriteLine(log.Length > 4000 ? log[^4000..] : log);
        }
    }

    private async Task<string> ApplyAsync(string rendered) =>
        await Tools.Kubectl(cp.KubeconfigPath, rendered, "apply", "--server-side", $"--field-manager={GitOps}", "-f", "-");

    /// <summary>The `mailsub run` flags of the chart's Deployment for base + overlay operator-values.yaml, off-cluster.</summary>
    private static async Task<List<string>> OperatorFlagsAsync(string overlay, string release)
    {
        var manifests = await Tools.Helm(null, "template", "op", Tools.ChartDirectory, "--namespace", release,
            "-f", Tools.PathOf("examples", "gitops", "base", "operator-values.yaml"),
            "-f", Tools.PathOf("examples", "gitops", "overlays", overlay, "operator-values.yaml"));
        var deployment = YamlDocuments.Parse(manifests).OfType<JsonObject>().Single(d => (string?)d["kind"] == "Deployment");
        var args = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("run", args[0]);
        return args.Skip(1).Select(a => a.Replace("$(POD_NAMESPACE)", release, StringComparison.Ordinal)).Select(a =>
            a.StartsWith("--metrics-bind-address=", StringComparison.Ordinal) ? "--metrics-bind-address=0"
            : a.StartsWith("--health-probe-bind-address=", StringComparison.Ordinal) ? "--health-probe-bind-address=0"
            : a).ToList();
    }

    /// <summary>Plays cert-manager (the Certificate's Secret and Ready condition) and the kubelet (pods Running and Ready) until Ready.</summary>
    private async Task<JsonObject> ReconcileToReadyAsync(string ns, MailsubRun op)
    {
        var certificate = $"{Name}-tls";
        var issued = false;
        JsonObject? submission = null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < Timeout)
        {
            Assert.False(op.HasExited, "mailsub run exited:\n" + op.Log);
            if (!issued && (await cp.TryKubectl("get", "certificate.cert-manager.io", certificate, "-n", ns)).ExitCode == 0)
            {
                await Tools.Kubectl(cp.KubeconfigPath, $$"""
                    {"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/tls","metadata":{"name":"{{certificate}}","namespace":"{{ns}}"},
                     "stringData":{"tls.crt":"not-a-real-cert","tls.key":"not-a-real-key"} }
                    """, "apply", "--server-side", "--field-manager=cert-manager", "-f", "-");
                await cp.Kubectl("patch", "certificate.cert-manager.io", certificate, "-n", ns, "--subresource=status", "--type=merge", "-p",
                    """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Ready","message":"Certificate is up to date and has not expired"}]}}""");
                issued = true;
            }
            var pods = await cp.GetJson("pods", "-n", ns);
            foreach (var pod in pods["items"]!.AsArray().OfType<JsonObject>().Where(p => (string?)p["status"]?["phase"] != "Running"))
            {
                var now = DateTime.UtcNow.AddSeconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
                await cp.Kubectl("patch", "pod", (string)pod["metadata"]!["name"]!, "-n", ns, "--subresource=status", "--type=merge", "-p",
                    $$$"""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"{{{now}}}"},{"type":"ContainersReady","status":"True","lastTransitionTime":"{{{now}}}"}]}}""");
            }
            submission = await cp.GetJson("mailsubmission", Name, "-n", ns);
            var ready = submission["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready");
            if ((string?)ready?["status"] == "True"
                && submission["status"]!["observedGeneration"]?.GetValue<long>() == submission["metadata"]!["generation"]!.GetValue<long>())
            {
                return submission;
            }

            await Task.Delay(500);
        }
        throw new TimeoutException($"{ns}/{Name} not Ready within {Timeout.TotalSeconds} s; status: {submission?["status"]?.ToJsonString()}\n{op.Log}");
    }

    /// <summary>The snapshot once it has not changed for 3 s: the operator and the controllers have settled.</summary>
    private async Task<string> QuietAsync(string ns, MailsubRun op)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var last = await SnapshotAsync(ns);
        var since = System.Diagnostics.Stopwatch.StartNew();
        while (since.Elapsed < TimeSpan.FromSeconds(3))
        {
            Assert.True(watch.Elapsed < Timeout, $"{ns} did not settle:\n{last}\n{op.Log}");
            await Task.Delay(500);
            var now = await SnapshotAsync(ns);
            if (now != last)
                (last, since) = (now, System.Diagnostics.Stopwatch.StartNew());
        }
        return last;
    }

    /// <summary>kind/name=resourceVersion of the namespace, the MailSubmission, its children and the Secrets.</summary>
    private async Task<string> SnapshotAsync(string ns) =>
        $"namespace/{ns}=" + await cp.Kubectl("get", $"namespace/{ns}", "-o", "jsonpath={.metadata.resourceVersion}") + "\n" +
        await cp.Kubectl("get", "mailsubmission,configmap,secret,service,deployment,poddisruptionbudget,certificate.cert-manager.io", "-n", ns,
            "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{\"\\n\"}{end}");

    /// <summary>metadata without what every write changes (resourceVersion, managedFields).</summary>
    private static string StableMetadata(JsonObject obj)
    {
        var metadata = (JsonObject)obj["metadata"]!.DeepClone();
        metadata.Remove("resourceVersion");
        metadata.Remove("managedFields");
        return metadata.ToJsonString();
    }

    private static IEnumerable<JsonObject> ManagedFields(JsonObject obj) =>
        obj["metadata"]!["managedFields"]!.AsArray().OfType<JsonObject>();

    private static JsonObject Entry(JsonObject obj, string manager) =>
        ManagedFields(obj).SingleOrDefault(m => (string?)m["manager"] == manager)
        ?? throw new Xunit.Sdk.XunitException($"no managedFields entry of {manager}: {obj["metadata"]!["managedFields"]!.ToJsonString()}");
}
