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

    private static string Data(JsonObject secret, string key) => Encoding.ASCII.GetString(Convert.FromBase64String(JsonPath.GetString(secret, "data", key)!));

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
