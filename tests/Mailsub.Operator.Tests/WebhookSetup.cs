using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>
/// One test's webhook: a labelled namespace, a CA and serving certificate, the operator in process
/// serving the webhook on 127.0.0.1, and a ValidatingWebhookConfiguration that sends only that
/// namespace's MailSubmissions to it; all removed on dispose.
/// </summary>
internal sealed class WebhookSetup : IAsyncDisposable
{
    private const string Configurations = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";

    private WebhookSetup(Cluster cluster, string ns, WebhookCertificates certificates)
    {
        Cluster = cluster;
        Namespace = ns;
        Certificates = certificates;
    }

    public Cluster Cluster { get; }
    public string Namespace { get; }
    public WebhookCertificates Certificates { get; }
    public InProcessOperator Operator { get; private set; } = null!;
    public string ConfigurationName => "mailsub-test-" + Namespace;

    /// <param name="webhookPort">Where the configuration points; null: at the operator started here. A port nobody listens on: the webhook is down.</param>
    /// <param name="selfManaged">The operator makes its CA and certificate (a Secret in the namespace) and sets the caBundle itself.</param>
    /// <param name="metricsPort">Where the operator serves /metrics; null: it does not.</param>
    /// <param name="certificateClock">The self-managed certificate's clock; null: the system's.</param>
    public static async Task<WebhookSetup> StartAsync(ControlPlaneFixture cp, int? webhookPort = null, bool waitUntilServing = true, bool selfManaged = false,
        int? metricsPort = null, TimeProvider? certificateClock = null)
    {
        var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("webhook");
        await cluster.MergePatchAsync($"/api/v1/namespaces/{ns}", new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["mailsub.dev/webhook-test"] = ns } },
        });
        var setup = new WebhookSetup(cluster, ns, new WebhookCertificates());
        if (selfManaged)
        {
            // The configuration first, without a caBundle: the operator's leader fills it in.
            var port = LoopbackPort.Free();
            await cluster.SendAsync(HttpMethod.Post, Configurations, setup.Configuration(port, "Fail", caBundle: null));
            setup.Operator = await InProcessOperator.StartAsync(cluster.Config, ns, setup.SelfManagedOptions(port), certificateClock: certificateClock);
        }
        else
        {
            if (webhookPort is null)
            {
                setup.Operator = await InProcessOperator.StartAsync(cluster.Config, ns, InProcessOperator.Defaults(ns) with
                {
                    WebhookBindAddress = "127.0.0.1:0",
                    WebhookCertDir = setup.Certificates.Directory,
                    MetricsBindAddress = metricsPort is { } metrics ? $"127.0.0.1:{metrics}" : "0",
                });
            }
            var port = webhookPort ?? setup.Operator.Operator.WebhookEndpoint!.Port;
            await cluster.SendAsync(HttpMethod.Post, Configurations, setup.Configuration(port, "Fail", setup.Certificates.CaBundle));
        }
        if (waitUntilServing)
        {
            // The API server picks the configuration up from its informer: until then nothing is judged.
            await Eventually.TrueAsync(async () =>
            {
                var answer = await ApiRequest.PostAsync(cluster, Cluster.MailSubmissions(ns) + "?dryRun=All", Submissions.HostBitsInCidr("probe"));
                return JsonPath.GetString(answer.Body, "message")?.Contains("denied the request", StringComparison.Ordinal) == true;
            }, TimeSpan.FromSeconds(30), () => "the webhook configuration in effect");
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        return setup;
    }

    public const string CertificateSecret = "mailsub-webhook-certificate";

    /// <summary>The options of a replica that keeps its certificate in <see cref="CertificateSecret"/> (its own folder for the files).</summary>
    public OperatorOptions SelfManagedOptions(int port) => InProcessOperator.Defaults(Namespace) with
    {
        WebhookBindAddress = $"127.0.0.1:{port}",
        WebhookCertDir = Path.Combine(Certificates.Directory, "replica-" + port + "-" + Guid.NewGuid().ToString("N")[..4]),
        WebhookCertSecret = CertificateSecret,
        WebhookConfigurationName = ConfigurationName,
        WebhookAddresses = [System.Net.IPAddress.Loopback],
        LeaderElectionNamespace = Namespace,
    };

    public Task<JsonObject?> ConfigurationAsync() => Cluster.TryGetAsync($"{Configurations}/{ConfigurationName}");

    public async Task SetFailurePolicyAsync(string policy)
    {
        var current = await Cluster.TryGetAsync($"{Configurations}/{ConfigurationName}");
        current!["webhooks"]![0]!["failurePolicy"] = policy;
        await Cluster.SendAsync(HttpMethod.Put, $"{Configurations}/{ConfigurationName}", current);
    }

    private JsonObject Configuration(int port, string failurePolicy, string? caBundle) => new()
    {
        ["apiVersion"] = "admissionregistration.k8s.io/v1",
        ["kind"] = "ValidatingWebhookConfiguration",
        ["metadata"] = new JsonObject { ["name"] = ConfigurationName },
        ["webhooks"] = new JsonArray(new JsonObject
        {
            ["name"] = "validate.mailsub.dev",
            ["admissionReviewVersions"] = new JsonArray("v1"),
            ["sideEffects"] = "None",
            ["failurePolicy"] = failurePolicy,
            ["timeoutSeconds"] = 5,
            ["clientConfig"] = caBundle is null
                ? new JsonObject { ["url"] = $"https://127.0.0.1:{port}{SubmissionAdmission.Path}" }
                : new JsonObject { ["url"] = $"https://127.0.0.1:{port}{SubmissionAdmission.Path}", ["caBundle"] = caBundle },
            ["rules"] = new JsonArray(new JsonObject
            {
                ["apiGroups"] = new JsonArray("mailsub.dev"),
                ["apiVersions"] = new JsonArray("v1alpha1"),
                ["operations"] = new JsonArray("CREATE", "UPDATE"),
                ["resources"] = new JsonArray("mailsubmissions"),
                ["scope"] = "Namespaced",
            }),
            ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["mailsub.dev/webhook-test"] = Namespace } },
        }),
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.SendAsync(HttpMethod.Delete, $"{Configurations}/{ConfigurationName}", null);
        }
        finally
        {
            if (Operator is not null)
            {
                await Operator.DisposeAsync();
            }
            Certificates.Dispose();
            Cluster.Dispose();
        }
    }
}

/// <summary>A request to the API server answered with any status: the code, the body and the Warning headers.</summary>
internal static class ApiRequest
{
    public sealed record Answer(int Status, JsonObject? Body, IReadOnlyList<string> Warnings);

    public static Task<Answer> PostAsync(Cluster cluster, string path, JsonNode body) => SendAsync(cluster, HttpMethod.Post, path, body, "application/json");

    public static async Task<Answer> SendAsync(Cluster cluster, HttpMethod method, string path, JsonNode body, string contentType)
    {
        using var request = new HttpRequestMessage(method, cluster.Api.Resolve(path))
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await cluster.Api.SendAsync(request, streaming: false, CancellationToken.None);
        var text = await response.Content.ReadAsStringAsync();
        var warnings = response.Headers.TryGetValues("Warning", out var values) ? values.ToList() : [];
        return new Answer((int)response.StatusCode, JsonNode.Parse(text) as JsonObject, warnings);
    }
}
