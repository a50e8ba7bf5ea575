using System.Text.Json.Nodes;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Chart.Tests;

/// <summary>
/// examples/gitops rendered by the real `kubectl kustomize` and applied server-side to the real
/// kube-apiserver 1.20, the way Argo CD (ServerSideApply=true) or Flux apply it.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class GitOpsApplyTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    private const string GitOps = "gitops";

    [Theory]
    [InlineData("staging", "mail-staging")]
    [InlineData("production", "mail")]
    public async Task Server_side_apply_is_idempotent_and_gitops_owns_spec(string overlay, string ns)
    {
        await cp.Kubectl("apply", "--server-side", "--force-conflicts", "-f", Tools.PathOf("crds", "mailsub.dev_mailsubmissions.yaml"));
        await cp.Kubectl("wait", "--for=condition=established", "crd/mailsubmissions.mailsub.dev", "--timeout=60s");
        var rendered = await Tools.Kubectl(cp.KubeconfigPath, null, "kustomize", Tools.PathOf("examples", "gitops", "overlays", overlay));

        var first = await ApplyAsync(rendered);
        Assert.Contains("serverside-applied", first);
        var before = await Versions(ns);

        var second = await ApplyAsync(rendered);
        output.WriteLine(second);
        Assert.Equal(before, await Versions(ns));

        var submission = await cp.GetJson("mailsubmission", "submission", "-n", ns);
        var managers = Managers(submission);
        Assert.True(managers.TryGetValue(GitOps, out var owned), "no managedFields entry of the GitOps manager");
        Assert.NotNull(owned!["f:spec"]);
        Assert.DoesNotContain(managers, m => m.Key != GitOps && m.Value["f:spec"] is not null);

        // What the operator's status apply looks like (field manager mailsub, status subresource):
        // SIMULATED here with kubectl until the controller is on main. The next GitOps apply must
        // neither change the object nor take status, and mailsub must own status only. (--validate=false:
        // kubectl validates the body against the whole schema, which requires spec; the status
        // subresource ignores spec.)
        var generation = (long)submission["metadata"]!["generation"]!;
        await Tools.Kubectl(cp.KubeconfigPath, $$"""
            {"apiVersion":"mailsub.dev/v1alpha1","kind":"MailSubmission","metadata":{"name":"submission","namespace":"{{ns}}"},
             "status":{"observedGeneration":{{generation}},"policy":"Healthy","conditions":[
               {"type":"Ready","status":"True","reason":"Ready","message":"simulated","lastTransitionTime":"2026-11-27T10:00:00Z" } ] } }
            """, "apply", "--server-side", "--field-manager=mailsub", "--subresource=status", "--validate=false", "-f", "-");
        var afterStatus = await Versions(ns);
        await ApplyAsync(rendered);
        Assert.Equal(afterStatus, await Versions(ns));
        var final = await cp.GetJson("mailsubmission", "submission", "-n", ns);
        Assert.Equal("Healthy", (string?)final["status"]!["policy"]);
        managers = Managers(final);
        Assert.NotNull(managers["mailsub"]["f:status"]);
        Assert.Null(managers["mailsub"]["f:spec"]);
        Assert.Null(managers[GitOps]["f:status"]);
        Assert.Equal(generation, (long)final["metadata"]!["generation"]!);
    }

    private async Task<string> ApplyAsync(string rendered) =>
        await Tools.Kubectl(cp.KubeconfigPath, rendered, "apply", "--server-side", $"--field-manager={GitOps}", "-f", "-");

    private async Task<string> Versions(string ns) =>
        await cp.Kubectl("get", $"namespace/{ns}", "-o", "jsonpath={.metadata.resourceVersion}") + "/" +
        await cp.Kubectl("get", "mailsubmission", "submission", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}");

    /// <summary>fieldsV1 by manager (Apply operations; one entry per manager here).</summary>
    private static Dictionary<string, JsonObject> Managers(JsonObject obj) =>
        obj["metadata"]!["managedFields"]!.AsArray()
            .ToDictionary(m => (string)m!["manager"]!, m => (JsonObject)m!["fieldsV1"]!);
}
