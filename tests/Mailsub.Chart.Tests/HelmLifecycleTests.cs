using System.Diagnostics;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Chart.Tests;

/// <summary>helm install, upgrade and uninstall of the chart on the real kube-apiserver 1.20.</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class HelmLifecycleTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    private const string Release = "life";
    private const string Selector = "app.kubernetes.io/instance=" + Release;

    [Fact]
    public async Task Install_upgrade_uninstall_leaves_only_the_crd()
    {
        var ns = await cp.CreateNamespaceAsync("life");
        var watched = await cp.CreateNamespaceAsync("mail");
        var watch = Stopwatch.StartNew();
        await cp.Helm("install", Release, Tools.ChartDirectory, "--namespace", ns);
        output.WriteLine($"install: {watch.ElapsedMilliseconds} ms");

        // The CRD from crds/ is served; policy/v1beta1 was chosen for the PDB (1.20 has no policy/v1).
        await cp.Kubectl("wait", "--for=condition=established", "crd/mailsubmissions.mailsub.dev", "--timeout=60s");
        Assert.Equal("policy/v1beta1", (string?)(await cp.GetJson("pdb", "life-mailsub", "-n", ns))["apiVersion"]);
        var objects = await Names(ns);
        foreach (var expected in new[] { "deployment.apps/life-mailsub", "service/life-mailsub-metrics", "serviceaccount/life-mailsub",
                     "role.rbac.authorization.k8s.io/life-mailsub-leader-election", "clusterrole.rbac.authorization.k8s.io/life-mailsub",
                     "service/life-mailsub-webhook", "validatingwebhookconfiguration.admissionregistration.k8s.io/life-mailsub" })
        {
            Assert.Contains(expected, objects);
        }

        // Upgrade to the namespaced mode: the ClusterRole goes, a Role appears in the watched namespace.
        watch.Restart();
        await cp.Helm("upgrade", Release, Tools.ChartDirectory, "--namespace", ns, "--set", $"watchNamespaces={{{watched}}}", "--set", "workers=4");
        output.WriteLine($"upgrade: {watch.ElapsedMilliseconds} ms");
        var args = await cp.Kubectl("get", "deploy", "life-mailsub", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].args}");
        Assert.Contains("--workers=4", args);
        Assert.Contains($"--namespace={watched}", args);
        // Only the webhook's ClusterRole stays (its configuration is cluster-scoped).
        Assert.DoesNotContain("clusterrole.rbac.authorization.k8s.io/life-mailsub", (await Names(ns)).Split('\n'));
        Assert.Contains("clusterrole.rbac.authorization.k8s.io/life-mailsub-webhook", (await Names(ns)).Split('\n'));
        Assert.Contains("role.rbac.authorization.k8s.io/life-mailsub", await cp.Kubectl("get", "role", "-n", watched, "-l", Selector, "-o", "name"));
        Assert.Contains("deployed", await cp.Helm("status", Release, "--namespace", ns));

        watch.Restart();
        await cp.Helm("uninstall", Release, "--namespace", ns, "--wait", "--timeout", "60s");
        output.WriteLine($"uninstall: {watch.ElapsedMilliseconds} ms");
        Assert.Empty(await Names(ns));
        Assert.Empty((await cp.Kubectl("get", "role,rolebinding", "-n", watched, "-l", Selector, "-o", "name")).Trim());
        Assert.Empty((await cp.Kubectl("get", "secrets", "-n", ns, "-l", "owner=helm,name=" + Release, "-o", "name")).Trim());
        // Helm's CRD convention: crds/ is never deleted by helm (charts/mailsub/README.md).
        Assert.Contains("mailsubmissions.mailsub.dev", await cp.Kubectl("get", "crd", "mailsubmissions.mailsub.dev", "-o", "name"));
    }

    /// <summary>Every object of the release: namespaced kinds in the release namespace, and cluster-scoped RBAC.</summary>
    private async Task<string> Names(string ns) =>
        ((await cp.Kubectl("get", "deploy,svc,sa,pdb,role,rolebinding,networkpolicy,configmap,secret", "-n", ns, "-l", Selector, "-o", "name")).Trim() + "\n" +
        (await cp.Kubectl("get", "clusterrole,clusterrolebinding,validatingwebhookconfiguration", "-l", Selector, "-o", "name")).Trim()).Trim();
}
