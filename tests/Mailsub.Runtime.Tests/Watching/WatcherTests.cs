using System.Net;
using k8s.Models;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Watching;

namespace Mailsub.Runtime.Tests.Watching;

public sealed class WatcherTests
{
    private static async Task<List<WatchEvent<V1ConfigMap>>> Collect(FakeApiServer server, WatchRequest request)
    {
        var events = new List<WatchEvent<V1ConfigMap>>();
        await foreach (var evt in new Watcher<V1ConfigMap>(server.Connection(), TestKinds.ConfigMaps).WatchAsync(request, CancellationToken.None))
        {
            events.Add(evt);
        }
        return events;
    }

    [Fact]
    public async Task AsksForBookmarksFromTheResourceVersionWithAServerTimeout()
    {
        var stream = new PushStream();
        var server = new FakeApiServer().OnWatch(stream);
        stream.Complete();
        await Collect(server, new WatchRequest { Namespace = "ns", ResourceVersion = "12", LabelSelector = "a=b", ServerTimeout = TimeSpan.FromMinutes(7) });

        Assert.Equal("/api/v1/namespaces/ns/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=12&labelSelector=a%3Db&timeoutSeconds=420",
            Assert.Single(server.Requests));
    }

    [Fact]
    public async Task SplitsEventsAcrossArbitraryChunks()
    {
        var stream = new PushStream();
        var text = Json.Event("ADDED", Json.ConfigMap("a", "1")) + "\n" + Json.Event("MODIFIED", Json.ConfigMap("a", "2")) + "\r\n\n" + Json.Bookmark("3");
        for (var i = 0; i < text.Length; i += 7)
        {
            stream.Write(text.Substring(i, Math.Min(7, text.Length - i)));
        }
        stream.Complete(); // the last line has no newline
        var events = await Collect(new FakeApiServer().OnWatch(stream), new WatchRequest());

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark], events.Select(e => e.Type));
        Assert.Equal(["1", "2", "3"], events.Select(e => e.Object!.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task AnObjectLargerThanTheBufferIsRead()
    {
        var stream = new PushStream();
        var big = new string('x', 300_000);
        stream.Line(Json.Event("ADDED", Json.ConfigMap("big", "1", big)));
        stream.Complete();
        var events = await Collect(new FakeApiServer().OnWatch(stream), new WatchRequest());
        Assert.Equal(big, Assert.Single(events).Object!.Data["k"]);
    }

    [Fact]
    public async Task AnExpiredErrorEventIsAGoneException()
    {
        var stream = new PushStream();
        stream.Line(Json.Expired("1"));
        var ex = await Assert.ThrowsAsync<KubeGoneException>(() => Collect(new FakeApiServer().OnWatch(stream), new WatchRequest { ResourceVersion = "1" }));
        Assert.Equal("Expired", ex.Reason);
        Assert.DoesNotContain("too old", ex.Message); // the server's text stays out of the message
        Assert.Equal("too old resource version: 1 (999)", ex.ServerMessage);
    }

    [Fact]
    public async Task AnotherErrorEventIsAnApiException()
    {
        var stream = new PushStream();
        stream.Line("""{"type":"ERROR","object":{"kind":"Status","code":500,"reason":"InternalError","message":"etcd"}}""");
        var ex = await Assert.ThrowsAsync<KubeApiException>(() => Collect(new FakeApiServer().OnWatch(stream), new WatchRequest()));
        Assert.Equal(500, ex.StatusCode);
    }

    [Fact]
    public async Task AnHttp410IsAGoneException()
    {
        var server = new FakeApiServer().OnWatchStatus(HttpStatusCode.Gone, """{"kind":"Status","code":410,"reason":"Gone","message":"x"}""");
        await Assert.ThrowsAsync<KubeGoneException>(() => Collect(server, new WatchRequest()));
    }

    [Fact]
    public async Task ASilentStreamIsAbortedByTheInactivityGuard()
    {
        var stream = new PushStream();
        stream.Line(Json.Event("ADDED", Json.ConfigMap("a", "1")));
        var ex = await Assert.ThrowsAsync<WatchInactivityException>(() =>
            Collect(new FakeApiServer().OnWatch(stream), new WatchRequest { InactivityTimeout = TimeSpan.FromMilliseconds(200) }));
        Assert.Contains("no data", ex.Message);
    }

    [Fact]
    public async Task BrokenJsonDoesNotEchoTheLine()
    {
        var stream = new PushStream();
        stream.Line("""{"type":"ADDED","object":{"data":{"password":"hunter2" """);
        var ex = await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => Collect(new FakeApiServer().OnWatch(stream), new WatchRequest()));
        Assert.DoesNotContain("hunter2", ex.Message);
    }
}
