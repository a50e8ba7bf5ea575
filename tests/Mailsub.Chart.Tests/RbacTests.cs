using System.Diagnostics;
using System.Text;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Chart.Tests;

/// <summary>
/// The chart installed by the real helm into the real kube-apiserver 1.20 with the RBAC authorizer
/// on; `kubectl auth can-i` for what the operator needs (yes) and must not do (no), once
/// impersonating the ServiceAccount (--as) and once authenticating with its minted token.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class RbacTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    /// <summary>A row: verb, resource (with /subresource or /name), namespace ("*" = all), expected.</summary>
    private sealed record Check(string Verb, string Resource, string Namespace, bool Expected, string Why);

    private static List<Check> OperatorNeeds(string watched, string release) =>
    [
        new("list", "mailsubmissions.mailsub.dev", watched, true, "informer"),
        new("watch", "mailsubmissions.mailsub.dev", watched, true, "informer"),
        new("patch", "mailsubmissions.mailsub.dev/status", watched, true, "status SSA"),
        new("patch", "configmaps", watched, true, "SSA of the Postfix ConfigMap"),
        new("create", "configmaps", watched, true, "SSA creating it"),
        new("watch", "configmaps", watched, true, "informer"),
        new("get", "secrets", watched, true, "passwordSecretRef, relay credentials"),
        new("list", "secrets", watched, true, "Secret informer"),
        new("patch", "secrets", watched, true, "SSA of the users Secret"),
        new("patch", "deployments.apps", watched, true, "SSA of the Postfix Deployment"),
        new("watch", "deployments.apps", watched, true, "informer"),
        new("patch", "services", watched, true, "SSA of the Service"),
        new("patch", "poddisruptionbudgets.policy", watched, true, "SSA of the PDB"),
        new("patch", "certificates.cert-manager.io", watched, true, "SSA of the Certificate"),
        new("watch", "certificates.cert-manager.io", watched, true, "informer"),
        new("create", "events", watched, true, "Events on MailSubmissions"),
        new("get", "leases.coordination.k8s.io/mailsub-operator", release, true, "leader election"),
        new("update", "leases.coordination.k8s.io/mailsub-operator", release, true, "lease renewal"),
        new("create", "leases.coordination.k8s.io", release, true, "first leader creates the Lease"),
        new("delete", "certificates.cert-manager.io", watched, true, "prune (tls switched to secretName)"),
        new("delete", "poddisruptionbudgets.policy", watched, true, "prune (one replica)"),
        new("delete", "secrets", watched, true, "prune of its own Secrets"),
        new("list", "pods", watched, true, "PodVolumeRefresh finds the Postfix pods"),
        new("patch", "pods", watched, true, "PodVolumeRefresh annotates them"),
    ];

    private static List<Check> OperatorMustNot(string watched, string release) =>
    [
        new("update", "mailsubmissions.mailsub.dev", watched, false, "spec belongs to users/GitOps"),
        new("patch", "mailsubmissions.mailsub.dev", watched, false, "spec belongs to users/GitOps"),
        new("delete", "mailsubmissions.mailsub.dev", watched, false, "never deletes the resource"),
        new("deletecollection", "configmaps", watched, false, "prune deletes one by one"),
        new("delete", "persistentvolumeclaims", watched, false, "not a child kind"),
        new("get", "pods", watched, false, "lists by label only"),
        new("delete", "pods", watched, false, "never deletes pods"),
        new("watch", "pods", watched, false, "no pod informer"),
        new("create", "pods/exec", watched, false, "no exec"),
        new("list", "nodes", "", false, "no nodes"),
        new("create", "namespaces", "", false, "cluster-scoped"),
        new("create", "rolebindings.rbac.authorization.k8s.io", watched, false, "no RBAC edits"),
        new("create", "clusterroles.rbac.authorization.k8s.io", "", false, "no RBAC edits"),
        new("escalate", "roles.rbac.authorization.k8s.io", watched, false, "no RBAC edits"),
        new("update", "customresourcedefinitions.apiextensions.k8s.io", "", false, "CRDs come from Helm"),
        new("impersonate", "serviceaccounts", watched, false, "no impersonation"),
        new("update", "leases.coordination.k8s.io/kube-controller-manager", release, false, "only its own Lease"),
        new("delete", "leases.coordination.k8s.io/mailsub-operator", release, false, "never deletes the Lease"),
    ];

    [Fact]
    public async Task Namespaced_install_grants_exactly_the_watched_namespaces()
    {
        var release = await cp.CreateNamespaceAsync("ops");
        var watched = await cp.CreateNamespaceAsync("mail");
        var other = await cp.CreateNamespaceAsync("other");
        await InstallAsync("rbac-ns", release, "--set", $"watchNamespaces={{{watched}}}");
        var checks = OperatorNeeds(watched, release).Concat(OperatorMustNot(watched, release)).Concat(
        [
            new("get", "secrets", other, false, "Secrets outside watched namespaces"),
            new("list", "secrets", other, false, "Secrets outside watched namespaces"),
            new("list", "secrets", "*", false, "no cluster-wide Secret reads"),
            new("watch", "secrets", "*", false, "no cluster-wide Secret reads"),
            new("list", "mailsubmissions.mailsub.dev", "*", false, "namespaced mode: no cluster-wide list"),
            new("list", "mailsubmissions.mailsub.dev", other, false, "unwatched namespace"),
            new("patch", "configmaps", other, false, "unwatched namespace"),
            new("get", "secrets", release, false, "release namespace is not watched"),
            new("list", "leases.coordination.k8s.io", watched, false, "leases only in the release namespace"),
        ]).ToList();
        await RunTableAsync("namespaced (watchNamespaces: [mail])", release, "rbac-ns-mailsub", checks);
    }

    [Fact]
    public async Task Cluster_install_grants_the_watch_rules_everywhere_and_nothing_else()
    {
        var release = await cp.CreateNamespaceAsync("ops");
        var any = await cp.CreateNamespaceAsync("any");
        await InstallAsync("rbac-cl", release);
        var checks = OperatorNeeds(any, release).Concat(OperatorMustNot(any, release)).Concat(
        [
            new("list", "secrets", "*", true, "Secret informer, all namespaces (documented)"),
            new("list", "mailsubmissions.mailsub.dev", "*", true, "all namespaces"),
            new("update", "secrets", "*", false, "writes by SSA patch only"),
            new("get", "pods/log", any, false, "no pod logs"),
        ]).ToList();
        await RunTableAsync("cluster (watchNamespaces: [])", release, "rbac-cl-mailsub", checks);
    }

    private async Task InstallAsync(string name, string ns, params string[] values)
    {
        await cp.InstallCertManagerCrdsAsync();
        var watch = Stopwatch.StartNew();
        // The releases stay installed for the collection's other tests: their webhooks (no pods
        // here, so no endpoints) must not refuse those tests' MailSubmission writes.
        await cp.Helm(["install", name, Tools.ChartDirectory, "--namespace", ns, "--set", "webhook.failurePolicy=Ignore", .. values]);
        output.WriteLine($"helm install {name}: {watch.ElapsedMilliseconds} ms");
    }

    private async Task RunTableAsync(string title, string ns, string serviceAccount, List<Check> checks)
    {
        var token = await cp.MintTokenAsync(ns, serviceAccount);
        var watch = Stopwatch.StartNew();
        var table = new StringBuilder($"| {title} | verb | resource | namespace | expected | --as | token |\n");
        var wrong = new List<string>();
        foreach (var check in checks)
        {
            string[] scope = check.Namespace switch { "*" => ["--all-namespaces"], "" => [], _ => ["-n", check.Namespace] };
            var resource = check.Resource;
            string[] sub = [];
            if (resource.EndsWith("/status", StringComparison.Ordinal) || resource.EndsWith("/exec", StringComparison.Ordinal) || resource.EndsWith("/log", StringComparison.Ordinal))
            {
                var slash = resource.LastIndexOf('/');
                sub = ["--subresource", resource[(slash + 1)..]];
                resource = resource[..slash];
            }
            var asResult = await cp.TryKubectl(["auth", "can-i", check.Verb, resource, .. sub, .. scope, $"--as=system:serviceaccount:{ns}:{serviceAccount}"]);
            var tokenResult = await cp.TryKubectl(["auth", "can-i", check.Verb, resource, .. sub, .. scope, "--token", token]);
            var asYes = asResult.Stdout.Trim() == "yes";
            var tokenYes = tokenResult.Stdout.Trim() == "yes";
            table.Append($"| {check.Why} | {check.Verb} | {check.Resource} | {Show(check.Namespace)} | {Yn(check.Expected)} | {Yn(asYes)} | {Yn(tokenYes)} |\n");
            if (asYes != check.Expected || tokenYes != check.Expected)
                wrong.Add($"{check.Verb} {check.Resource} in {Show(check.Namespace)}: expected {Yn(check.Expected)}, --as {Yn(asYes)} ({asResult.Stderr.Trim()}), token {Yn(tokenYes)} ({tokenResult.Stderr.Trim()})");
        }
        output.WriteLine(table.ToString());
        output.WriteLine($"{checks.Count} checks x 2 in {watch.ElapsedMilliseconds} ms");
        var report = Environment.GetEnvironmentVariable("MAILSUB_RBAC_TABLE");
        if (!string.IsNullOrEmpty(report))
            await File.AppendAllTextAsync(report, table + $"\n{checks.Count} checks x 2 in {watch.ElapsedMilliseconds} ms\n\n");
        Assert.True(wrong.Count == 0, "RBAC differs from what the operator needs:\n" + string.Join("\n", wrong) + "\n" + table);
    }

    private static string Yn(bool value) => value ? "yes" : "no";

    private static string Show(string ns) => ns switch { "*" => "(all)", "" => "(cluster)", _ => ns.Split('-')[0] };
}
