using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;
using Microsoft.Extensions.Logging;

namespace Mailsub.Runtime.Webhooks;

/// <summary>Where the self-managed webhook certificate lives and whom it serves.</summary>
public sealed record WebhookCertificateOptions
{
    /// <summary>Namespace of the Secret and the Service.</summary>
    public required string Namespace { get; init; }
    public required string SecretName { get; init; }
    /// <summary>The Service in front of the webhook: the certificate is for service.namespace.svc.</summary>
    public required string ServiceName { get; init; }
    /// <summary>The ValidatingWebhookConfiguration whose caBundle the leader keeps current; null: none.</summary>
    public string? ConfigurationName { get; init; }
    /// <summary>Where tls.crt and tls.key are written for <see cref="ServingCertificate"/>.</summary>
    public required string CertDir { get; init; }
    /// <summary>Extra IP SANs (tests: 127.0.0.1, for a clientConfig.url on loopback).</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];
    /// <summary>How often the Secret is read again (a renewal by another replica reaches every one within this).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The webhook's own CA and serving certificate without cert-manager, as controller-runtime's
/// cert-rotator does: every replica creates the Secret or reads it (create, and on 409 read, so
/// replicas agree on one CA), renews the serving certificate and rotates the CA by
/// <see cref="WebhookCertificatePlan"/> (an update with the resourceVersion read, so one replica
/// wins), writes the pair it read into <see cref="WebhookCertificateOptions.CertDir"/>, and the
/// leader keeps the caBundle of the ValidatingWebhookConfiguration equal to the Secret's bundle.
/// </summary>
public sealed class WebhookCertificateRotator(ApiConnection api, WebhookCertificateOptions options, ILogger logger, TimeProvider? clock = null)
{
    /// <summary>The bundle: every CA the API server is to trust (two during a CA rotation).</summary>
    private const string CaFile = "ca.crt";
    /// <summary>The key of the CA that signs the serving certificate.</summary>
    private const string CaKeyFile = "ca.key";
    /// <summary>During a CA rotation: the key of the CA in the bundle that will sign next.</summary>
    private const string NextCaKeyFile = "next-ca.key";
    private const string NextCaAddedAnnotation = "mailsub.dev/next-ca-added-at";
    private const string CaPromotedAnnotation = "mailsub.dev/ca-signing-since";
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private string? _written;
    private string? _patchedCa;

    /// <summary>The certificate's DNS names: the Service's, short and full.</summary>
    public IReadOnlyList<string> DnsNames =>
        [$"{options.ServiceName}.{options.Namespace}.svc", $"{options.ServiceName}.{options.Namespace}.svc.cluster.local"];

    /// <summary>Renewals this process wrote.</summary>
    public long Renewals;

    /// <summary>
    /// How long a change of the bundle is given to reach everyone before the next phase of a CA
    /// rotation builds on it: two intervals, as every replica reads the Secret once an interval (the
    /// leader then patches the caBundle, and a replica's files are served within
    /// <see cref="ServingCertificate.RecheckInterval"/>, less than an interval).
    /// </summary>
    public TimeSpan Settle => 2 * options.Interval;

    /// <summary>Makes sure the Secret holds a current state (<see cref="WebhookCertificatePlan"/>) and the files hold the Secret's pair; returns the CA bundle's PEM.</summary>
    public async Task<string> EnsureAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var secret = await GetAsync(ct).ConfigureAwait(false);
            try
            {
                if (WebhookCertificatePlan.Next(secret is null ? null : State(secret), DnsNames, options.Addresses, _clock.GetUtcNow(), Settle) is var (state, changes, renewed))
                {
                    secret = await WriteAsync(secret is null ? HttpMethod.Post : HttpMethod.Put,
                        Body(state, secret is null ? null : JsonPath.GetString(secret, "metadata", "resourceVersion")), ct).ConfigureAwait(false);
                    if (renewed)
                    {
                        Interlocked.Increment(ref Renewals);
                    }
                    logger.LogInformation("webhook certificate secret={Namespace}/{Name} changes={Changes}", options.Namespace, options.SecretName, string.Join("; ", changes));
                }
            }
            catch (KubeApiException ex) when (ex.StatusCode == 409 && attempt < 3)
            {
                continue; // another replica created or renewed it first: use theirs
            }
            WriteFiles(secret!);
            return Data(secret!, CaFile)!;
        }
    }

    /// <summary>Sets every webhook's clientConfig.caBundle of the configuration to the CA (leader only; no write when it already is).</summary>
    public async Task PatchCaBundleAsync(string caPem, CancellationToken ct)
    {
        if (options.ConfigurationName is not { } name || caPem == _patchedCa)
        {
            return;
        }
        var path = WellKnownResources.ValidatingWebhookConfigurations.ObjectPath(null, name);
        using var get = new HttpRequestMessage(HttpMethod.Get, api.Resolve(path));
        using var response = await api.SendCheckedAsync(get, streaming: false, ct).ConfigureAwait(false);
        var configuration = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))!.AsObject();
        var bundle = Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem));
        var changed = false;
        foreach (var webhook in (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var client = webhook["clientConfig"] as JsonObject ?? [];
            webhook["clientConfig"] = client;
            if (JsonPath.GetString(client, "caBundle") != bundle)
            {
                client["caBundle"] = bundle;
                changed = true;
            }
        }
        if (changed)
        {
            configuration.Remove("status");
            (configuration["metadata"] as JsonObject)?.Remove("managedFields");
            using var put = new HttpRequestMessage(HttpMethod.Put, api.Resolve(path)) { Content = Json(configuration) };
            using var _ = await api.SendCheckedAsync(put, streaming: false, ct).ConfigureAwait(false);
            logger.LogInformation("webhook caBundle set configuration={Name}", name);
        }
        _patchedCa = caPem;
    }

    /// <summary>
    /// Until cancelled: <see cref="EnsureAsync"/> every interval; the caBundle looked at every
    /// interval too (a `helm upgrade` may have emptied it) and as soon as this replica leads.
    /// </summary>
    public async Task RunAsync(Func<bool> leading, CancellationToken ct)
    {
        string? ca = null;
        var next = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_clock.GetUtcNow() >= next)
                {
                    ca = await EnsureAsync(ct).ConfigureAwait(false);
                    next = _clock.GetUtcNow() + options.Interval;
                    _patchedCa = null;
                }
                if (ca is not null && leading())
                {
                    await PatchCaBundleAsync(ca, ct).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is KubeApiException or HttpRequestException or IOException or TimeoutException)
            {
                next = _clock.GetUtcNow() + LeaderCheck;
                logger.LogWarning("webhook certificate not checked, retrying error={Error}", ex.Message);
            }
            try
            {
                await Task.Delay(LeaderCheck, _clock, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>How soon a replica that starts leading sets the caBundle.</summary>
    private static readonly TimeSpan LeaderCheck = TimeSpan.FromSeconds(2);

    private async Task<JsonObject?> GetAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, api.Resolve(WellKnownResources.Secrets.ObjectPath(options.Namespace, options.SecretName)));
        try
        {
            using var response = await api.SendCheckedAsync(request, streaming: false, ct).ConfigureAwait(false);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)) as JsonObject;
        }
        catch (KubeNotFoundException)
        {
            return null;
        }
    }

    private async Task<JsonObject> WriteAsync(HttpMethod method, JsonObject body, CancellationToken ct)
    {
        var path = method == HttpMethod.Post
            ? WellKnownResources.Secrets.CollectionPath(options.Namespace)
            : WellKnownResources.Secrets.ObjectPath(options.Namespace, options.SecretName);
        using var request = new HttpRequestMessage(method, api.Resolve(path)) { Content = Json(body) };
        using var response = await api.SendCheckedAsync(request, streaming: false, ct).ConfigureAwait(false);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>The Secret's state; a missing piece reads as empty, which the plan takes as broken (and starts over).</summary>
    private static WebhookCertificateState State(JsonObject secret) =>
        new(Data(secret, CaFile) ?? "", Data(secret, CaKeyFile) ?? "", Data(secret, ServingCertificate.CertificateFile) ?? "", Data(secret, ServingCertificate.KeyFile) ?? "")
        {
            NextCaKey = Data(secret, NextCaKeyFile),
            NextCaAddedAt = Time(secret, NextCaAddedAnnotation),
            CaPromotedAt = Time(secret, CaPromotedAnnotation),
        };

    private JsonObject Body(WebhookCertificateState state, string? resourceVersion)
    {
        var annotations = new JsonObject();
        foreach (var (name, time) in new[] { (NextCaAddedAnnotation, state.NextCaAddedAt), (CaPromotedAnnotation, state.CaPromotedAt) })
        {
            if (time is { } t)
            {
                annotations[name] = t.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        var metadata = new JsonObject
        {
            ["name"] = options.SecretName,
            ["namespace"] = options.Namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/component"] = "webhook-certificate" },
            ["annotations"] = annotations,
        };
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion; // the precondition: one replica's renewal wins
        }
        var data = new JsonObject
        {
            [ServingCertificate.CertificateFile] = Base64(state.Certificate),
            [ServingCertificate.KeyFile] = Base64(state.Key),
            [CaFile] = Base64(state.CaBundle),
            [CaKeyFile] = Base64(state.CaKey),
        };
        if (state.NextCaKey is { } next)
        {
            data[NextCaKeyFile] = Base64(next);
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = metadata,
            ["type"] = "kubernetes.io/tls",
            ["data"] = data,
        };
    }

    private static DateTimeOffset? Time(JsonObject secret, string annotation) =>
        JsonPath.GetString(secret, "metadata", "annotations", annotation) is { } text
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time : null;

    /// <summary>The Secret's serving pair into the folder, each file replaced in one rename; nothing when unchanged.</summary>
    private void WriteFiles(JsonObject secret)
    {
        var crt = Data(secret, ServingCertificate.CertificateFile)!;
        var key = Data(secret, ServingCertificate.KeyFile)!;
        if (crt + key == _written)
        {
            return;
        }
        Directory.CreateDirectory(options.CertDir);
        // The key first: ServingCertificate reads the pair when either file's time changes.
        foreach (var (file, text) in new[] { (ServingCertificate.KeyFile, key), (ServingCertificate.CertificateFile, crt) })
        {
            var target = Path.Combine(options.CertDir, file);
            var temporary = target + ".new";
            File.WriteAllText(temporary, text);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            File.Move(temporary, target, overwrite: true);
        }
        _written = crt + key;
    }

    private static string? Data(JsonObject secret, string key) =>
        JsonPath.GetString(secret, "data", key) is { } b64 ? Encoding.ASCII.GetString(Convert.FromBase64String(b64)) : null;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
