using System.Text.Json.Nodes;
using k8s.Models;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Runtime.Tests.Integration;

/// <summary>Server-side apply and discovery against a real kube-apiserver 1.20.</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class ServerSideApplyIntegrationTests(ControlPlaneFixture cp)
{
    private static readonly ApiResource CrdResource = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);
    private static readonly ApiResource WidgetResource = new("test.mailsub.dev", "v1", "widgets", "Widget");

    [Fact]
    public async Task ApplyCreatesIsIdempotentAndSurfacesAConflict()
    {
        var ns = await cp.CreateNamespaceAsync("ssa");
        using var connection = cp.Connect();
        var apply = new ServerSideApply(connection);
        V1ConfigMap Desired(string value) => new()
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "cfg", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = "x" } },
            Data = new Dictionary<string, string> { ["k"] = value },
        };

        var created = await apply.ApplyAsync(TestKinds.ConfigMaps, Desired("v"), default);
        var again = await apply.ApplyAsync(TestKinds.ConfigMaps, Desired("v"), default);
        Assert.Equal(created.Metadata.ResourceVersion, again.Metadata.ResourceVersion); // a no-op apply writes nothing
        Assert.Equal("mailsub", Assert.Single(again.Metadata.ManagedFields).Manager);

        var changed = await apply.ApplyAsync(TestKinds.ConfigMaps, Desired("w"), default);
        Assert.NotEqual(created.Metadata.ResourceVersion, changed.Metadata.ResourceVersion);

        var intruder = new ServerSideApply(connection, "intruder") { Force = false };
        var conflict = await Assert.ThrowsAsync<KubeConflictException>(() => intruder.ApplyAsync(TestKinds.ConfigMaps, Desired("other"), default));
        Assert.Contains(".data.k: FieldManagerConflict", conflict.Causes);
        Assert.DoesNotContain("other", conflict.Message);

        var stale = Desired("w");
        stale.Metadata.ResourceVersion = created.Metadata.ResourceVersion; // a precondition that no longer holds
        var outdated = await Assert.ThrowsAsync<KubeConflictException>(() => apply.ApplyAsync(TestKinds.ConfigMaps, stale, default));
        Assert.Equal("Conflict", outdated.Reason);
    }

    [Fact]
    public async Task AServiceAppliesWithAProtocolOnEachPort()
    {
        var ns = await cp.CreateNamespaceAsync("ssa-svc");
        using var connection = cp.Connect();
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "smtp", NamespaceProperty = ns },
            Spec = new V1ServiceSpec
            {
                Selector = new Dictionary<string, string> { ["app"] = "postfix" },
                Ports = [new V1ServicePort { Name = "submission", Port = 587, Protocol = "TCP", TargetPort = 587 }],
            },
        };
        var applied = await new ServerSideApply(connection).ApplyAsync(TestKinds.Services, service, default);
        Assert.StartsWith("10.0.", applied.Spec.ClusterIP);
    }

    [Fact]
    public async Task SpecAndStatusOfACustomResourceAreAppliedSeparately()
    {
        var ns = await cp.CreateNamespaceAsync("ssa-cr");
        using var connection = cp.Connect();
        var apply = new ServerSideApply(connection);
        var discovery = new ApiDiscovery(connection);
        await apply.ApplyAsync(new JsonObjectKind(CrdResource), WidgetCrd(), default);
        await Eventually.TrueAsync(() => discovery.IsServedAsync(WidgetResource, default).GetAwaiter().GetResult(), TimeSpan.FromSeconds(30), "widgets served");

        var widgets = new JsonObjectKind(WidgetResource);
        var informer = new Informer<JsonObject>(connection, widgets, new InformerOptions { Namespace = ns });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(30));

        JsonObject Widget(JsonObject? spec, JsonObject? status)
        {
            var w = new JsonObject
            {
                ["apiVersion"] = "test.mailsub.dev/v1",
                ["kind"] = "Widget",
                ["metadata"] = new JsonObject { ["name"] = "w", ["namespace"] = ns },
            };
            if (spec is not null) w["spec"] = spec;
            if (status is not null) w["status"] = status;
            return w;
        }

        // Creating one with a status in the body: the main resource ignores status.
        var created = await Retry(() => apply.ApplyAsync(widgets, Widget(new JsonObject { ["size"] = 3 }, new JsonObject { ["phase"] = "Ignored" }), default));
        Assert.Null(created["status"]?["phase"]);
        var withStatus = await apply.ApplyStatusAsync(widgets, Widget(null, new JsonObject { ["phase"] = "Ready" }), default);
        Assert.Equal("Ready", withStatus["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(3, withStatus["spec"]!["size"]!.GetValue<int>()); // status apply leaves spec alone
        var respec = await apply.ApplyAsync(widgets, Widget(new JsonObject { ["size"] = 4 }, null), default);
        Assert.Equal("Ready", respec["status"]!["phase"]!.GetValue<string>()); // and spec apply leaves status

        await Eventually.TrueAsync(() => informer.Store.Get(ns, "w") is { } w && w["spec"]?["size"]?.GetValue<int>() == 4 && w["status"]?["phase"] is not null,
            TimeSpan.FromSeconds(30), "the JsonObject informer sees the widget");
        Assert.Equal("Widget", informer.Store.Get(ns, "w")!["kind"]!.GetValue<string>());
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DiscoveryTellsWhatThisServerLacks()
    {
        using var connection = cp.Connect();
        var discovery = new ApiDiscovery(connection);

        Assert.False(await discovery.IsServedAsync(WellKnownResources.PodDisruptionBudgetsV1, default)); // 1.20: no policy/v1
        Assert.True(await discovery.IsServedAsync(WellKnownResources.PodDisruptionBudgetsV1Beta1, default));
        Assert.False(await discovery.IsServedAsync(WellKnownResources.Certificates, default)); // no cert-manager here
        Assert.True(await discovery.IsServedAsync(TestKinds.Leases, default));
        Assert.Equal(WellKnownResources.PodDisruptionBudgetsV1Beta1, await discovery.FirstServedAsync(
            [WellKnownResources.PodDisruptionBudgetsV1, WellKnownResources.PodDisruptionBudgetsV1Beta1], default));
    }

    // A new CRD's endpoint can lag its discovery entry by a moment (hack/controlplane/README).
    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await call();
            }
            catch (KubeNotFoundException) when (i < 50)
            {
                await Task.Delay(200);
            }
        }
    }

    private static JsonObject WidgetCrd() => JsonNode.Parse("""
        {
          "apiVersion": "apiextensions.k8s.io/v1",
          "kind": "CustomResourceDefinition",
          "metadata": { "name": "widgets.test.mailsub.dev" },
          "spec": {
            "group": "test.mailsub.dev",
            "scope": "Namespaced",
            "names": { "plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList" },
            "versions": [{
              "name": "v1", "served": true, "storage": true,
              "subresources": { "status": {} },
              "schema": { "openAPIV3Schema": { "type": "object", "properties": {
                "spec": { "type": "object", "properties": { "size": { "type": "integer" } } },
                "status": { "type": "object", "properties": { "phase": { "type": "string" } } }
              } } }
            }]
          }
        }
        """)!.AsObject();
}
