using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;

namespace Mailsub.Runtime.Tests.Informers;

public sealed class ObjectStoreTests
{
    private static JsonObject Obj(string ns, string name, string rv, string? owner = null) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["namespace"] = ns,
            ["name"] = name,
            ["resourceVersion"] = rv,
            ["labels"] = owner is null ? null : new JsonObject { ["mailsub.dev/name"] = owner },
        },
    };

    private static readonly Kinds.JsonObjectKind Kind = Kinds.Kinds.Json(new ApiResource("example.dev", "v1", "things", "Thing"));

    [Fact]
    public void ReplaceReportsAddsUpdatesAndDeletesAgainstTheCache()
    {
        var store = new ObjectStore<JsonObject>(Kind);
        store.Replace([Obj("n", "a", "1"), Obj("n", "b", "1"), Obj("n", "same", "1")]);

        var changes = store.Replace([Obj("n", "a", "2"), Obj("n", "c", "3"), Obj("n", "same", "1")]);

        Assert.Equal(
            ["Updated a", "Added c", "Deleted b"],
            changes.Select(c => $"{c.Change} {Kind.Name((c.New ?? c.Old)!)}"));
        Assert.Equal("1", Kind.ResourceVersion(changes.Single(c => c.Change == WatchChange.Updated).Old!));
        Assert.Equal(3, store.Count);
    }

    [Fact]
    public void ReadsByKeyNamespaceAndLabel()
    {
        var store = new ObjectStore<JsonObject>(Kind);
        store.Upsert(Obj("n1", "a", "1", owner: "m"));
        store.Upsert(Obj("n1", "b", "1"));
        store.Upsert(Obj("n2", "c", "1", owner: "m"));

        Assert.True(store.TryGet("n1/a", out _));
        Assert.NotNull(store.Get("n2", "c"));
        Assert.Equal(2, store.List("n1").Count);
        Assert.Single(store.ListByLabel("n1", "mailsub.dev/name", "m"));
        Assert.Equal(2, store.ListByLabel(null, "mailsub.dev/name", "m").Count);

        var old = store.Upsert(Obj("n1", "a", "2"));
        Assert.Equal("1", Kind.ResourceVersion(old!));
        Assert.NotNull(store.Remove(Obj("n1", "a", "3")));
        Assert.False(store.TryGet(new ObjectKey("n1", "a"), out _));
    }
}
