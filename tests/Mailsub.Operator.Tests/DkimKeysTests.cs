using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>DKIM keys against a real kube-apiserver: a generated key is kept across operator
/// restarts, its record is in status (never the private key), a new selector adds a record
/// without replacing the old one, and removing a key removes its record.</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class DkimKeysTests(ControlPlaneFixture cp)
{
    private const string First = "mail2026._domainkey.example.com";
    private const string Second = "mail2027._domainkey.example.com";

    [Fact]
    public async Task A_generated_key_is_kept_its_record_is_in_status_and_rotation_keeps_the_old_record_until_removed()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("dkim");
        var submission = Submissions.Modern("modern");
        submission["spec"]!["dkim"] = JsonNode.Parse("""{"domains": [{"name": "example.com", "signingSelector": "mail2026"}]}""");
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret" });
        string generated;
        await using (var op = await InProcessOperator.StartAsync(cluster.Config, ns))
        {
            await cluster.CreateAsync(Cluster.MailSubmissions(ns), submission);
            var ready = await Scenario.MakeReadyAsync(cluster, ns, "modern");
            generated = Decode(await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-dkim-keys"), First);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", generated);
            Assert.Equal(generated, Decode(await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-dkim"), First));
            var record = Assert.Single(Records(ready));
            Assert.Equal((First, PublicRecord(generated), true), record);
            Assert.DoesNotContain("PRIVATE KEY", ready.ToJsonString());
            Assert.DoesNotContain("PRIVATE KEY", op.Log.ToString());
            var configMap = await cluster.TryGetAsync($"{Cluster.Core(ns, "configmaps")}/modern-postfix");
            Assert.DoesNotContain("PRIVATE KEY", configMap!.ToJsonString());
        }

        await using (var op = await InProcessOperator.StartAsync(cluster.Config, ns))
        {
            // A restart reads the key back: the published record stays right.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(generated, Decode(await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-dkim-keys"), First));

            // Rotation: a second key signs; the first record stays until its key is removed.
            await cluster.MergePatchAsync($"{Cluster.MailSubmissions(ns)}/modern", (JsonObject)JsonNode.Parse(
                """{"spec": {"dkim": {"domains": [{"name": "example.com", "signingSelector": "mail2027", "keys": [{"selector": "mail2026"}, {"selector": "mail2027"}]}]}}}""")!);
            var rotated = await Scenario.WaitAsync(cluster, ns, "modern", s => Records(s).Count == 2, "two DKIM records");
            Assert.Equal([(First, PublicRecord(generated), false), (Second, PublicRecord(Decode(await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-dkim-keys"), Second)), true)],
                Records(rotated));

            await cluster.MergePatchAsync($"{Cluster.MailSubmissions(ns)}/modern", (JsonObject)JsonNode.Parse(
                """{"spec": {"dkim": {"domains": [{"name": "example.com", "signingSelector": "mail2027", "keys": [{"selector": "mail2027"}]}]}}}""")!);
            var removed = await Scenario.WaitAsync(cluster, ns, "modern", s => Records(s).Count == 1, "one DKIM record");
            Assert.Equal(Second, Records(removed)[0].Name);
            var keys = await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-dkim-keys");
            Assert.Null(keys!["data"]![First]);
        }
    }

    [Fact]
    public async Task A_referenced_Secret_that_holds_no_RSA_key_is_named_and_nothing_is_applied()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("dkim-bad");
        var submission = Submissions.Modern("modern");
        submission["spec"]!["dkim"] = JsonNode.Parse("""{"domains": [{"name": "example.com", "signingSelector": "s", "keys": [{"selector": "s", "privateKeySecretRef": {"name": "dkim-key", "key": "s.pem"}}]}]}""");
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret" });
        await cluster.CreateSecretAsync(ns, "dkim-key", new() { ["s.pem"] = "not-a-key-but-a-secret" });
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), submission);

        var stalled = await Scenario.WaitAsync(cluster, ns, "modern", s => Cluster.Condition(s, "Stalled") == "True", "Stalled");

        Assert.Equal("DkimKeyUnavailable", Cluster.Condition(stalled, "Stalled", "reason"));
        Assert.Contains("Secret dkim-key", Cluster.Condition(stalled, "Stalled", "message"));
        Assert.DoesNotContain("not-a-key-but-a-secret", stalled.ToJsonString());
        Assert.Null(await cluster.TryGetAsync($"{Cluster.Apps(ns, "deployments")}/modern-postfix"));
    }

    private static List<(string Name, string Value, bool Signing)> Records(JsonObject? submission) =>
        (submission?["status"]?["dkimRecords"] as JsonArray ?? [])
        .Select(r => (JsonPath.GetString(r, "name")!, JsonPath.GetString(r, "value")!, r!["signing"]?.GetValue<bool>() ?? false)).ToList();

    private static string PublicRecord(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }

    private static string Decode(JsonObject? secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(JsonPath.GetString(secret, "data", key)!));
}
