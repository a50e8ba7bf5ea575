using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Runtime.Webhooks;
using Mailsub.Testing.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mailsub.Operator.Tests;

/// <summary>
/// Without cert-manager, on the real kube-apiserver 1.20: the operator makes its CA and serving
/// certificate in a Secret, a second replica reads the same one, the leader sets the caBundle of
/// the ValidatingWebhookConfiguration (and the API server then trusts the webhook), and a
/// certificate near its end is renewed by the same CA, so the caBundle stays valid.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class SelfManagedWebhookCertificateTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Replicas_share_one_CA_the_leader_sets_the_caBundle_and_renewal_keeps_it()
    {
        await using var setup = await WebhookSetup.StartAsync(cp, selfManaged: true);
        var secretPath = $"/api/v1/namespaces/{setup.Namespace}/secrets/{WebhookSetup.CertificateSecret}";
        var secret = await setup.Cluster.TryGetAsync(secretPath);
        Assert.Equal("kubernetes.io/tls", JsonPath.GetString(secret, "type"));
        var ca = Data(secret!, "ca.crt");
        Assert.Equal(Convert.ToBase64String(Encoding.ASCII.GetBytes(ca)),
            JsonPath.GetString((await setup.ConfigurationAsync())!["webhooks"]![0], "clientConfig", "caBundle"));

        // The API server verified the webhook with that CA: the bad object is refused (WebhookSetup waited for it).
        var refused = await ApiRequest.PostAsync(setup.Cluster, Cluster.MailSubmissions(setup.Namespace), Submissions.HostBitsInCidr("bad"));
        Assert.Equal(422, refused.Status);
        Assert.Contains("spec.trustedNetworks[1]", JsonPath.GetString(refused.Body, "message"), StringComparison.Ordinal);

        // A second replica (not creating a second CA) serves the very certificate the Secret holds.
        var port = LoopbackPort.Free();
        var options = setup.SelfManagedOptions(port);
        await using (var replica = await InProcessOperator.StartAsync(setup.Cluster.Config, setup.Namespace, options))
        {
            Assert.Equal(Data(secret!, "tls.crt"), await File.ReadAllTextAsync(Path.Combine(options.WebhookCertDir, "tls.crt")));
            Assert.Equal(JsonPath.GetString(secret, "metadata", "resourceVersion"),
                JsonPath.GetString(await setup.Cluster.TryGetAsync(secretPath), "metadata", "resourceVersion"));
        }

        // 61 days on, with 90-day certificates: renewed, by the same CA.
        var later = new ShiftedClock(TimeSpan.FromDays(61));
        var rotator = new WebhookCertificateRotator(setup.Cluster.Api, new WebhookCertificateOptions
        {
            Namespace = setup.Namespace,
            SecretName = WebhookSetup.CertificateSecret,
            ServiceName = options.WebhookServiceName,
            CertDir = Path.Combine(setup.Certificates.Directory, "rotated"),
            Addresses = [System.Net.IPAddress.Loopback],
        }, NullLogger.Instance, later);
        Assert.Equal(ca, await rotator.EnsureAsync(CancellationToken.None));
        Assert.Equal(1, rotator.Renewals);
        var renewed = await setup.Cluster.TryGetAsync(secretPath);
        Assert.NotEqual(Data(secret!, "tls.crt"), Data(renewed!, "tls.crt"));
        using var certificate = X509Certificate2.CreateFromPem(Data(renewed!, "tls.crt"));
        using var caCertificate = X509Certificate2.CreateFromPem(ca);
        Assert.Equal(caCertificate.Subject, certificate.Issuer);
        Assert.True(certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(140), $"renewed until {certificate.NotAfter:O}");
        Assert.True(certificate.MatchesHostname($"{options.WebhookServiceName}.{setup.Namespace}.svc"));
        Assert.Equal(Data(renewed!, "tls.crt"), await File.ReadAllTextAsync(Path.Combine(setup.Certificates.Directory, "rotated", "tls.crt")));

        // Read again at the same time: nothing more to renew.
        Assert.Equal(ca, await rotator.EnsureAsync(CancellationToken.None));
        Assert.Equal(1, rotator.Renewals);
    }

    /// <summary>
    /// A CA's life in a few steps of a moved clock (the operator's rotator runs on it, the API
    /// server and the HTTPS server on real time): serving renewals every ~60 days, then the CA
    /// rotation's three phases. After every step, and at every poll while replicas and the
    /// caBundle catch up, a client that trusts exactly the caBundle the API server holds completes
    /// the TLS handshake with the operator's HttpsServer and gets an answer.
    /// </summary>
    [Fact]
    public async Task A_CA_rotation_never_leaves_the_webhook_untrusted_by_the_caBundle()
    {
        var clock = new MovableClock();
        await using var setup = await WebhookSetup.StartAsync(cp, selfManaged: true, certificateClock: clock);
        var secretPath = $"/api/v1/namespaces/{setup.Namespace}/secrets/{WebhookSetup.CertificateSecret}";
        var rotator = setup.Operator.Operator.Certificates!;
        var endpoint = setup.Operator.Operator.WebhookEndpoint!;
        var calls = 0;

        // One call as the API server makes it: trust the caBundle it holds, at the rotator's time. Returns the certificate served.
        async Task<string> CallAsync(string step)
        {
            var bundle = Encoding.ASCII.GetString(Convert.FromBase64String(
                JsonPath.GetString((await setup.ConfigurationAsync())!["webhooks"]![0], "clientConfig", "caBundle")!));
            var trusted = WebhookCertificatePlan.Parse(bundle)!;
            string? served = null, failure = null;
            using var client = new HttpClient(new SocketsHttpHandler
            {
                SslOptions =
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    {
                        using var c = new X509Certificate2(certificate!);
                        served = c.ExportCertificatePem();
                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        chain.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
                        var ok = chain.Build(c) && (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                        failure = ok ? null : $"{string.Join(",", chain.ChainStatus.Select(s => s.Status))} {errors}; issuer {c.Issuer}, bundle {string.Join(" + ", trusted.Select(t => t.Subject))}";
                        return ok;
                    },
                },
            })
            { Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                using var answer = await client.PostAsync($"https://{endpoint}{SubmissionAdmission.Path}", new StringContent("{}"));
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, answer.StatusCode); // not an AdmissionReview, but answered over the trusted TLS
            }
            catch (HttpRequestException ex)
            {
                Assert.Fail($"{step}: the webhook is not trusted by the caBundle: {failure ?? ex.Message}");
            }
            calls++;
            return served!;
        }

        async Task StepAsync(string step, TimeSpan to, Func<JsonObject, JsonObject, bool> done)
        {
            var before = (await setup.Cluster.TryGetAsync(secretPath))!;
            clock.Offset = to;
            var after = before;
            await Eventually.TrueAsync(async () =>
            {
                await CallAsync(step + ", until the Secret changed");
                return done(before, after = (await setup.Cluster.TryGetAsync(secretPath))!);
            }, TimeSpan.FromSeconds(30), () => $"{step}: the Secret as expected; operator: {setup.Operator.Log}");
            // Until the leader patched the caBundle and the server picked up the new files, calls go on.
            await Eventually.TrueAsync(async () =>
            {
                var served = await CallAsync(step + ", while it spreads");
                var bundle = JsonPath.GetString((await setup.ConfigurationAsync())!["webhooks"]![0], "clientConfig", "caBundle");
                return served == Data(after, "tls.crt") && bundle == JsonPath.GetString(after, "data", "ca.crt");
            }, TimeSpan.FromSeconds(30), () => $"{step}: served and trusted; operator: {setup.Operator.Log}");
        }

        static int Cas(JsonObject secret) => WebhookCertificatePlan.Parse(Data(secret, "ca.crt"))!.Count;
        static bool Renewed(JsonObject before, JsonObject after) => Data(before, "tls.crt") != Data(after, "tls.crt");
        static bool HasNext(JsonObject secret) => JsonPath.GetString(secret, "data", "next-ca.key") is not null;

        var firstCa = Data((await setup.Cluster.TryGetAsync(secretPath))!, "ca.crt");
        await CallAsync("start");
        foreach (var day in new[] { 61, 122, 184 })
        {
            await StepAsync($"day {day}: serving renewal", TimeSpan.FromDays(day), (b, a) => Renewed(b, a) && Cas(a) == 1);
        }
        var due = TimeSpan.FromDays(243.5); // a third of the one-year CA left (and not yet of the serving certificate of day 184)
        await StepAsync("phase 1: a new CA joins the bundle", due, (b, a) => Cas(a) == 2 && HasNext(a) && !Renewed(b, a));
        var settle = rotator.Settle + TimeSpan.FromSeconds(10);
        await StepAsync("phase 2: the new CA signs", due + settle, (b, a) => Cas(a) == 2 && !HasNext(a) && Renewed(b, a));
        await StepAsync("phase 3: the old CA leaves", due + 2 * settle, (b, a) => Cas(a) == 1 && !Renewed(b, a));
        var lastCa = Data((await setup.Cluster.TryGetAsync(secretPath))!, "ca.crt");
        Assert.NotEqual(firstCa, lastCa);
        using (var ca = X509Certificate2.CreateFromPem(lastCa))
        {
            Assert.True(ca.NotAfter.ToUniversalTime() > DateTime.UtcNow + due + TimeSpan.FromDays(300), $"the new CA ends {ca.NotAfter:O}");
        }
        Assert.True(calls >= 14, $"only {calls} calls");
    }

    /// <summary>The system's time moved by <see cref="Offset"/>; timers run in real time.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }

    private static string Data(JsonObject secret, string key) => Encoding.ASCII.GetString(Convert.FromBase64String(JsonPath.GetString(secret, "data", key)!));

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
