using System.Text.Json;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.CertManager;

namespace Mailsub.Core.Tests.Builders;

public class ServerCertificateTests
{
    [Fact]
    public void Issuer_gets_a_certificate_for_the_dns_names_into_the_tls_secret()
    {
        var certificate = ServerCertificate.Build(Samples.Valid("modern"))!;

        Assert.Equal(("cert-manager.io/v1", "Certificate", "modern-tls", "mail"), (certificate.ApiVersion, certificate.Kind, certificate.Metadata.Name, certificate.Metadata.NamespaceProperty));
        Assert.Equal("modern-tls", certificate.Spec.SecretName);
        Assert.Equal(["mail.example.com", "smtp.example.com"], certificate.Spec.DnsNames);
        Assert.Equal(("letsencrypt", "ClusterIssuer", "cert-manager.io"), (certificate.Spec.IssuerRef.Name, certificate.Spec.IssuerRef.Kind, certificate.Spec.IssuerRef.Group));
        Assert.Equal(("Always", "ECDSA", 256), (certificate.Spec.PrivateKey!.RotationPolicy, certificate.Spec.PrivateKey.Algorithm, certificate.Spec.PrivateKey.Size));
        Assert.Equal(["server auth", "digital signature"], certificate.Spec.Usages);
    }

    [Theory]
    [InlineData(TlsProfile.Intermediate, null, "ECDSA", 256, false)]
    [InlineData(TlsProfile.Modern, null, "ECDSA", 256, false)]
    [InlineData(TlsProfile.Intermediate, PrivateKeyAlgorithm.Rsa, "RSA", 2048, false)]
    [InlineData(TlsProfile.Legacy, null, "RSA", 2048, true)]
    [InlineData(TlsProfile.Legacy, PrivateKeyAlgorithm.Ecdsa, "ECDSA", 256, false)]
    public void The_key_is_the_profiles_unless_the_spec_names_one(TlsProfile profile, PrivateKeyAlgorithm? algorithm, string expected, int size, bool keyEncipherment)
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Tls = new TlsSpec
        {
            IssuerRef = new IssuerReference { Name = "ca" },
            Profile = profile,
            PrivateKeyAlgorithm = algorithm,
        }));

        var certificate = ServerCertificate.Build(valid)!;

        Assert.Equal((expected, size), (certificate.Spec.PrivateKey!.Algorithm, certificate.Spec.PrivateKey.Size));
        // Only static RSA key exchange encrypts with the certificate's key.
        Assert.Equal(keyEncipherment, certificate.Spec.Usages.Contains("key encipherment"));
    }

    [Fact]
    public void Dns_names_default_to_the_hostname_and_issuer_kind_to_issuer()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Tls = new TlsSpec { IssuerRef = new IssuerReference { Name = "ca", Group = "issuers.example.org" } }));

        var certificate = ServerCertificate.Build(valid)!;

        Assert.Equal(["mail.example.com"], certificate.Spec.DnsNames);
        Assert.Equal(("ca", "Issuer", "issuers.example.org"), (certificate.Spec.IssuerRef.Name, certificate.Spec.IssuerRef.Kind, certificate.Spec.IssuerRef.Group));
    }

    [Fact]
    public void An_existing_secret_needs_no_certificate()
    {
        Assert.Null(ServerCertificate.Build(Samples.Valid("seed")));
    }

    [Fact]
    public void Serializes_as_cert_manager_expects()
    {
        var json = JsonSerializer.Serialize(ServerCertificate.Build(Samples.Valid("modern"))!, CertManagerJsonContext.Default.Certificate);

        Assert.StartsWith("""{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{""", json);
        Assert.EndsWith(""","spec":{"secretName":"modern-tls","dnsNames":["mail.example.com","smtp.example.com"],"issuerRef":{"name":"letsencrypt","kind":"ClusterIssuer","group":"cert-manager.io"},"privateKey":{"rotationPolicy":"Always","algorithm":"ECDSA","size":256},"usages":["server auth","digital signature"]}}""", json);
    }
}
