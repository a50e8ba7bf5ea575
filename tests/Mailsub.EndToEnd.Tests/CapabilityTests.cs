using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// Each capability PostfixDeployment keeps is needed: a bare pod with the operator's own pod spec
/// (read from its Deployment, so the same ConfigMap, Secrets and securityContext) minus that one
/// capability, started beside an unchanged copy. Bare pods, with labels no ReplicaSet selects,
/// because the operator reverts a patch to its own Deployment. Each pod is asked to do what a
/// healthy one does: become Ready, take a logged-in message to the sink, reload, all without a
/// warning in its log; the copy without a capability must fail at least one of these.
/// </summary>
[Collection(NodeFixture.Collection)]
public sealed partial class CapabilityTests(NodeFixture node, ITestOutputHelper output)
{
    private const string Ns = "e2e-capabilities";
    private const string Name = "caps";
    private const string Password = "capabilities";
    private const string RuntimeConfig = "/var/lib/mailsub/etc";

    // KILL serves the stop path only (the entrypoint's kill of master's process tree after a
    // 10 s drain, master's SIGTERM to children running as postfix), which serving and reloading
    // never take: this test shows it is not needed to serve, nothing more.
    private static readonly string[] OnlyAtStop = ["without-kill"];

    [GeneratedRegex(@"\b(warning|error|fatal|panic):")]
    internal static partial Regex Trouble();

    [Fact]
    public async Task Without_any_one_kept_capability_the_pod_fails_to_serve_or_logs_the_failure()
    {
        var submission = await Submission.CreateAsync(node, Ns, Name, Submission.Modern(Ns, Name, node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = Password }, TlsMaterial.SelfSigned("mail.example.com"));
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        var template = (JsonObject)(await node.GetJson("-n", Ns, $"deploy/{Name}-postfix"))["spec"]!["template"]!["spec"]!;
        var kept = template["containers"]![0]!["securityContext"]!["capabilities"]!["add"]!.AsArray().Select(c => (string)c!).ToArray();
        output.WriteLine($"the Deployment keeps {string.Join(", ", kept)}");

        var pods = kept.Select(c => (Pod: "without-" + c.ToLowerInvariant().Replace('_', '-'), Capabilities: kept.Where(k => k != c).ToArray()))
            .Prepend((Pod: "with-all", Capabilities: kept)).ToArray();
        foreach (var (pod, capabilities) in pods)
            await node.Kubectl(BarePod(template, pod, capabilities), "-n", Ns, "apply", "-f", "-");

        var results = await Task.WhenAll(pods.Select(p => TryServeAsync(p.Pod)));
        foreach (var result in results)
            output.WriteLine($"{result.Pod}: {(result.Broken.Count == 0 ? "serves, reloads, logs no warning" : string.Join(" | ", result.Broken))}");

        Assert.True(results[0].Broken.Count == 0, $"the unchanged copy failed: {string.Join("\n", results[0].Broken)}");
        var unneeded = results.Skip(1).Where(r => r.Broken.Count == 0 && !OnlyAtStop.Contains(r.Pod)).Select(r => r.Pod).ToArray();
        Assert.True(unneeded.Length == 0, $"nothing broke {string.Join(", ", unneeded)}: that capability is not needed");
    }

    /// <summary>Why spec.allowMailToCommands cannot be honoured in the pod: a command run as an
    /// alias owner that re-injects mail calls sendmail, whose postdrop is setgid postdrop, and
    /// allowPrivilegeEscalation: false (no_new_privs) makes the kernel ignore that bit.</summary>
    [Fact]
    public async Task A_command_as_an_unprivileged_user_cannot_reinject_mail_because_postdrops_setgid_bit_is_ignored()
    {
        const string ns = "e2e-postdrop";
        var submission = await Submission.CreateAsync(node, ns, "postdrop", Submission.Modern(ns, "postdrop", node.SinkAddress, replicas: 1),
            new Dictionary<string, string> { ["alice-password"] = Password }, TlsMaterial.SelfSigned("mail.example.com"));
        await submission.WaitReadyAsync(TimeSpan.FromSeconds(180));
        var pod = (await submission.PodsAsync()).Single();

        var result = await node.TryKubectl("-n", ns, "exec", pod, "-c", "postfix", "--", "sh", "-c",
            $"grep NoNewPrivs /proc/self/status; ls -l /usr/sbin/postdrop; ls -ld $(postconf -c {RuntimeConfig} -h queue_directory)/maildrop; " +
            $"printf 'Subject: postdrop\n\nx\n' | MAIL_CONFIG={RuntimeConfig} timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups " +
            "/usr/sbin/sendmail -f nobody@example.com someone@example.net 2>&1; echo sendmail exit $?");
        output.WriteLine(result.Output);

        Assert.Contains("NoNewPrivs:\t1", result.Output);
        Assert.Contains("postdrop: warning: mail_queue_enter: create file maildrop/", result.Output);
        Assert.Contains("Permission denied", result.Output);
    }

    private static string BarePod(JsonObject template, string pod, string[] capabilities)
    {
        var spec = (JsonObject)template.DeepClone();
        spec["terminationGracePeriodSeconds"] = 1;
        spec["containers"]![0]!["securityContext"]!["capabilities"]!["add"] = new JsonArray([.. capabilities.Select(c => JsonValue.Create(c))]);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = pod, ["labels"] = new JsonObject { ["e2e"] = "capabilities" } },
            ["spec"] = spec,
        }.ToJsonString();
    }

    /// <summary>What a healthy pod does, each step bounded in time; returns what failed.</summary>
    private async Task<(string Pod, List<string> Broken)> TryServeAsync(string pod)
    {
        List<string> broken = [];
        var ready = await node.TryKubectl("-n", Ns, "wait", "--for=condition=Ready", $"pod/{pod}", "--timeout=60s");
        if (ready.ExitCode != 0)
        {
            broken.Add("not Ready in 60 s");
        }
        else
        {
            var server = new PodServer((await node.Kubectl(null, "-n", Ns, "get", "pod", pod, "-o", "jsonpath={.status.podIP}")).Trim());
            var subject = $"e2e-{pod}-{Guid.NewGuid():N}";
            try
            {
                using var client = await MailClient.ConnectAsync(server, 587);
                await client.LoginAsync(new SaslMechanismPlain("alice", Password));
                await client.SendAsync("alice@example.com", "someone@example.net", subject);
                await NodeFixture.Eventually(async () => (await Sink.SubjectsAsync(node)).Contains(subject), TimeSpan.FromSeconds(30), "at the sink");
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or TimeoutException or AuthenticationException)
            {
                broken.Add($"submission: {e.Message.Split('\n')[0]}");
            }
            var reload = await node.TryKubectl("-n", Ns, "exec", pod, "-c", "postfix", "--", "postfix", "-c", RuntimeConfig, "reload");
            if (reload.ExitCode != 0)
                broken.Add($"postfix reload exited {reload.ExitCode}: {reload.Output.Trim()}");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        var restarts = (await node.Kubectl(null, "-n", Ns, "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].restartCount}")).Trim();
        if (restarts is not ("0" or ""))
            broken.Add($"{restarts} restarts");
        var log = await node.TryKubectl("-n", Ns, "logs", pod, "-c", "postfix");
        var previous = restarts is "0" or "" ? "" : (await node.TryKubectl("-n", Ns, "logs", pod, "-c", "postfix", "--previous")).Output;
        broken.AddRange((previous + "\n" + log.Output).Split('\n').Where(l => Trouble().IsMatch(l)).Select(l => l.Trim()).Distinct().Take(5));
        return (pod, broken);
    }

    /// <summary>One pod by its IP on the node bridge, not through a Service.</summary>
    private sealed record PodServer(string Host) : ISmtpServer
    {
        public int Port(int renderedPort) => renderedPort;

        public string Describe() => $"pod {Host}";
    }
}
