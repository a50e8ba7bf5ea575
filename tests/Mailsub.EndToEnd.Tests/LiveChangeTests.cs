using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// A config, user or certificate change is live in the running pods in seconds (PodVolumeRefresh
/// makes the kubelet remount at once instead of on its minute-long sync), with no restart. The
/// bound here (15 s) only proves the mechanism against the kubelet's ~60 s; `make bench-e2e`
/// measures the figure against its 2 s goal.
/// </summary>
[Collection(NodeFixture.Collection)]
public sealed class LiveChangeTests(NodeFixture node, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Password_config_and_certificate_changes_are_live_without_a_restart()
    {
        const string ns = "e2e-live";
        var tls = TlsMaterial.SelfSigned("mail.example.com");
        var submission = await Submission.CreateAsync(node, ns, "live", Submission.Modern(ns, "live", node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = "first password" }, tls);
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        var containers = await ContainersAsync(ns);

        // A user's password: the Secret the user owns changes; the users Secret follows.
        var write = Stopwatch.StartNew();
        await ReplaceSecretAsync(ns, "alice-password", "second password");
        var live = await Until(async () => await LoginWorksAsync(submission, "second password"), "the new password");
        output.WriteLine($"password change live after {live.TotalSeconds:0.00} s (from the write: {write.Elapsed.TotalSeconds:0.00} s)");

        // The config: a message size limit shows in EHLO's SIZE.
        await node.Kubectl(null, "-n", ns, "patch", "mailsubmission", "live", "--type=merge", "-p", """{"spec":{"limits":{"messageSizeBytes":1234567}}}""");
        live = await Until(async () => await EhloSizeAsync(submission) == 1234567, "SIZE 1234567 in EHLO");
        output.WriteLine($"config change live after {live.TotalSeconds:0.00} s");

        // The certificate: a new key pair in the TLS Secret is what 465 serves.
        var renewed = TlsMaterial.SelfSigned("mail.example.com");
        await node.Kubectl(Submission.TlsSecret("live-served-tls", renewed), "-n", ns, "apply", "-f", "-");
        var want = X509Certificate2.CreateFromPem(renewed.CertificatePem).GetCertHashString(HashAlgorithmName.SHA256);
        live = await Until(async () => await ServedThumbprintAsync(submission) == want, "the renewed certificate on 465");
        output.WriteLine($"certificate change live after {live.TotalSeconds:0.00} s");

        Assert.Equal(containers, await ContainersAsync(ns));
    }

    private async Task<TimeSpan> Until(Func<Task<bool>> check, string what)
    {
        var watch = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            if (await check())
                return watch.Elapsed;
            if (watch.Elapsed > Bound)
                throw new TimeoutException($"{what}: not live after {Bound.TotalSeconds:0} s ({attempt} tries)");
            await Task.Delay(100);
        }
    }

    private async Task ReplaceSecretAsync(string ns, string name, string password) =>
        await node.Kubectl($$$"""
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "{{{name}}}"}, "stringData": {"password": "{{{password}}}"}}
            """, "-n", ns, "apply", "-f", "-");

    private static async Task<bool> LoginWorksAsync(Submission submission, string password)
    {
        using var client = await submission.ConnectAsync(587);
        try
        {
            await client.Smtp.AuthenticateAsync(new SaslMechanismPlain("alice", password));
            return true;
        }
        catch (AuthenticationException)
        {
            return false;
        }
    }

    private static async Task<long> EhloSizeAsync(Submission submission)
    {
        using var client = await submission.ConnectAsync(587);
        return client.Smtp.MaxSize;
    }

    private static async Task<string?> ServedThumbprintAsync(Submission submission)
    {
        using var client = await submission.ConnectAsync(465);
        return client.ServerThumbprint;
    }

    /// <summary>Each Postfix container's ID and restart count: unchanged means no restart.</summary>
    private async Task<string> ContainersAsync(string ns) =>
        await node.Kubectl(null, "-n", ns, "get", "pods", "-l", "app.kubernetes.io/instance=live", "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}{'\\n'}{end}");
}
