using System.Text;
using System.Text.Json;
using k8s;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;
using Mailsub.Runtime.Tests.Watching;
using Mailsub.Runtime.Watching;
using Xunit.Abstractions;

namespace Mailsub.Runtime.Tests.Informers;

/// <summary>
/// The cache's footprint for an operator's worth of objects (500 submissions' ConfigMaps,
/// Secrets, Deployments and Services) and the watch path's allocations beyond the objects.
/// </summary>
public sealed class InformerMemoryTests(ITestOutputHelper output)
{
    private const int PerKind = 500;

    [Fact]
    public async Task TwoThousandCachedObjectsStayWithinBudget()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var configMaps = await Synced(TestKinds.ConfigMaps, "ConfigMapList", i => ConfigMap(i));
        var secrets = await Synced(TestKinds.Secrets, "SecretList", i => Secret(i));
        var deployments = await Synced(TestKinds.Deployments, "DeploymentList", i => Deployment(i));
        var services = await Synced(TestKinds.Services, "ServiceList", i => Service(i));
        var after = GC.GetTotalMemory(forceFullCollection: true);

        var mib = (after - before) / 1024.0 / 1024.0;
        output.WriteLine($"cache of {4 * PerKind} objects: {mib:0.0} MiB managed heap");
        Assert.Equal(PerKind, configMaps.Store.Count + 0 * secrets.Store.Count);
        Assert.Equal(4 * PerKind, configMaps.Store.Count + secrets.Store.Count + deployments.Store.Count + services.Store.Count);
        Assert.True(mib < 24, $"cache took {mib:0.0} MiB");
        Assert.Null(deployments.Store.List()[0].Metadata.ManagedFields);
        GC.KeepAlive(new object[] { configMaps, secrets, deployments, services });
    }

    [Fact]
    public async Task JsonObjectsKeepNothingTheTransformRemoved()
    {
        // A parsed JsonObject keeps the UTF-8 text it was read from; the cache keeps a compacted
        // copy, so Secret data a transform removed (4.1 KB of base64 each here) is not held behind it.
        var kind = new JsonObjectKind(WellKnownResources.Secrets);
        var whole = await RetainedPerObject(() => Synced(kind, "SecretList", i => Secret(i)));
        var metadataOnly = await RetainedPerObject(() => Synced(kind, "SecretList", i => Secret(i), s => s.Remove("data")));

        output.WriteLine($"cached Secret as a JsonObject: {whole} B with data, {metadataOnly} B without");
        Assert.True(whole - metadataOnly > 3000, $"removing the data saved only {whole - metadataOnly} B per Secret: it is still held");
    }

    [Fact]
    public async Task CachedJsonObjectsReadAsAControllerReadsThemStaySmall()
    {
        // Every cached object's key, labels and owners are read (indexes, event mapping): a
        // parsed JsonObject then holds its whole text and token index and, beside them, nodes for
        // every part read, each with its own property names. The cache's copy does not.
        var kind = new JsonObjectKind(WellKnownResources.Deployments);
        Informer<System.Text.Json.Nodes.JsonObject>? informer = null;
        var cached = await RetainedPerObject(async () =>
        {
            informer = await Synced(kind, "DeploymentList", i => Deployment(i));
            foreach (var obj in informer.Store.List())
            {
                ReadAsAController(kind, obj);
            }
            return informer;
        });
        var parsed = RetainedPerParsed(kind, informer!.Store.List().Select(o => o.ToJsonString()).ToList());

        output.WriteLine($"Deployment after a controller's reads: {parsed} B parsed from the same JSON, {cached} B as cached");
        Assert.True(cached < parsed * 9 / 10, $"the cached Deployment holds {cached} B against {parsed} B parsed");
    }

    private static void ReadAsAController(JsonObjectKind kind, System.Text.Json.Nodes.JsonObject obj)
    {
        _ = kind.KeyOf(obj);
        _ = kind.Label(obj, "app.kubernetes.io/instance");
        _ = kind.Owners(obj);
        _ = JsonPath.GetString(obj, "metadata", "annotations", "mailsub.dev/config-hash");
    }

    private static long RetainedPerParsed(JsonObjectKind kind, IReadOnlyList<string> texts)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var objects = texts.Select(t => (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetBytes(t))!).ToList();
        foreach (var obj in objects)
        {
            ReadAsAController(kind, obj);
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(objects);
        return (after - before) / texts.Count;
    }

    private static async Task<long> RetainedPerObject(Func<Task<Informer<System.Text.Json.Nodes.JsonObject>>> sync)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var informer = await sync();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(PerKind, informer.Store.Count);
        GC.KeepAlive(informer);
        return (after - before) / PerKind;
    }

    [Fact]
    public void AWatchEventAllocatesLittleBeyondItsObject()
    {
        var obj = Deployment(1);
        var line = Encoding.UTF8.GetBytes(Json.Event("MODIFIED", obj));
        var objectOnly = Encoding.UTF8.GetBytes(obj);
        const int rounds = 2000;
        for (var i = 0; i < 50; i++)
        {
            WatchEventParser.Parse(line, TestKinds.Deployments);
            JsonSerializer.Deserialize(objectOnly, SourceGenerationContext.Default.V1Deployment);
        }

        var start = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rounds; i++)
        {
            JsonSerializer.Deserialize(objectOnly, SourceGenerationContext.Default.V1Deployment);
        }
        var deserializeOnly = (GC.GetAllocatedBytesForCurrentThread() - start) / rounds;

        start = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rounds; i++)
        {
            WatchEventParser.Parse(line, TestKinds.Deployments);
        }
        var parse = (GC.GetAllocatedBytesForCurrentThread() - start) / rounds;

        output.WriteLine($"per event: object {deserializeOnly} B, whole event {parse} B, overhead {parse - deserializeOnly} B");
        Assert.True(parse - deserializeOnly < 256, $"event overhead {parse - deserializeOnly} B");
    }

    private static async Task<Informer<T>> Synced<T>(ResourceKind<T> kind, string listKind, Func<int, string> item, Action<T>? transform = null) where T : class
    {
        var list = new StringBuilder($$"""{"kind":"{{listKind}}","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[""");
        for (var i = 0; i < PerKind; i++)
        {
            list.Append(i == 0 ? "" : ",").Append(item(i));
        }
        list.Append("]}");
        var server = new FakeApiServer().OnList(list.ToString());
        var informer = new Informer<T>(server.Connection(), kind) { Transform = transform };
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();
        await run;
        return informer;
    }

    private static string Meta(int i, string name) =>
        Fill("""{"name":"@0@-@1@","namespace":"tenant-@2@","uid":"@3@","resourceVersion":"@4@","creationTimestamp":"2026-11-28T00:00:00Z","labels":{"app.kubernetes.io/name":"postfix","app.kubernetes.io/instance":"mail-@5@","app.kubernetes.io/managed-by":"mailsub"},"annotations":{"mailsub.dev/config-hash":"@6@"},"ownerReferences":[{"apiVersion":"mailsub.dev/v1alpha1","kind":"MailSubmission","name":"mail-@7@","uid":"@8@","controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"mailsub","operation":"Apply","apiVersion":"v1","time":"2026-11-28T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:main.cf":{}}}}]}""", name, i, i % 50, Guid.NewGuid(), 1000 + i, i, new string('a', 64), i, Guid.NewGuid());

    private static string ConfigMap(int i)
    {
        var mainCf = string.Concat(Enumerable.Range(0, 60).Select(n => $"parameter_{n} = value number {n} for instance {i}\\n")); // ~2.5 KB
        return $$$"""{"metadata":{{{Meta(i, "postfix-config")}}},"data":{"main.cf":"{{{mainCf}}}","master.cf":"{{{mainCf[..1500]}}}"}}""";
    }

    private static string Secret(int i) =>
        $$$"""{"metadata":{{{Meta(i, "postfix-tls")}}},"type":"kubernetes.io/tls","data":{"tls.crt":"{{{Convert.ToBase64String(new byte[1400])}}}","tls.key":"{{{Convert.ToBase64String(new byte[1700])}}}"}}""";

    private static string Service(int i) =>
        $$$"""{"metadata":{{{Meta(i, "postfix")}}},"spec":{"type":"ClusterIP","clusterIP":"10.0.{{{i / 250}}}.{{{i % 250}}}","selector":{"app.kubernetes.io/instance":"mail-{{{i}}}"},"ports":[{"name":"submission","port":587,"protocol":"TCP","targetPort":587},{"name":"submissions","port":465,"protocol":"TCP","targetPort":465}]}}""";

    private static string Deployment(int i) =>
        Fill("""{"metadata":@0@,"spec":{"replicas":2,"selector":{"matchLabels":{"app.kubernetes.io/instance":"mail-@1@"}},"template":{"metadata":{"labels":{"app.kubernetes.io/instance":"mail-@2@"},"annotations":{"mailsub.dev/config-hash":"@3@"}},"spec":{"containers":[{"name":"postfix","image":"registry.example/mailsub/postfix:1.0","ports":[{"name":"submission","containerPort":587,"protocol":"TCP"},{"name":"submissions","containerPort":465,"protocol":"TCP"}],"resources":{"requests":{"cpu":"50m","memory":"64Mi"},"limits":{"memory":"256Mi"}},"volumeMounts":[{"name":"config","mountPath":"/etc/postfix/mailsub"},{"name":"tls","mountPath":"/etc/postfix/tls","readOnly":true}],"readinessProbe":{"tcpSocket":{"port":587},"periodSeconds":10}}],"volumes":[{"name":"config","configMap":{"name":"postfix-config-@4@"}},{"name":"tls","secret":{"secretName":"postfix-tls-@5@"}}]}}},"status":{"replicas":2,"readyReplicas":2,"availableReplicas":2,"observedGeneration":1,"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","lastTransitionTime":"2026-11-28T00:00:00Z","lastUpdateTime":"2026-11-28T00:00:00Z","message":"Deployment has minimum availability."}]}}""", Meta(i, "postfix"), i, i, new string('b', 64), i, i);

    private static string Fill(string template, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            template = template.Replace("@" + i + "@", Convert.ToString(values[i], System.Globalization.CultureInfo.InvariantCulture));
        }
        return template;
    }
}
