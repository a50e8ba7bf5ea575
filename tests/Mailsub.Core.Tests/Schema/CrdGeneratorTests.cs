using System.Text.Json.Nodes;
using Mailsub.Core.Schema;
using Mailsub.Core.Serialization;

namespace Mailsub.Core.Tests.Schema;

public class CrdGeneratorTests
{
    private static readonly JsonNode Spec = CrdGenerator.Build()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;

    /// <summary>crds/ is generated; a change to the C# types must regenerate it (MAILSUB_UPDATE_GOLDEN=1).</summary>
    [Fact]
    public void Crds_folder_is_up_to_date()
    {
        var path = Repository.PathOf("crds", CrdGenerator.FileName);
        var generated = CrdGenerator.ToYaml();
        if (Repository.UpdateGolden)
            File.WriteAllText(path, generated);
        Assert.True(File.Exists(path) && File.ReadAllText(path) == generated,
            $"{path} is stale: run `make crds` (or MAILSUB_UPDATE_GOLDEN=1 make test) and commit the result");
    }

    [Fact]
    public void Generated_yaml_reads_back_as_the_same_object()
    {
        var reparsed = YamlDocuments.Parse(CrdGenerator.ToYaml()).Single();
        Assert.True(JsonNode.DeepEquals(CrdGenerator.Build(), reparsed));
    }

    [Fact]
    public void Every_spec_field_is_described()
    {
        var missing = new List<string>();
        void Walk(JsonNode schema, string path)
        {
            if (schema["properties"] is JsonObject properties)
            {
                foreach (var (name, child) in properties)
                {
                    var childPath = $"{path}.{name}";
                    // Nested core/v1 types (tolerations, resources) carry the upstream names only.
                    if (child!["description"] is null && !childPath.Contains(".tolerations[].") && !childPath.Contains(".resources."))
                        missing.Add(childPath);
                    Walk(child, childPath);
                }
            }
            if (schema["items"] is { } items)
                Walk(items, path + "[]");
        }
        Walk(Spec, "spec");
        Assert.True(missing.Count == 0, "fields without a description: " + string.Join(", ", missing));
    }

    [Fact]
    public void Seed_defaults_are_in_the_schema()
    {
        Assert.Equal("[\"127.0.0.0/8\",\"::1/128\"]", Spec["properties"]!["trustedNetworks"]!["default"]!.ToJsonString());
        Assert.Equal("Modern", Spec["properties"]!["auth"]!["properties"]!["profile"]!["default"]!.GetValue<string>());
        Assert.Equal("$myhostname", Spec["properties"]!["auth"]!["properties"]!["localDomain"]!["default"]!.GetValue<string>());
        Assert.Equal("3600s", Spec["properties"]!["tls"]!["properties"]!["sessionCacheTimeout"]!["default"]!.GetValue<string>());
        Assert.Equal("{\"enabled\":true,\"port\":587}", Spec["properties"]!["listeners"]!["properties"]!["submission"]!["default"]!.ToJsonString());
    }

    [Fact]
    public void Constraints_reach_the_schema()
    {
        var user = Spec["properties"]!["auth"]!["properties"]!["users"]!;
        Assert.Equal("map", user["x-kubernetes-list-type"]!.GetValue<string>());
        Assert.Contains("name", user["items"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(user["items"]!["properties"]!["name"]!["pattern"]);
        Assert.Equal(65535, Spec["properties"]!["listeners"]!["properties"]!["smtp"]!["properties"]!["port"]!["maximum"]!.GetValue<long>());
        Assert.Equal("[\"Modern\",\"Seed\"]", Spec["properties"]!["auth"]!["properties"]!["profile"]!["enum"]!.ToJsonString());
        Assert.Equal("[\"hostname\"]", Spec["required"]!.ToJsonString());
    }

    [Fact]
    public void Schema_is_structural()
    {
        // Kubernetes rejects a v1 CRD whose schema nodes lack a type, except int-or-string and
        // preserve-unknown-fields nodes.
        var untyped = new List<string>();
        void Walk(JsonNode schema, string path)
        {
            if (schema["type"] is null && schema["x-kubernetes-int-or-string"] is null && schema["x-kubernetes-preserve-unknown-fields"] is null)
                untyped.Add(path);
            foreach (var (name, child) in schema["properties"] as JsonObject ?? [])
                Walk(child!, $"{path}.{name}");
            if (schema["items"] is { } items)
                Walk(items, path + "[]");
            if (schema["additionalProperties"] is JsonObject values)
                Walk(values, path + "{}");
        }
        Walk(CrdGenerator.Build()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!, "");
        Assert.Empty(untyped);
    }
}
