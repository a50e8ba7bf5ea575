using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>Mail through a MailSubmission's Service, from the host, as a client on the network
/// sees it: the operator and Postfix run as pods of their own images on the real node.</summary>
[Collection(NodeFixture.Collection)]
public sealed class ServiceMailTests(NodeFixture node, ITestOutputHelper output)
{
    [Fact]
    public async Task Modern_submission_serves_authenticated_mail_on_587_and_465_and_relays_only_after_auth()
    {
        var tls = TlsMaterial.SelfSigned("mail.example.com");
        const string alicePassword = "correct horse battery staple";
        var submission = await Submission.CreateAsync(node, "e2e-modern", "modern",
            Submission.Modern("e2e-modern", "modern", node.SinkAddress),
            new Dictionary<string, string> { ["alice-password"] = alicePassword }, tls);
        var ready = await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        output.WriteLine($"apply -> Ready=True and 2/2 pods Ready: {ready.TotalSeconds:0.0} s; ClusterIP {submission.Host}");
        Assert.Equal(2, (await submission.PodsAsync()).Count);

        var subject = $"e2e-587-{Guid.NewGuid():N}";
        using (var client = await submission.ConnectAsync(587))
        {
            Assert.Equal(Thumbprint(tls), client.ServerThumbprint);
            await client.LoginAsync(new SaslMechanismPlain("alice", alicePassword));
            await client.SendAsync("alice@example.com", "someone@example.net", subject);
        }
        var subject465 = $"e2e-465-{Guid.NewGuid():N}";
        using (var client = await submission.ConnectAsync(465))
        {
            Assert.Equal(Thumbprint(tls), client.ServerThumbprint);
            await client.LoginAsync(new SaslMechanismPlain("bob", await submission.GeneratedPasswordAsync("bob")));
            await client.SendAsync("bob@example.com", "someone@example.net", subject465);
        }
        using (var client = await submission.ConnectAsync(587))
        {
            var (code, reply) = await client.RefusedAsync("mallory@example.org", "someone@example.net");
            Assert.True(code >= 500, $"relay without AUTH: {reply}");
            output.WriteLine($"relay without AUTH: {reply}");
        }
        var delivered = await NodeFixture.Eventually(async () =>
        {
            var subjects = await Sink.SubjectsAsync(node);
            return subjects.Contains(subject) && subjects.Contains(subject465);
        }, TimeSpan.FromSeconds(60), "both messages at the sink");
        output.WriteLine($"both messages at the sink {delivered.TotalSeconds:0.0} s after the last send");

        // Each pod's /metrics on its health port (what the chart's PodMonitor scrapes), summed
        // over the two pods the Service spread the sessions over; the log still reaches kubectl logs.
        var scrapes = new List<MetricsScrape>();
        foreach (var pod in await submission.PodsAsync())
        {
            var ip = (await node.Kubectl(null, "-n", submission.Namespace, "get", pod, "-o", "jsonpath={.status.podIP}")).Trim();
            scrapes.Add(await MetricsScrape.GetAsync(ip, Mailsub.Postfix.PodPorts.Health));
        }
        double Sum(string series) => scrapes.Sum(s => s[series]);
        output.WriteLine(string.Join("\n", scrapes.Select(s => string.Join("\n", s.Series.Where(e => e.Value > 0).Select(e => $"{e.Key} {e.Value}")))));
        Assert.Equal(2, Sum("postfix_cleanup_messages_processed_total"));
        Assert.Equal(2, Sum("postfix_smtpd_messages_processed_total{sasl_method=\"PLAIN\"}"));
        Assert.True(scrapes.Sum(s => s.Series.Where(e => e.Key.StartsWith("postfix_smtpd_messages_rejected_total{", StringComparison.Ordinal)).Sum(e => e.Value)) >= 1,
            "the relay attempt without AUTH was not counted as a reject");
        var logs = await node.Kubectl(null, "-n", submission.Namespace, "logs", "-l", "app.kubernetes.io/instance=modern", "--all-containers", "--tail=-1");
        Assert.Contains($"postfix/cleanup[", logs);

        // The operator's live probe, from its pod through the Service's cluster IP: it reaches the
        // Postfix pods and finds them as configured (the TLS Secret's certificate, relay refused).
        var probe = "";
        var probed = await NodeFixture.Eventually(async () =>
        {
            probe = (await node.Kubectl(null, "-n", "e2e-modern", "get", "mailsubmission", "modern", "-o",
                """jsonpath={.status.conditions[?(@.type=="LiveProbe")].status} {.status.conditions[?(@.type=="LiveProbe")].reason}: {.status.conditions[?(@.type=="LiveProbe")].message}""")).Trim();
            return probe.StartsWith("True ProbePassed", StringComparison.Ordinal) || probe.StartsWith("False", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(120), "LiveProbe True or False");
        output.WriteLine($"LiveProbe {probed.TotalSeconds:0.0} s after the messages: {probe}");
        Assert.StartsWith("True ProbePassed", probe, StringComparison.Ordinal);
        Assert.Contains("the TLS Secret's certificate served", probe, StringComparison.Ordinal);
    }

    /// <summary>The seed profile, its certificate from a cert-manager Certificate: no cert-manager
    /// controller runs here, so the test plays it (writes the Certificate's Secret and Ready).</summary>
    [Fact]
    public async Task Seed_submission_logs_in_with_CRAM_MD5_as_user_and_user_at_domain_with_a_certificate_from_cert_manager()
    {
        const string ns = "e2e-seed";
        var submission = await Submission.CreateAsync(node, ns, "seed", $$$"""
            apiVersion: mailsub.dev/v1alpha1
            kind: MailSubmission
            metadata: {name: seed, namespace: {{{ns}}}}
            spec:
              hostname: mail.example.net
              domain: example.net
              listeners:
                submission: {enabled: true, port: 587}
                submissions: {enabled: false}
              auth:
                profile: Seed
                localDomain: $myhostname
                users: [{name: username}]
              tls:
                issuerRef: {name: e2e-issuer, kind: Issuer}
                dnsNames: [mail.example.net]
              relayHost: {host: "{{{node.SinkAddress}}}", port: {{{Sink.Port}}}, tlsLevel: may}
              workload:
                replicas: 1
                service: {type: ClusterIP}
            """);
        await NodeFixture.Eventually(async () => (await node.TryKubectl("-n", ns, "get", "certificate", "seed-tls")).ExitCode == 0,
            TimeSpan.FromSeconds(60), "the Certificate the operator applies");
        var tls = TlsMaterial.SelfSigned("mail.example.net");
        await node.Kubectl(Submission.TlsSecret("seed-tls", tls), "-n", ns, "apply", "-f", "-");
        await node.Kubectl(null, "-n", ns, "patch", "certificate", "seed-tls", "--subresource=status", "--type=merge", "-p",
            """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Issued","message":"issued by the e2e test playing cert-manager"}]}}""");
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));

        var password = await submission.GeneratedPasswordAsync("username");
        foreach (var login in new[] { "username", "username@mail.example.net" })
        {
            using var client = await submission.ConnectAsync(587);
            Assert.Equal(Thumbprint(tls), client.ServerThumbprint);
            Assert.Contains("CRAM-MD5", client.Smtp.AuthenticationMechanisms);
            await client.LoginAsync(new SaslMechanismCramMd5(login, password));
            await client.SendAsync("username@example.net", "friend@remote.example", $"e2e-seed-{login}");
            output.WriteLine($"CRAM-MD5 as {login}: {client.LastReply}");
        }
        await NodeFixture.Eventually(async () => (await Sink.SubjectsAsync(node)).Count(s => s.StartsWith("e2e-seed-", StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(60), "both seed messages at the sink");
    }

    private static string Thumbprint(TlsMaterial tls) =>
        X509Certificate2.CreateFromPem(tls.CertificatePem).GetCertHashString(HashAlgorithmName.SHA256);
}
