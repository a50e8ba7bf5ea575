using k8s;
using k8s.Models;
using Mailsub.Core.Builders;
using Mailsub.Core.Serialization;

namespace Mailsub.Core.Tests.Builders;

public class ChildObjectsTests
{
    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Samples_build_as_their_golden_manifests(string sample)
    {
        var valid = Samples.Valid(sample);

        var objects = ChildObjects.Build(valid, BuildGen.Rendered(valid), BuildGen.Passwords(valid), BuildGen.Options(), BuildGen.DkimKeys(valid));

        Golden.Check(ObjectJson.ToYaml(objects), "tests", "Mailsub.Core.Tests", "Builders", "testdata", $"{sample}.yaml.golden");
    }

    [Fact]
    public void Objects_come_in_apply_order()
    {
        var modern = Samples.Valid("modern");
        var seed = Gen.Valid(Gen.Submission("seed", s => s.Workload.Replicas = 1));

        Assert.Equal(["ConfigMap/modern-postfix", "Secret/modern-users", "Certificate/modern-tls", "Deployment/modern-postfix", "Service/modern", "Service/modern-peers", "PodDisruptionBudget/modern-postfix"],
            Names(ChildObjects.Build(modern, BuildGen.Rendered(modern), BuildGen.Passwords(modern), BuildGen.Options())));
        Assert.Equal(["ConfigMap/seed-postfix", "Secret/seed-users", "Deployment/seed-postfix", "Service/seed", "Service/seed-peers"],
            Names(ChildObjects.Build(seed, BuildGen.Rendered(seed), BuildGen.Passwords(seed), BuildGen.Options())));
    }

    [Fact]
    public void DKIM_adds_the_mounted_keys_Secret_first_and_nothing_else()
    {
        var dkim = Samples.Valid("dkim");

        Assert.Equal(["Secret/dkim-dkim", "ConfigMap/dkim-postfix", "Secret/dkim-users", "Certificate/dkim-tls", "Deployment/dkim-postfix", "Service/dkim", "Service/dkim-peers", "PodDisruptionBudget/dkim-postfix"],
            Names(ChildObjects.Build(dkim, BuildGen.Rendered(dkim), BuildGen.Passwords(dkim), BuildGen.Options(), BuildGen.DkimKeys(dkim))));
        Assert.Throws<ArgumentException>(() => ChildObjects.Build(dkim, BuildGen.Rendered(dkim), BuildGen.Passwords(dkim), BuildGen.Options()));
    }

    [Fact]
    public void Every_object_is_in_the_resources_namespace_with_the_standard_labels()
    {
        foreach (var valid in RandomSubmissions.Generate(seed: 11, count: 30))
        {
            var objects = ChildObjects.Build(valid, BuildGen.Rendered(valid), BuildGen.Passwords(valid), BuildGen.Options());
            Assert.All(objects, o =>
            {
                Assert.Equal(valid.Namespace, o.Metadata.NamespaceProperty);
                Assert.Equal(ChildMetadata.Labels(valid), o.Metadata.Labels);
                Assert.Null(o.Metadata.OwnerReferences);
            });
        }
    }

    [Fact]
    public void Building_twice_gives_the_same_manifests()
    {
        foreach (var valid in RandomSubmissions.Generate(seed: 12, count: 30))
        {
            string Manifests() => ObjectJson.ToYaml(ChildObjects.Build(valid, BuildGen.Rendered(valid), BuildGen.Passwords(valid), BuildGen.Options()));
            Assert.Equal(Manifests(), Manifests());
        }
    }

    private static IEnumerable<string> Names(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) => objects.Select(o => $"{o.Kind}/{o.Metadata.Name}");
}
