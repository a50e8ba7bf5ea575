using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Operator.Tests;

/// <summary>Create, update, delete and drift, against the real kube-apiserver and kube-controller-manager (GC).</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class LifecycleTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    [Fact]
    public async Task Create_update_delete_follow_the_resource()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("life");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);

        var ready = await Scenario.CreateReadyAsync(cluster, ns, "modern");
        output.WriteLine(ready["status"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Assert.Equal("1", ready["status"]!["observedGeneration"]!.ToJsonString());
        Assert.Equal("Healthy", JsonPath.GetString(ready, "status", "policy"));
        Assert.Equal("modern-users", JsonPath.GetString(ready, "status", "usersSecretName"));
        Assert.Equal("modern-tls", JsonPath.GetString(ready, "status", "tlsSecretName"));
        foreach (var type in new[] { "ConfigValid", "RelayProtected", "AuthProtected", "TLSReady", "UsersReady", "Available" })
        {
            Assert.Equal("True", Cluster.Condition(ready, type));
        }
        Assert.Equal("False", Cluster.Condition(ready, "Stalled"));
        Assert.Equal("False", Cluster.Condition(ready, "Reconciling"));
        var uid = JsonPath.GetString(ready, "metadata", "uid");
        foreach (var path in new[]
        {
            $"{Cluster.Core(ns, "configmaps")}/modern-postfix", $"{Cluster.Core(ns, "secrets")}/modern-users",
            $"{Cluster.Core(ns, "secrets")}/modern-generated-passwords", $"{Cluster.Core(ns, "services")}/modern",
            $"{Cluster.Apps(ns, "deployments")}/modern-postfix", $"/apis/policy/v1beta1/namespaces/{ns}/poddisruptionbudgets/modern-postfix",
            $"/apis/cert-manager.io/v1/namespaces/{ns}/certificates/modern-tls",
        })
        {
            var child = await cluster.TryGetAsync(path);
            Assert.True(child is not null, path);
            var owner = (JsonObject)child!["metadata"]!["ownerReferences"]![0]!;
            Assert.Equal(uid, JsonPath.GetString(owner, "uid"));
            Assert.True(owner["controller"]!.GetValue<bool>(), path);
        }

        // Where a draining pod hands its queue: the peers Service's address, in the ConfigMap.
        var peers = await cluster.TryGetAsync($"{Cluster.Core(ns, "services")}/modern-peers");
        var handoff = await cluster.TryGetAsync($"{Cluster.Core(ns, "configmaps")}/modern-postfix");
        Assert.Equal($"[{JsonPath.GetString(peers, "spec", "clusterIP")}]:19587", JsonPath.GetString(handoff, "data", "handoff-peer"));

        // Update: the ConfigMap follows, observedGeneration tracks the generation.
        await cluster.MergePatchAsync($"{Cluster.MailSubmissions(ns)}/modern",
            new JsonObject { ["spec"] = new JsonObject { ["limits"] = new JsonObject { ["messageSizeBytes"] = 10485760 } } });
        var updated = await Scenario.WaitAsync(cluster, ns, "modern",
            s => s["status"]?["observedGeneration"]?.GetValue<long>() == 2 && Cluster.Condition(s, "Ready") == "True", "generation 2 Ready");
        Assert.NotEqual(JsonPath.GetString(ready, "status", "configHash"), JsonPath.GetString(updated, "status", "configHash"));
        var configMap = await cluster.TryGetAsync($"{Cluster.Core(ns, "configmaps")}/modern-postfix");
        Assert.Contains("message_size_limit = 10485760", JsonPath.GetString(configMap, "data", "main.cf"));

        // Delete: the controller-manager's garbage collector removes the children.
        await cluster.DeleteAsync($"{Cluster.MailSubmissions(ns)}/modern");
        await Eventually.TrueAsync(async () => await cluster.TryGetAsync($"{Cluster.Core(ns, "configmaps")}/modern-postfix") is null
            && await cluster.TryGetAsync($"{Cluster.Apps(ns, "deployments")}/modern-postfix") is null
            && await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-users") is null,
            Scenario.Timeout, () => "children garbage-collected");
    }

    [Fact]
    public async Task Hand_edited_ConfigMap_is_reverted_and_idle_operator_writes_nothing()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("drift");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await Scenario.CreateReadyAsync(cluster, ns, "modern");

        // No hot loop: after convergence, ~10 s without any write to any object in the namespace.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = await cluster.VersionsAsync(ns);
        var (childWrites, statusWrites) = (op.ChildWrites, op.StatusWrites);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var after = await cluster.VersionsAsync(ns);
        var changed = before.Where(p => !after.TryGetValue(p.Key, out var v) || v != p.Value).Select(p => p.Key).ToList();
        output.WriteLine($"idle 10 s: {changed.Count} objects changed, {op.ChildWrites - childWrites} child writes, {op.StatusWrites - statusWrites} status writes");
        Assert.Empty(changed);
        Assert.Equal(childWrites, op.ChildWrites);
        Assert.Equal(statusWrites, op.StatusWrites);

        // Drift: a hand edit of main.cf is reverted.
        var path = $"{Cluster.Core(ns, "configmaps")}/modern-postfix";
        var original = JsonPath.GetString(await cluster.TryGetAsync(path), "data", "main.cf");
        await cluster.MergePatchAsync(path, new JsonObject { ["data"] = new JsonObject { ["main.cf"] = "mynetworks = 0.0.0.0/0\n" } });
        await Eventually.TrueAsync(async () => JsonPath.GetString(await cluster.TryGetAsync(path), "data", "main.cf") == original,
            Scenario.Timeout, () => "ConfigMap reverted");
    }

    [Fact]
    public async Task Children_that_exist_before_start_are_neither_recreated_nor_pruned()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("restart");
        await using (var first = await InProcessOperator.StartAsync(cluster.Config, ns))
        {
            await Scenario.CreateReadyAsync(cluster, ns, "modern");
        }
        var before = await cluster.VersionsAsync(ns);

        // A fresh operator starts every informer at once and discovers while they list: its first
        // reconcile must see every child already there: none is created again, none pruned, none
        // changed (a Secret may be applied again, cached without data, but that apply is a no-op).
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await Eventually.TrueAsync(() => Task.FromResult(op.Operator.Controller?.ReconcilesTotal >= 1), Scenario.Timeout, () => "first reconcile");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await cluster.VersionsAsync(ns);
        var changed = before.Where(p => !after.TryGetValue(p.Key, out var v) || v != p.Value).Select(p => p.Key).ToList();
        output.WriteLine($"after restart: {changed.Count} objects changed or gone ({string.Join(", ", changed)}), {op.ChildWrites} child writes, {op.StatusWrites} status writes");
        Assert.Empty(changed);
        Assert.Equal(before.Count, after.Count);
    }
}
