using System.Net;
using k8s.Models;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Tests.Watching;

namespace Mailsub.Runtime.Tests.Informers;

/// <summary>The informer against a scripted API server: list, watch, resume, relist on 410, retry.</summary>
public sealed class InformerTests
{
    private readonly List<string> _log = [];

    private Informer<V1ConfigMap> Informer(FakeApiServer server)
    {
        var informer = new Informer<V1ConfigMap>(server.Connection(), TestKinds.ConfigMaps, new InformerOptions
        {
            Namespace = "ns",
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        });
        informer.AddHandler(new InformerHandler<V1ConfigMap>
        {
            OnAdd = o => Log($"add {o.Metadata.Name}@{o.Metadata.ResourceVersion}"),
            OnUpdate = (old, o) => Log($"update {o.Metadata.Name}@{old.Metadata.ResourceVersion}->{o.Metadata.ResourceVersion}"),
            OnDelete = o => Log($"delete {o.Metadata.Name}@{o.Metadata.ResourceVersion}"),
        });
        return informer;
    }

    private void Log(string line)
    {
        lock (_log)
        {
            _log.Add(line);
        }
    }

    private string[] Logged()
    {
        lock (_log)
        {
            return [.. _log];
        }
    }

    [Fact]
    public async Task ListsThenAppliesWatchEventsAndResumesFromTheLastVersion()
    {
        var first = new PushStream();
        var second = new PushStream();
        var server = new FakeApiServer()
            .OnList(Json.List("10", Json.ConfigMap("a", "5"), Json.ConfigMap("b", "6")))
            .OnWatch(first)
            .OnWatch(second);
        var informer = Informer(server);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(informer.HasSynced);
        Assert.Equal(2, informer.Store.Count);
        Assert.Null(informer.Store.Get("ns", "a")!.Metadata.ManagedFields); // stripped for memory
        Assert.Equal("ConfigMap", informer.Store.Get("ns", "a")!.Kind);      // set on list items

        first.Line(Json.Event("ADDED", Json.ConfigMap("c", "11")));
        first.Line(Json.Event("MODIFIED", Json.ConfigMap("a", "12", "new")));
        first.Line(Json.Event("DELETED", Json.ConfigMap("b", "13")));
        first.Line(Json.Bookmark("20"));
        first.Complete(); // the server's timeout: resume
        await Eventually.TrueAsync(() => server.Requests.Count == 3, TimeSpan.FromSeconds(5), "second watch");

        Assert.Equal(["add a@5", "add b@6", "add c@11", "update a@5->12", "delete b@13"], Logged());
        Assert.Equal("new", informer.Store.Get("ns", "a")!.Data["k"]);
        Assert.Null(informer.Store.Get("ns", "b"));
        Assert.Contains("resourceVersion=10", server.Requests[1]);
        Assert.Contains("resourceVersion=20", server.Requests[2]); // from the bookmark
        Assert.Equal(1, informer.ListCount);

        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AnExpiredWatchRelistsAndReportsWhatChangedMeanwhile()
    {
        var watch = new PushStream();
        var server = new FakeApiServer()
            .OnList(Json.List("10", Json.ConfigMap("a", "5"), Json.ConfigMap("b", "6"), Json.ConfigMap("same", "7")))
            .OnWatch(watch)
            .OnList(Json.List("30", Json.ConfigMap("a", "25", "changed"), Json.ConfigMap("c", "26"), Json.ConfigMap("same", "7")));
        var informer = Informer(server);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(5));

        watch.Line(Json.Expired("10"));
        await Eventually.TrueAsync(() => informer.ListCount == 2 && server.Requests.Count == 4, TimeSpan.FromSeconds(5), "relist and watch");

        Assert.Equal(["add a@5", "add b@6", "add same@7", "update a@5->25", "add c@26", "delete b@6"], Logged());
        Assert.Equal(1, informer.ExpiredCount);
        Assert.Equal(0, informer.ErrorCount);
        Assert.Equal(["a", "c", "same"], informer.Store.List().Select(o => o.Metadata.Name).Order());
        Assert.Contains("resourceVersion=30", server.Requests[3]);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AFailedWatchIsRetriedFromTheSameVersionWithoutRelisting()
    {
        var watch = new PushStream();
        var server = new FakeApiServer()
            .OnList(Json.List("10", Json.ConfigMap("a", "5")))
            .OnWatchThrow()
            .OnWatchStatus(HttpStatusCode.ServiceUnavailable, """{"kind":"Status","code":503,"reason":"ServiceUnavailable"}""")
            .OnWatch(watch);
        var informer = Informer(server);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => server.Requests.Count == 4, TimeSpan.FromSeconds(5), "third watch");
        watch.Line(Json.Event("ADDED", Json.ConfigMap("b", "11")));
        await Eventually.TrueAsync(() => informer.Store.Count == 2, TimeSpan.FromSeconds(5), "b seen");

        Assert.Equal(2, informer.ErrorCount);
        Assert.Equal(1, informer.ListCount);
        Assert.All(server.Requests.Skip(1), r => Assert.Contains("resourceVersion=10", r));
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AnHttp410OnTheWatchAlsoRelists()
    {
        var server = new FakeApiServer()
            .OnList(Json.List("10", Json.ConfigMap("a", "5")))
            .OnWatchStatus(HttpStatusCode.Gone, """{"kind":"Status","code":410,"reason":"Gone"}""")
            .OnList(Json.List("40"));
        var informer = Informer(server);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => informer.ListCount == 2, TimeSpan.FromSeconds(5), "relist");
        Assert.Equal(["add a@5", "delete a@5"], Logged());
        Assert.Equal(0, informer.Store.Count);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AFailingHandlerDoesNotStopTheInformer()
    {
        var server = new FakeApiServer().OnList(Json.List("10", Json.ConfigMap("a", "5"), Json.ConfigMap("b", "6")));
        var informer = Informer(server);
        informer.AddHandler(new InformerHandler<V1ConfigMap> { OnAdd = _ => throw new InvalidOperationException("boom") });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["add a@5", "add b@6"], Logged());
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
