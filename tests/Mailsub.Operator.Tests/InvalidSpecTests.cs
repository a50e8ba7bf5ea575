using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>A spec the CRD schema accepts but validation refuses: Stalled, nothing applied.</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class InvalidSpecTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Host_bits_in_a_trusted_network_stall_and_apply_nothing()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("invalid");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.HostBitsInCidr("bad"));

        var status = await Scenario.WaitAsync(cluster, ns, "bad", s => Cluster.Condition(s, "Stalled") == "True", "Stalled");
        Assert.Equal("InvalidSpec", Cluster.Condition(status, "Stalled", "reason"));
        Assert.Equal("False", Cluster.Condition(status, "ConfigValid"));
        Assert.Contains("spec.trustedNetworks[1]", Cluster.Condition(status, "ConfigValid", "message"));
        Assert.Equal("False", Cluster.Condition(status, "Ready"));
        Assert.Equal("False", Cluster.Condition(status, "Reconciling"));
        Assert.Equal("Unknown", JsonPath.GetString(status, "status", "policy"));
        Assert.Equal("1", status["status"]!["observedGeneration"]!.ToJsonString());
        Assert.DoesNotContain("alice-secret-1", status.ToJsonString());

        await Task.Delay(TimeSpan.FromSeconds(2));
        var versions = await cluster.VersionsAsync(ns);
        Assert.DoesNotContain(versions.Keys, k => k.Contains("bad-", StringComparison.Ordinal));
        Assert.Equal(0, op.ChildWrites);

        var events = await cluster.TryGetAsync(Cluster.Core(ns, "events"));
        Assert.Contains(events!["items"]!.AsArray(), e => JsonPath.GetString(e, "reason") == "InvalidSpec");
    }
}
