using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Mailsub.Core.Serialization;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>Plain JSON requests to the real API server, and the CRDs installed once per run.</summary>
internal sealed class Cluster : IDisposable
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool _installed;

    public Cluster(ControlPlaneFixture cp)
    {
        Config = KubernetesClientConfiguration.BuildConfigFromConfigFile(cp.KubeconfigPath);
        Api = ApiConnection.FromConfig(Config);
    }

    public KubernetesClientConfiguration Config { get; }
    public ApiConnection Api { get; }

    public static string MailSubmissions(string ns) => $"/apis/mailsub.dev/v1alpha1/namespaces/{ns}/mailsubmissions";
    public static string Core(string ns, string plural) => $"/api/v1/namespaces/{ns}/{plural}";
    public static string Apps(string ns, string plural) => $"/apis/apps/v1/namespaces/{ns}/{plural}";

    /// <summary>The MailSubmission CRD (crds/) and cert-manager's (third_party/), once per run.</summary>
    public async Task InstallCrdsAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (_installed)
            {
                return;
            }
            foreach (var crd in Crds("crds").Concat(Crds(CertManagerCrds)))
            {
                await SendAsync(HttpMethod.Post, CustomResourceDefinitions, crd, allowConflict: true);
            }
            // A new CRD serves a moment after Established: wait until both collections list.
            foreach (var path in new[] { "/apis/mailsub.dev/v1alpha1/mailsubmissions", "/apis/cert-manager.io/v1/certificates" })
            {
                await Eventually.TrueAsync(async () => (await TryGetAsync(path)) is not null, TimeSpan.FromSeconds(60), () => $"{path} served");
            }
            _installed = true;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private const string CustomResourceDefinitions = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private const string CertificatesCrd = CustomResourceDefinitions + "/certificates.cert-manager.io";
    private static readonly string CertManagerCrds = Path.Combine("third_party", "cert-manager-v1.12.9");

    /// <summary>The CRDs in a folder of the repository.</summary>
    private static IEnumerable<JsonObject> Crds(string folder) =>
        Directory.GetFiles(Path.Combine(ControlPlaneFixture.RepositoryRoot, folder), "*.yaml")
            .SelectMany(f => YamlDocuments.Parse(File.ReadAllText(f))).OfType<JsonObject>();

    /// <summary>Whether discovery lists cert-manager.io/v1 certificates (what the operator asks).</summary>
    public async Task<bool> CertificatesServedAsync() =>
        (await TryGetAsync("/apis/cert-manager.io/v1"))?["resources"] is JsonArray resources
        && resources.Any(r => JsonPath.GetString(r, "name") == "certificates");

    /// <summary>Uninstalls cert-manager's Certificate CRD (and with it every Certificate) until discovery stops serving it.</summary>
    public async Task RemoveCertificatesCrdAsync()
    {
        await SendAsync(HttpMethod.Delete, CertificatesCrd, null);
        await Eventually.TrueAsync(async () => await TryGetAsync(CertificatesCrd) is null && !await CertificatesServedAsync(),
            TimeSpan.FromSeconds(90), () => "certificates.cert-manager.io removed");
    }

    /// <summary>Installs cert-manager's Certificate CRD again (from third_party/) and waits until it serves.</summary>
    public async Task RestoreCertificatesCrdAsync()
    {
        var crd = Crds(CertManagerCrds).Single(c => JsonPath.GetString(c, "metadata", "name") == "certificates.cert-manager.io");
        await SendAsync(HttpMethod.Post, CustomResourceDefinitions, crd, allowConflict: true);
        await Eventually.TrueAsync(async () => await CertificatesServedAsync() && await TryGetAsync("/apis/cert-manager.io/v1/certificates") is not null,
            TimeSpan.FromSeconds(60), () => "certificates.cert-manager.io served");
    }

    public async Task<JsonObject?> SendAsync(HttpMethod method, string path, JsonNode? body, string contentType = "application/json", bool allowConflict = false)
    {
        using var request = new HttpRequestMessage(method, Api.Resolve(path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }
        using var response = await Api.SendAsync(request, streaming: false, CancellationToken.None);
        var text = await response.Content.ReadAsStringAsync();
        if (allowConflict && response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return JsonNode.Parse(text) as JsonObject;
    }

    public async Task<JsonObject?> TryGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Api.Resolve(path));
        using var response = await Api.SendAsync(request, streaming: false, CancellationToken.None);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject;
    }

    /// <summary>
    /// The object as `kubectl get` shows it: the API server's Table (what it prints from the CRD's
    /// additionalPrinterColumns), as column name, priority (1: only with -o wide) and cell.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, long Priority, string Cell)>> PrintedAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Api.Resolve(path));
        // What kubectl sends; the API server answers the first it can.
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json")
        {
            Parameters =
        {
            new("as", "Table"), new("v", "v1"), new("g", "meta.k8s.io"),
        }
        });
        using var response = await Api.SendAsync(request, streaming: false, CancellationToken.None);
        response.EnsureSuccessStatusCode();
        var table = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Table", JsonPath.GetString(table, "kind"));
        var columns = table["columnDefinitions"]!.AsArray();
        var cells = Assert.Single(table["rows"]!.AsArray())!["cells"]!.AsArray();
        return columns.Select((c, i) => (JsonPath.GetString(c, "name")!, JsonPath.GetInt64(c, "priority") ?? 0,
            cells[i] is JsonValue v ? v.ToString() : "")).ToList();
    }

    public Task<JsonObject?> CreateAsync(string collection, JsonObject body) => SendAsync(HttpMethod.Post, collection, body);

    public Task<JsonObject?> MergePatchAsync(string path, JsonObject patch) =>
        SendAsync(HttpMethod.Patch, path, patch, "application/merge-patch+json");

    public Task DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public Task<JsonObject?> CreateSecretAsync(string ns, string name, Dictionary<string, string> data, string type = "Opaque") =>
        CreateAsync(Core(ns, "secrets"), new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["type"] = type,
            ["data"] = new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value)))))),
        });

    public async Task<JsonObject?> SubmissionAsync(string ns, string name) => await TryGetAsync($"{MailSubmissions(ns)}/{name}");

    public static string? Condition(JsonObject? submission, string type, string field = "status") =>
        (submission?["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == type)?[field]?.GetValue<string>();

    /// <summary>
    /// No kubelet runs here: pods stay Pending. Marks the Deployment's pods Running and Ready (what a
    /// kubelet would report), so the real ReplicaSet and Deployment controllers make it Available.
    /// </summary>
    public async Task MarkPodsReadyAsync(string ns)
    {
        var pods = await TryGetAsync(Core(ns, "pods"));
        foreach (var pod in (pods?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (JsonPath.GetString(pod, "status", "phase") == "Running")
            {
                continue;
            }
            var now = DateTime.UtcNow.AddSeconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
            await MergePatchAsync($"{Core(ns, "pods")}/{JsonPath.GetString(pod, "metadata", "name")}/status", new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["phase"] = "Running",
                    ["conditions"] = new JsonArray(
                        new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = now },
                        new JsonObject { ["type"] = "ContainersReady", ["status"] = "True", ["lastTransitionTime"] = now }),
                },
            });
        }
    }

    /// <summary>What cert-manager would do: the Certificate's Secret and its Ready condition.</summary>
    public async Task IssueCertificateAsync(string ns, string name)
    {
        await CreateSecretAsync(ns, name, new() { ["tls.crt"] = "not-a-real-cert", ["tls.key"] = "not-a-real-key" }, "Opaque");
        await MergePatchAsync($"/apis/cert-manager.io/v1/namespaces/{ns}/certificates/{name}/status", new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready", ["status"] = "True", ["reason"] = "Ready", ["message"] = "Certificate is up to date and has not expired",
                }),
            },
        });
    }

    /// <summary>Name to resourceVersion of every object of these collections in the namespace.</summary>
    public async Task<Dictionary<string, string>> VersionsAsync(string ns)
    {
        var versions = new Dictionary<string, string>();
        foreach (var path in new[]
        {
            Core(ns, "configmaps"), Core(ns, "secrets"), Core(ns, "services"), Apps(ns, "deployments"),
            $"/apis/policy/v1beta1/namespaces/{ns}/poddisruptionbudgets", $"/apis/cert-manager.io/v1/namespaces/{ns}/certificates",
            MailSubmissions(ns),
        })
        {
            var list = await TryGetAsync(path);
            foreach (var item in (list?["items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                versions[path.Split('/').Last() + "/" + JsonPath.GetString(item, "metadata", "name")] = JsonPath.GetString(item, "metadata", "resourceVersion")!;
            }
        }
        return versions;
    }

    public void Dispose() => Api.Dispose();
}
