using System.Diagnostics;
using System.Text;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// One MailSubmission in a namespace of its own on the node: created from a manifest, waited for,
/// reached through its Service's ClusterIP, and its pods' logs for failure messages.
/// </summary>
public sealed class Submission(NodeFixture node, string ns, string name) : ISmtpServer
{
    public string Namespace => ns;
    public string Name => name;
    public string Host { get; private set; } = "";

    public int Port(int renderedPort) => renderedPort;

    /// <summary>The modern sample with a TLS Secret the test made, relaying to the sink.</summary>
    public static string Modern(string ns, string name, string sinkAddress, int replicas = 2) => $$$"""
        apiVersion: mailsub.dev/v1alpha1
        kind: MailSubmission
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          hostname: mail.example.com
          auth:
            profile: Modern
            users:
            - name: alice
              passwordSecretRef: {name: alice-password, key: password}
              allowedSenders: [alice@example.com]
            - name: bob
              allowedSenders: [bob@example.com]
          tls:
            secretName: {{{name}}}-served-tls
          relayHost: {host: "{{{sinkAddress}}}", port: {{{Sink.Port}}}, tlsLevel: may}
          # Every test client comes from the node's address, and the rollout stream opens 5 sessions
          # a second from it, as an application server would: more than the default allows.
          limits: {authAttemptsPerMinutePerClient: 1000}
          workload:
            replicas: {{{replicas}}}
            service: {type: ClusterIP}
        """;

    /// <summary>Creates the namespace, the Secrets the manifest names, and applies it.</summary>
    public static async Task<Submission> CreateAsync(NodeFixture node, string ns, string name, string manifest,
        IReadOnlyDictionary<string, string>? passwords = null, TlsMaterial? tls = null)
    {
        await PrepareAsync(node, ns, name, passwords, tls);
        return await ApplyAsync(node, ns, name, manifest);
    }

    /// <summary>What must exist before the apply: the namespace and the Secrets the manifest names.</summary>
    public static async Task PrepareAsync(NodeFixture node, string ns, string name,
        IReadOnlyDictionary<string, string>? passwords = null, TlsMaterial? tls = null)
    {
        await node.Kubectl(null, "create", "namespace", ns);
        foreach (var (secret, password) in passwords ?? new Dictionary<string, string>())
            await node.Kubectl(null, "-n", ns, "create", "secret", "generic", secret, $"--from-literal=password={password}");
        if (tls is not null)
            await node.Kubectl(TlsSecret($"{name}-served-tls", tls), "-n", ns, "apply", "-f", "-");
    }

    /// <summary>The MailSubmission itself, server-side applied as a user would.</summary>
    public static async Task<Submission> ApplyAsync(NodeFixture node, string ns, string name, string manifest)
    {
        await node.Kubectl(manifest, "apply", "--server-side", "-f", "-");
        return new Submission(node, ns, name);
    }

    public static string TlsSecret(string name, TlsMaterial tls) => $$$"""
        {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "metadata": {"name": "{{{name}}}"},
         "data": {"tls.crt": "{{{B64(tls.CertificatePem)}}}", "tls.key": "{{{B64(tls.PrivateKeyPem)}}}"}}
        """;

    /// <summary>Waits for Ready=True and every replica Ready; returns how long that took.</summary>
    public async Task<TimeSpan> WaitReadyAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        await node.Kubectl(null, "-n", ns, "wait", "--for=condition=Ready", $"mailsubmission/{name}", $"--timeout={(int)timeout.TotalSeconds}s");
        await node.Kubectl(null, "-n", ns, "rollout", "status", $"deploy/{name}-postfix", $"--timeout={(int)timeout.TotalSeconds}s");
        if (!await TryResolveHostAsync())
            throw new InvalidOperationException($"Service {ns}/{name} has no ClusterIP although the submission is Ready");
        return watch.Elapsed;
    }

    /// <summary>Reads the Service's ClusterIP into <see cref="Host"/>; false while the operator has not made the Service yet.</summary>
    public async Task<bool> TryResolveHostAsync()
    {
        var ip = await node.TryKubectl("-n", ns, "get", "svc", name, "--ignore-not-found", "-o", "jsonpath={.spec.clusterIP}");
        if (ip.ExitCode != 0 || ip.Stdout.Trim().Length == 0)
            return false;
        Host = ip.Stdout.Trim();
        return true;
    }

    /// <summary>A session through the ClusterIP. kube-proxy writes a new endpoint's rules a moment
    /// after the pod is Ready, so a refused connection is retried (at most 20 times, 0.5 s apart).</summary>
    public async Task<MailClient> ConnectAsync(int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await MailClient.ConnectAsync(this, port);
            }
            catch (Xunit.Sdk.XunitException) when (attempt < 20)
            {
                await Task.Delay(500);
            }
        }
    }

    public async Task<string> GeneratedPasswordAsync(string user) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(
            (await node.Kubectl(null, "-n", ns, "get", "secret", $"{name}-generated-passwords", "-o", $"jsonpath={{.data.{user}}}")).Trim()));

    public async Task<IReadOnlyList<string>> PodsAsync() =>
        (await node.Kubectl(null, "-n", ns, "get", "pods", "-l", $"app.kubernetes.io/instance={name}", "-o", "name"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string Describe()
    {
        var logs = node.TryKubectl("-n", ns, "logs", "-l", $"app.kubernetes.io/instance={name}", "--all-containers", "--tail=40", "--prefix")
            .GetAwaiter().GetResult();
        var status = node.TryKubectl("-n", ns, "get", "mailsubmission", name, "-o", "jsonpath={.status.conditions}").GetAwaiter().GetResult();
        return $"--- status.conditions ---\n{status.Stdout}\n--- pod logs ---\n{logs.Output}";
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
