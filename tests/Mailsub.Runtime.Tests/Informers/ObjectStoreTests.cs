using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;

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

    private static readonly JsonObjectKind Kind = new JsonObjectKind(new ApiResource("example.dev", "v1", "things", "Thing"));

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
    public void ReadsByKeyNamespaceAndIndex()
    {
        var store = new ObjectStore<JsonObject>(Kind);
        store.Upsert(Obj("n1", "a", "1", owner: "m"));
        store.AddIndex("owner", o => Kind.Label(o, "mailsub.dev/name") is { } v ? [Kind.Namespace(o) + "/" + v] : []);
        store.Upsert(Obj("n1", "b", "1"));
        store.Upsert(Obj("n2", "c", "1", owner: "m"));

        Assert.NotNull(store.Get("n1", "a"));
        Assert.NotNull(store.Get("n2", "c"));
        Assert.Equal(2, store.List().Count(o => Kind.Namespace(o) == "n1"));
        Assert.Equal(["a"], store.ByIndex("owner", "n1/m").Select(o => Kind.Name(o)));
        Assert.Equal(["c"], store.ByIndex("owner", "n2/m").Select(o => Kind.Name(o)));
        Assert.Throws<InvalidOperationException>(() => store.ByIndex("nope", "x"));

        var old = store.Upsert(Obj("n1", "a", "2"));   // the label is gone: so is the index entry
        Assert.Equal("1", Kind.ResourceVersion(old!));
        Assert.Empty(store.ByIndex("owner", "n1/m"));
        store.Upsert(Obj("n1", "b", "2", owner: "m"));
        Assert.Equal(["b"], store.ByIndex("owner", "n1/m").Select(o => Kind.Name(o)));
        Assert.NotNull(store.Remove(Obj("n1", "b", "3")));
        Assert.Empty(store.ByIndex("owner", "n1/m"));
        Assert.Null(store.Get("n1", "b"));

        store.Replace([Obj("n1", "x", "1", owner: "m"), Obj("n2", "y", "1", owner: "k")]);
        Assert.Equal(["x"], store.ByIndex("owner", "n1/m").Select(o => Kind.Name(o)));
        Assert.Empty(store.ByIndex("owner", "n2/m"));
        Assert.Equal(["y"], store.ByIndex("owner", "n2/k").Select(o => Kind.Name(o)));
    }
}
