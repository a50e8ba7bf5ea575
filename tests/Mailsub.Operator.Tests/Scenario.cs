using System.Text.Json.Nodes;

namespace Mailsub.Operator.Tests;

/// <summary>Steps several tests share: a Ready modern submission, waiting on its conditions.</summary>
internal static class Scenario
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Creates alice's Secret and a modern submission, then plays cert-manager and the kubelet until it is Ready.</summary>
    public static async Task<JsonObject> CreateReadyAsync(Cluster cluster, string ns, string name)
    {
        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern(name));
        return await MakeReadyAsync(cluster, ns, name);
    }

    public static async Task<JsonObject> MakeReadyAsync(Cluster cluster, string ns, string name)
    {
        await Eventually.TrueAsync(async () => await cluster.TryGetAsync($"/apis/cert-manager.io/v1/namespaces/{ns}/certificates/{name}-tls") is not null,
            Timeout, () => "Certificate created");
        if (await cluster.TryGetAsync($"{Cluster.Core(ns, "secrets")}/{name}-tls") is null)
        {
            await cluster.IssueCertificateAsync(ns, $"{name}-tls");
        }
        JsonObject? last = null;
        await Eventually.TrueAsync(async () =>
        {
            await cluster.MarkPodsReadyAsync(ns);
            last = await cluster.SubmissionAsync(ns, name);
            return Cluster.Condition(last, "Ready") == "True";
        }, Timeout, () => $"{name} Ready; status: {last?["status"]?.ToJsonString()}");
        return last!;
    }

    public static async Task<JsonObject> WaitAsync(Cluster cluster, string ns, string name, Func<JsonObject, bool> condition, string what)
    {
        JsonObject? last = null;
        await Eventually.TrueAsync(async () =>
        {
            last = await cluster.SubmissionAsync(ns, name);
            return last is not null && condition(last);
        }, Timeout, () => $"{what}; status: {last?["status"]?.ToJsonString()}");
        return last!;
    }
}
