using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>The real kube-apiserver stops and starts again mid-run; the operator recovers and converges.</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class ApiServerRestartTests(ControlPlaneFixture cp, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Operator_converges_after_an_API_server_restart()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("restart");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await Scenario.CreateReadyAsync(cluster, ns, "modern");

        var state = op.Operator.State!;
        var configMaps = state.Child(ChildKind.ConfigMap)!.Objects;
        long Lists() => state.Submissions.Informers.Sum(i => i.ListCount) + configMaps.Informers.Sum(i => i.ListCount);
        var listsBefore = Lists();
        await cp.RestartAsync();

        // A change made after the restart reaches the children: the watches came back.
        await cluster.MergePatchAsync($"{Cluster.MailSubmissions(ns)}/modern",
            new JsonObject { ["spec"] = new JsonObject { ["limits"] = new JsonObject { ["messageSizeBytes"] = 5242880 } } });
        await Scenario.WaitAsync(cluster, ns, "modern",
            s => s["status"]?["observedGeneration"]?.GetValue<long>() == 2 && Cluster.Condition(s, "Ready") == "True", "generation 2 Ready after restart");
        await Eventually.TrueAsync(async () =>
            JsonPath.GetString(await cluster.TryGetAsync($"{Cluster.Core(ns, "configmaps")}/modern-postfix"), "data", "main.cf")!.Contains("message_size_limit = 5242880"),
            Scenario.Timeout, () => "ConfigMap follows after restart");
        // The restarted server's watch cache starts at the current revision: resuming from the
        // informers' older resourceVersions is a 410, and they relist (the runtime's tests pin
        // down the mechanics; here the point is convergence through it).
        var relists = Lists() - listsBefore;
        var expired = state.Submissions.Informers.Sum(i => i.ExpiredCount) + configMaps.Informers.Sum(i => i.ExpiredCount);
        output.WriteLine($"after the restart: {relists} relists, {expired} watches expired (410)");
        Assert.True(relists > 0, $"no relist after the restart ({expired} expired)");
    }
}
