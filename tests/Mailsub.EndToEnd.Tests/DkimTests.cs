using System.Text.Json.Nodes;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>DKIM signing in a pod of the Postfix image: the operator generates the key into the
/// owned Secret, the entrypoint runs OpenDKIM under the pod's securityContext, and dkimpy verifies
/// what the sink received against the record status.dkimRecords tells the user to publish.</summary>
[Collection(NodeFixture.Collection)]
public sealed class DkimTests(NodeFixture node, ITestOutputHelper output)
{
    [Fact]
    public async Task Mail_submitted_through_the_Service_arrives_signed_with_the_key_whose_record_status_shows()
    {
        // samples/dkim.yaml's spec.dkim on the modern submission the other tests use (its own TLS
        // Secret and the sink as relay, as no cert-manager or DNS is here); one replica: one
        // rollout, the cheapest that puts a signing pod on the node.
        const string ns = "e2e-dkim";
        const string password = "dkim in a pod";
        var manifest = Submission.Modern(ns, "dkim", node.SinkAddress, replicas: 1) + """

              dkim:
                domains: [{name: example.com, signingSelector: mail2026}]
            """;
        var submission = await Submission.CreateAsync(node, ns, "dkim", manifest,
            new Dictionary<string, string> { ["alice-password"] = password }, TlsMaterial.SelfSigned("mail.example.com"));
        var ready = await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        output.WriteLine($"apply -> Ready=True and the signing pod Ready: {ready.TotalSeconds:0.0} s");

        var records = await RecordsAsync(ns, "dkim");
        Assert.Equal(["mail2026._domainkey.example.com"], records.Keys);

        var subject = $"e2e-dkim-{Guid.NewGuid():N}";
        using (var client = await submission.ConnectAsync(587))
        {
            await client.LoginAsync(new SaslMechanismPlain("alice", password));
            await client.SendAsync("alice@example.com", "someone@example.net", subject);
        }
        var received = "";
        var delivered = await NodeFixture.Eventually(async () => (received = await SinkMessageAsync(subject)).Length > 0,
            TimeSpan.FromSeconds(60), "the signed message at the sink");
        output.WriteLine($"at the sink {delivered.TotalSeconds:0.0} s after the send:\n{received}");

        Assert.Contains("s=mail2026;", received.Replace(" ", "").Replace("\n", "").Replace("\t", ""));
        Assert.True(await DkimVerifier.VerifyAsync(received, records), submission.Describe() + "\n" + received);
        var tampered = received.Replace("sent by a Mailsub test", "sent by someone else", StringComparison.Ordinal);
        Assert.NotEqual(received, tampered);
        Assert.False(await DkimVerifier.VerifyAsync(tampered, records));
    }

    /// <summary>status.dkimRecords by name: the only DNS dkimpy is given.</summary>
    private async Task<Dictionary<string, string>> RecordsAsync(string ns, string name)
    {
        var status = (await node.GetJson("-n", ns, "mailsubmission", name))["status"];
        return (status?["dkimRecords"] as JsonArray ?? [])
            .ToDictionary(r => (string)r!["name"]!, r => (string)r!["value"]!);
    }

    /// <summary>The sink's file holding the message with this Subject, as smtp-sink wrote it; "" while none does.</summary>
    private async Task<string> SinkMessageAsync(string subject) =>
        await node.Kubectl(null, "-n", NodeFixture.SinkNamespace, "exec", "deploy/sink", "--",
            "sh", "-c", $"grep -rlF 'Subject: {subject}' /sink | head -n 1 | xargs -r cat");
}
