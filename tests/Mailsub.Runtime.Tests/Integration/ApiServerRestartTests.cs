using System.Diagnostics;
using k8s;
using k8s.Models;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Watching;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Runtime.Tests.Integration;

/// <summary>
/// Restarts etcd and the real kube-apiserver 1.20 (same data, same port) under a running
/// informer: it must reconnect and converge on changes made right after the restart.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class ApiServerRestartTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    [Fact]
    public async Task AnInformerRecoversFromAnApiServerRestartAndConverges()
    {
        var ns = await cp.CreateNamespaceAsync("restart");
        await cp.Client.CoreV1.CreateNamespacedConfigMapAsync(InformerIntegrationTests.ConfigMap(ns, "a", "1"), ns);
        await cp.Client.CoreV1.CreateNamespacedConfigMapAsync(InformerIntegrationTests.ConfigMap(ns, "b", "1"), ns);
        using var connection = cp.Connect();
        var informer = new Informer<V1ConfigMap>(connection, TestKinds.ConfigMaps, new InformerOptions { Namespace = ns, LabelSelector = "test=informer" });
        var deletes = 0;
        informer.AddHandler(new InformerHandler<V1ConfigMap> { OnDelete = _ => Interlocked.Increment(ref deletes) });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(30));
        var rvBefore = informer.LastResourceVersion;

        // Writes the informer does not watch move the server past its version, so that after the
        // restart its version is older than the new watch cache: the watch gets 410 and it relists.
        var other = await cp.CreateNamespaceAsync("restart-other");
        for (var i = 0; i < 3; i++)
        {
            await cp.Client.CoreV1.CreateNamespacedConfigMapAsync(InformerIntegrationTests.ConfigMap(other, "x" + i, "1"), other);
        }

        await cp.StopAsync();
        await cp.StartAgainAsync();
        var started = Stopwatch.StartNew();
        await cp.Client.CoreV1.CreateNamespacedConfigMapAsync(InformerIntegrationTests.ConfigMap(ns, "c", "1"), ns);
        var a = await cp.Client.CoreV1.ReadNamespacedConfigMapAsync("a", ns);
        a.Data["k"] = "2";
        a.Metadata.ManagedFields = null; // the AOT client cannot write fieldsV1 back
        await cp.Client.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", ns);
        await cp.Client.CoreV1.DeleteNamespacedConfigMapAsync("b", ns);

        await Eventually.TrueAsync(() =>
            informer.Store.Get(ns, "c") is not null && informer.Store.Get(ns, "b") is null && informer.Store.Get(ns, "a")?.Data["k"] == "2",
            TimeSpan.FromSeconds(60), "the informer converges after the restart");
        output.WriteLine($"restart: start.sh {cp.LastStartDuration.TotalSeconds:0.0} s; converged {started.Elapsed.TotalSeconds:0.0} s after it returned; " +
            $"lists {informer.ListCount}, expired {informer.ExpiredCount}, errors {informer.ErrorCount}, rv {rvBefore} -> {informer.LastResourceVersion}");
        Assert.Equal(1, deletes);
        Assert.True(informer.ErrorCount >= 1); // it did see the outage
        Assert.True(informer.ExpiredCount >= 1, "the resumed watch was expected to get 410 Expired");
        Assert.True(informer.ListCount >= 2);

        // What 1.20 does with a watch from a version older than its (new) watch cache: ERROR 410 Expired.
        var watcher = new Watcher<V1ConfigMap>(connection, TestKinds.ConfigMaps);
        var gone = await Assert.ThrowsAsync<KubeGoneException>(async () =>
        {
            await foreach (var _ in watcher.WatchAsync(new WatchRequest { Namespace = ns, ResourceVersion = "1", ServerTimeout = TimeSpan.FromSeconds(5) }, default))
            {
            }
        });
        output.WriteLine($"watch from resourceVersion 1: {gone.StatusCode} {gone.Reason}: {gone.ServerMessage}");
        Assert.Equal("Expired", gone.Reason);

        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
