using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Tests.Kinds;

public sealed class CompactJsonTests
{
    private const string Object = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"mail-1","namespace":"tenant","uid":"u-1","generation":3,"labels":{"app":"postfix"},"annotations":{"mailsub.dev/apply-hash":"abc"},"ownerReferences":[{"apiVersion":"mailsub.dev/v1alpha1","kind":"MailSubmission","name":"mail","uid":"owner-1","controller":true,"blockOwnerDeletion":false}],"finalizers":[],"deletionGracePeriodSeconds":null},"spec":{"replicas":2,"ratio":1.50,"template":{"spec":{"containers":[{"name":"postfix"}]}}},"status":{"conditions":[{"type":"Available","status":"True"}]},"immutable":true}""";

    [Fact]
    public void BuildsTheSameJson()
    {
        var built = CompactJson.Build(Encoding.UTF8.GetBytes(Object), new StringPool());

        Assert.Equal(Object, built.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Object), built));
        Assert.Equal(3, built["metadata"]!["generation"]!.GetValue<long>());
        Assert.True(built["metadata"]!["ownerReferences"]![0]!["controller"]!.GetValue<bool>());
    }

    [Fact]
    public void RepeatedValuesShareOneString()
    {
        var pool = new StringPool();
        var a = CompactJson.Build(Encoding.UTF8.GetBytes(Object), pool);
        var b = CompactJson.Build(Encoding.UTF8.GetBytes(Object.Replace("\"mail-1\"", "\"mail-2\"").Replace("u-1", "u-2")), pool);

        Assert.Same(Namespace(a), Namespace(b));
        Assert.Same(a["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>(), b["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
        // Each object's own name and UID are not pooled: they would only fill it.
        Assert.NotSame(pool.Intern(new string("mail-1")), a["metadata"]!["name"]!.GetValue<string>());

        static string Namespace(JsonObject o) => o["metadata"]!["namespace"]!.GetValue<string>();
    }

    [Fact]
    public void APoolAtCapacityStartsAfresh()
    {
        var pool = new StringPool(capacity: 2);
        var one = pool.Intern(new string("one"));
        Assert.Same(one, pool.Intern(new string("one")));
        pool.Intern("two");

        var three = pool.Intern(new string("three"));

        Assert.Equal(1, pool.Count);
        Assert.Same(three, pool.Intern(new string("three")));
        Assert.NotSame(one, pool.Intern(new string("one")));
    }
}
