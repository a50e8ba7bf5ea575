using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Security;
using Mailsub.Testing.Postfix;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// A config, user or certificate change and the time until a client sees it through the Service,
/// measured from just before the write (kubectl's own start included, so an upper bound), polled
/// every 100 ms up to a bound. LiveChangeTests proves the mechanism with these; `make bench-e2e`
/// prints the same figures beside their 2 s goal.
/// </summary>
public static class LiveChange
{
    /// <summary>The password in the Secret alice's passwordSecretRef names; live when AUTH with it works on 587.</summary>
    public static async Task<TimeSpan> PasswordAsync(NodeFixture node, Submission submission, string secret, string password, TimeSpan bound)
    {
        var write = Stopwatch.StartNew();
        await node.Kubectl($$$"""
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "{{{secret}}}"}, "stringData": {"password": "{{{password}}}"}}
            """, "-n", submission.Namespace, "apply", "-f", "-");
        return await Until(write, async () => await LoginWorksAsync(submission, password), "the new password", bound);
    }

    /// <summary>The config: spec.limits.messageSizeBytes; live when EHLO's SIZE says it.</summary>
    public static async Task<TimeSpan> MessageSizeAsync(NodeFixture node, Submission submission, long bytes, TimeSpan bound)
    {
        var write = Stopwatch.StartNew();
        await node.Kubectl(null, "-n", submission.Namespace, "patch", "mailsubmission", submission.Name, "--type=merge",
            "-p", """{"spec":{"limits":{"messageSizeBytes":""" + bytes + "}}}");
        return await Until(write, async () => await EhloSizeAsync(submission) == bytes, $"SIZE {bytes} in EHLO", bound);
    }

    /// <summary>The certificate: a new key pair in the TLS Secret; live when 465 serves it.</summary>
    public static async Task<TimeSpan> CertificateAsync(NodeFixture node, Submission submission, TimeSpan bound)
    {
        var renewed = TlsMaterial.SelfSigned("mail.example.com");
        var want = X509Certificate2.CreateFromPem(renewed.CertificatePem).GetCertHashString(HashAlgorithmName.SHA256);
        var write = Stopwatch.StartNew();
        await node.Kubectl(Submission.TlsSecret($"{submission.Name}-served-tls", renewed), "-n", submission.Namespace, "apply", "-f", "-");
        return await Until(write, async () => await ServedThumbprintAsync(submission) == want, "the renewed certificate on 465", bound);
    }

    /// <summary>Each Postfix container's ID and restart count: unchanged means no restart.</summary>
    public static async Task<string> ContainersAsync(NodeFixture node, Submission submission) =>
        await node.Kubectl(null, "-n", submission.Namespace, "get", "pods", "-l", $"app.kubernetes.io/instance={submission.Name}", "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}{'\\n'}{end}");

    private static async Task<TimeSpan> Until(Stopwatch write, Func<Task<bool>> check, string what, TimeSpan bound)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await check())
                return write.Elapsed;
            if (write.Elapsed > bound)
                throw new TimeoutException($"{what}: not live after {bound.TotalSeconds:0} s ({attempt} tries)");
            await Task.Delay(100);
        }
    }

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
}
