using System.Text;
using System.Text.Json;
using k8s.Models;
using Mailsub.Runtime.Kinds;
using Mailsub.Runtime.Watching;

namespace Mailsub.Runtime.Tests.Watching;

public sealed class WatchEventParserTests
{
    private static WatchEvent<V1ConfigMap> Typed(string line) => WatchEventParser.Parse(Encoding.UTF8.GetBytes(line), TestKinds.ConfigMaps);

    [Fact]
    public void ReadsATypedObject()
    {
        var evt = Typed(Json.Event("ADDED", Json.ConfigMap("a", "7", "hello")));
        Assert.Equal(WatchEventType.Added, evt.Type);
        Assert.Equal("a", evt.Object!.Metadata.Name);
        Assert.Equal("7", evt.Object.Metadata.ResourceVersion);
        Assert.Equal("hello", evt.Object.Data["k"]);
    }

    [Fact]
    public void ReadsTheObjectEvenWhenItComesBeforeTheType()
    {
        var evt = Typed($$"""{"object":{{Json.ConfigMap("a", "7")}},"type":"MODIFIED"}""");
        Assert.Equal(WatchEventType.Modified, evt.Type);
        Assert.Equal("a", evt.Object!.Metadata.Name);
    }

    [Fact]
    public void ReadsABookmarkAsAResourceVersion()
    {
        var evt = Typed(Json.Bookmark("42"));
        Assert.Equal(WatchEventType.Bookmark, evt.Type);
        Assert.Equal("42", evt.Object!.Metadata.ResourceVersion);
    }

    [Fact]
    public void ReadsAnExpiredErrorAsItsStatus()
    {
        var evt = Typed(Json.Expired("5"));
        Assert.Equal(WatchEventType.Error, evt.Type);
        Assert.Null(evt.Object);
        Assert.Equal(410, evt.ErrorCode);
        Assert.Equal("Expired", evt.ErrorReason);
        Assert.Equal("too old resource version: 5 (999)", evt.ErrorMessage);
    }

    [Fact]
    public void ReadsAJsonObjectKind()
    {
        var line = Json.Event("DELETED", """{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"c","namespace":"n","resourceVersion":"9","labels":{"app":"x"},"ownerReferences":[{"apiVersion":"mailsub.dev/v1alpha1","kind":"MailSubmission","name":"m","uid":"u","controller":true}]},"spec":{"dnsNames":["a.example"]}}""");
        var evt = WatchEventParser.Parse(Encoding.UTF8.GetBytes(line), TestKinds.Certificates);
        var kind = TestKinds.Certificates;

        Assert.Equal(WatchEventType.Deleted, evt.Type);
        Assert.Equal("c", kind.Name(evt.Object!));
        Assert.Equal("n", kind.Namespace(evt.Object!));
        Assert.Equal("9", kind.ResourceVersion(evt.Object!));
        Assert.Equal("x", kind.Label(evt.Object!, "app"));
        Assert.Equal(new OwnerRef("mailsub.dev/v1alpha1", "MailSubmission", "m", "u", true), Assert.Single(kind.Owners(evt.Object!)));
        Assert.Equal("a.example", evt.Object!["spec"]!["dnsNames"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type":"SURPRISE","object":{}}""")]
    [InlineData("""{"object":{}}""")]
    [InlineData("""{"type":"ADDED"}""")]
    [InlineData("""[1,2]""")]
    public void RejectsMalformedEvents(string line) => Assert.ThrowsAny<JsonException>(() => Typed(line));
}
