using k8s;
using k8s.Models;
using Mailsub.Runtime.Informers;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Runtime.Tests.Integration;

/// <summary>Against a real kube-apiserver 1.20 (hack/controlplane).</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class InformerIntegrationTests(ControlPlaneFixture cp)
{
    internal static V1ConfigMap ConfigMap(string ns, string name, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["test"] = "informer" } },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    [Fact]
    public async Task ListsThenSeesAddUpdateAndDelete()
    {
        var ns = await cp.CreateNamespaceAsync("informer");
        await cp.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "before", "1"), ns);
        using var connection = cp.Connect();
        var informer = new Informer<V1ConfigMap>(connection, TestKinds.ConfigMaps, new InformerOptions { Namespace = ns, LabelSelector = "test=informer" });
        var events = new List<string>();
        informer.AddHandler(new InformerHandler<V1ConfigMap>
        {
            OnAdd = o => { lock (events) events.Add("add " + o.Metadata.Name); },
            OnUpdate = (_, o) => { lock (events) events.Add($"update {o.Metadata.Name}={o.Data["k"]}"); },
            OnDelete = o => { lock (events) events.Add("delete " + o.Metadata.Name); },
        });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("1", informer.Store.Get(ns, "before")!.Data["k"]);

        await cp.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(ns, "new", "1"), ns);
        var before = await cp.Client.CoreV1.ReadNamespacedConfigMapAsync("before", ns);
        before.Data["k"] = "2";
        before.Metadata.ManagedFields = null; // the AOT client cannot write fieldsV1 back
        await cp.Client.CoreV1.ReplaceNamespacedConfigMapAsync(before, "before", ns);
        await cp.Client.CoreV1.DeleteNamespacedConfigMapAsync("new", ns);

        await Eventually.TrueAsync(() => { lock (events) return events.Count == 4; }, TimeSpan.FromSeconds(30), "four events");
        Assert.Equal(["add before", "add new", "update before=2", "delete new"], events);
        Assert.Null(informer.Store.Get(ns, "new"));
        Assert.Equal("2", informer.Store.Get(ns, "before")!.Data["k"]);
        Assert.Equal(0, informer.ErrorCount);

        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
