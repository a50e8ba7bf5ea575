using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>
/// What `kubectl get msub` and `kubectl get msub -o wide` print, from the real kube-apiserver's
/// Table for the CRD's printer columns, and the kstatus conditions `kubectl wait` reads: a Ready
/// submission, then an edit validation refuses, which must not read Healthy.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class PrinterColumnsTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Ready_then_an_invalid_edit_prints_Unknown_not_Healthy_and_wide_says_why()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("printed");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        var ready = await Scenario.CreateReadyAsync(cluster, ns, "mail");
        var path = $"{Cluster.MailSubmissions(ns)}/mail";

        // Both abnormal-true conditions are written False, so `kubectl wait --for=condition=Stalled=False` returns.
        Assert.Equal(("False", "False"), (Cluster.Condition(ready, "Stalled"), Cluster.Condition(ready, "Reconciling")));
        var printed = await cluster.PrintedAsync(path);
        Assert.Equal(
            [
                ("Name", 0L, "mail"), ("Ready", 0L, "True"), ("Policy", 0L, "Healthy"), ("TLS", 0L, "True"),
                ("Replicas", 1L, "2"), ("Available", 1L, "2"), ("Reason", 1L, "Ready"),
                ("Message", 1L, "Serving with policy Healthy; every policy condition is True and the Deployment is available."),
            ],
            printed.Where(c => c.Name != "Age"));
        Assert.Contains(printed, c => c is { Name: "Age", Priority: 0 });

        await cluster.MergePatchAsync(path, new JsonObject { ["spec"] = new JsonObject { ["trustedNetworks"] = new JsonArray("10.1.2.3/8") } });
        var stalled = await Scenario.WaitAsync(cluster, ns, "mail",
            s => Cluster.Condition(s, "Stalled") == "True" && s["status"]?["observedGeneration"]?.GetValue<long>() == 2, "Stalled at generation 2");

        Assert.Equal(("Unknown", "Unknown", "InvalidSpec"), (JsonPath.GetString(stalled, "status", "policy"),
            Cluster.Condition(stalled, "RelayProtected"), Cluster.Condition(stalled, "AuthProtected", "reason")));
        Assert.Equal("False", Cluster.Condition(stalled, "Reconciling"));
        var cells = (await cluster.PrintedAsync(path)).ToDictionary(c => c.Name, c => c.Cell);
        Assert.Equal(("False", "Unknown", "Unknown", "InvalidSpec"), (cells["Ready"], cells["Policy"], cells["TLS"], cells["Reason"]));
        Assert.Contains("spec.trustedNetworks[0]", cells["Message"], StringComparison.Ordinal);
        // The pods still serve the last valid configuration, and say so.
        Assert.Equal("2", cells["Available"]);
    }
}
