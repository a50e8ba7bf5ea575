using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>Probes that mean something: a pod whose smtpd cannot serve (it dies at start and
/// master throttles the service, while master still holds the port) is not ready, and the
/// MailSubmission says Available=False; the probes leave no TLS errors in a healthy pod's log.</summary>
[Collection(NodeFixture.Collection)]
public sealed class ProbeTests(NodeFixture node, ITestOutputHelper output)
{
    private const string RuntimeConfig = "/var/lib/mailsub/etc";

    [Fact]
    public async Task A_pod_whose_smtpd_dies_at_start_turns_unready_and_the_submission_unavailable_until_it_serves_again()
    {
        const string ns = "e2e-probes";
        var submission = await Submission.CreateAsync(node, ns, "probed", Submission.Modern(ns, "probed", node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = "probes" }, TlsMaterial.SelfSigned("mail.example.com"));
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        var pod = (await submission.PodsAsync()).Single();

        // Healthy for a while: the probes leave no TLS errors in the log (a tcpSocket probe on 465 did),
        // and the start no warning (the default alias_maps logged dict_nis_init and a missing aliases.db).
        await Task.Delay(TimeSpan.FromSeconds(12));
        var log = await node.Kubectl(null, "-n", ns, "logs", pod);
        var noisy = log.Split('\n').Where(l => l.Contains("SSL_accept", StringComparison.Ordinal) || l.Contains("lost connection", StringComparison.Ordinal)
            || CapabilityTests.Trouble().IsMatch(l)).ToArray();
        Assert.True(noisy.Length == 0, "a healthy pod's start and probes left in its log:\n" + string.Join('\n', noisy));

        // Break smtpd behind master's back: the runtime copy gets a value only smtpd parses.
        await Exec(ns, pod, $"postconf -c {RuntimeConfig} -e smtpd_client_connection_count_limit=lots && postfix -c {RuntimeConfig} reload");
        var unready = await NodeFixture.Eventually(async () => await Condition(ns, "Available") == "False", TimeSpan.FromSeconds(60), "Available=False");
        output.WriteLine($"Available=False {unready.TotalSeconds:0.0} s after smtpd broke: {await node.Kubectl(null, "-n", ns, "get", "mailsubmission", "probed", "-o", "jsonpath={.status.conditions[?(@.type=='Available')].message}")}");
        Assert.Equal("0", (await node.Kubectl(null, "-n", ns, "get", pod, "-o", "jsonpath={.status.containerStatuses[0].restartCount}")).Trim());

        await Exec(ns, pod, $"postconf -c {RuntimeConfig} -X smtpd_client_connection_count_limit && postfix -c {RuntimeConfig} reload");
        var back = await NodeFixture.Eventually(async () => await Condition(ns, "Available") == "True", TimeSpan.FromSeconds(60), "Available=True again");
        output.WriteLine($"Available=True {back.TotalSeconds:0.0} s after smtpd was mended");
    }

    private Task<string> Exec(string ns, string pod, string command) =>
        node.Kubectl(null, "-n", ns, "exec", pod, "-c", "postfix", "--", "sh", "-c", command);

    private async Task<string> Condition(string ns, string type) =>
        (await node.Kubectl(null, "-n", ns, "get", "mailsubmission", "probed", "-o", $"jsonpath={{.status.conditions[?(@.type=='{type}')].status}}")).Trim();
}
