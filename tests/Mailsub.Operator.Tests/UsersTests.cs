using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>SASL users: referenced Secrets are only read, generated passwords are kept, missing ones are named.</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class UsersTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Referenced_Secret_stays_untouched_and_generated_password_survives_a_restart()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("users");
        string generated, usersVersion, readySince;
        JsonObject referencedBefore;
        await using (var op = await InProcessOperator.StartAsync(cluster.Config, ns))
        {
            await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
            referencedBefore = (await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/alice-password"))!;
            await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("modern"));
            readySince = Cluster.Condition(await Scenario.MakeReadyAsync(cluster, ns, "modern"), "Ready", "lastTransitionTime")!;
            var gen = await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-generated-passwords");
            generated = Decode(gen, "bob");
            Assert.Equal(24, generated.Length);
            var users = await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-users");
            Assert.Equal("alice-secret-1", Decode(users, "alice"));
            Assert.Equal(generated, Decode(users, "bob"));
            usersVersion = JsonPath.GetString(users, "metadata", "resourceVersion")!;
            Assert.DoesNotContain("alice-secret-1", op.Log.ToString());
            Assert.DoesNotContain(generated, op.Log.ToString());
        }

        // A new operator process reads the generated password back instead of making another.
        await using (var op = await InProcessOperator.StartAsync(cluster.Config, ns))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var gen = await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-generated-passwords");
            Assert.Equal(generated, Decode(gen, "bob"));
            var users = await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-users");
            Assert.Equal(generated, Decode(users, "bob"));
            Assert.Equal(usersVersion, JsonPath.GetString(users, "metadata", "resourceVersion"));
            // A restart changes nothing, so Ready never flickers.
            var submission = await cluster.SubmissionAsync(ns, "modern");
            Assert.Equal("True", Cluster.Condition(submission, "Ready"));
            Assert.Equal(readySince, Cluster.Condition(submission, "Ready", "lastTransitionTime"));
            Assert.Equal(0, Interlocked.Read(ref op.Operator.State!.Applier.Changes));
        }
        var referencedAfter = (await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/alice-password"))!;
        Assert.Equal(JsonPath.GetString(referencedBefore, "metadata", "resourceVersion"), JsonPath.GetString(referencedAfter, "metadata", "resourceVersion"));
        Assert.Equal(referencedBefore["data"]!.ToJsonString(), referencedAfter["data"]!.ToJsonString());
        Assert.Null(referencedAfter["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Missing_referenced_Secret_is_named_and_creating_it_heals()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("missing");
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns);
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("modern"));
        var stalled = await Scenario.WaitAsync(cluster, ns, "modern", s => Cluster.Condition(s, "UsersReady") == "False", "UsersReady False");
        Assert.Contains("alice-password", Cluster.Condition(stalled, "UsersReady", "message"));
        Assert.Equal("PasswordSecretMissing", Cluster.Condition(stalled, "UsersReady", "reason"));
        Assert.Equal("True", Cluster.Condition(stalled, "Stalled"));
        Assert.Equal("False", Cluster.Condition(stalled, "Ready"));
        Assert.Equal("False", Cluster.Condition(stalled, "Reconciling"));
        Assert.Null(await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/modern-users"));

        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-2" });
        var ready = await Scenario.MakeReadyAsync(cluster, ns, "modern");
        Assert.Equal("True", Cluster.Condition(ready, "UsersReady"));
        Assert.Equal("False", Cluster.Condition(ready, "Stalled"));
        Assert.DoesNotContain("alice-secret-2", ready.ToJsonString());
    }

    private static string Decode(JsonObject? secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(JsonPath.GetString(secret, "data", key) ?? throw new InvalidOperationException($"no key {key}")));
}
