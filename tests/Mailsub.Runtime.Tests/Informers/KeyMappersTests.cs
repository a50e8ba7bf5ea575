using k8s.Models;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;

namespace Mailsub.Runtime.Tests.Informers;

public sealed class KeyMappersTests
{
    private static V1ConfigMap Child(string? label = null, params V1OwnerReference[] owners) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "child",
            NamespaceProperty = "ns",
            Labels = label is null ? null : new Dictionary<string, string> { ["mailsub.dev/name"] = label },
            OwnerReferences = owners,
        },
    };

    [Fact]
    public void MapsAChildToItsControllerOwnerOfTheRightKind()
    {
        var mapper = KeyMappers.ControllerOwner(TestKinds.ConfigMaps, "mailsub.dev", "MailSubmission");
        var owned = Child(null,
            new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "d", Uid = "1", Controller = false },
            new V1OwnerReference { ApiVersion = "mailsub.dev/v1alpha1", Kind = "MailSubmission", Name = "m", Uid = "2", Controller = true });

        Assert.Equal([new ObjectKey("ns", "m")], mapper(owned));
        Assert.Empty(mapper(Child(null, new V1OwnerReference { ApiVersion = "other.dev/v1", Kind = "MailSubmission", Name = "x", Uid = "3", Controller = true })));
        Assert.Empty(mapper(Child()));
    }

    [Fact]
    public void MapsByLabel()
    {
        Assert.Equal([new ObjectKey("ns", "m")], KeyMappers.Label(TestKinds.ConfigMaps, "mailsub.dev/name")(Child("m")));
        Assert.Empty(KeyMappers.Label(TestKinds.ConfigMaps, "mailsub.dev/name")(Child()));
    }

    [Fact]
    public void AnUpdateEnqueuesTheOldAndTheNewOwner()
    {
        var keys = new List<ObjectKey>();
        var handler = InformerHandler<V1ConfigMap>.Enqueue(KeyMappers.Label(TestKinds.ConfigMaps, "mailsub.dev/name"), keys.Add);
        handler.OnUpdate!(Child("old"), Child("new"));
        Assert.Equal([new ObjectKey("ns", "old"), new ObjectKey("ns", "new")], keys);
    }
}
