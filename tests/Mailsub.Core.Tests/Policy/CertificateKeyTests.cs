using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mailsub.Core.Api;
using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class CertificateKeyTests
{
    [Theory]
    [InlineData("RSA 1024", "an RSA 1024-bit key")]
    [InlineData("RSA 2048", "an RSA 2048-bit key")]
    [InlineData("ECDSA P-256", "an ECDSA P-256 key")]
    [InlineData("ECDSA P-384", "an ECDSA P-384 key")]
    [InlineData("ECDSA P-521", "an ECDSA P-521 key")]
    public void The_key_of_a_PEM_certificate_is_its_algorithm_size_and_curve(string key, string described)
    {
        Assert.Equal(described, CertificateKey.FromPem(Pem(key))!.Describe());
    }

    [Fact]
    public void The_first_certificate_is_the_servers_own_the_chain_follows()
    {
        var key = CertificateKey.FromPem(Pem("ECDSA P-256") + Pem("RSA 2048"))!;

        Assert.Equal((PrivateKeyAlgorithm.Ecdsa, 256, "P-256"), (key.Algorithm, key.Bits, key.Curve));
    }

    [Theory]
    [InlineData("")]
    [InlineData("c")]
    [InlineData("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")]
    public void What_holds_no_certificate_has_no_key(string pem)
    {
        Assert.Null(CertificateKey.FromPem(pem));
    }

    internal static string Pem(string key)
    {
        var subject = new X500DistinguishedName("CN=mail.example.com");
        var request = key switch
        {
            "RSA 1024" => new CertificateRequest(subject, RSA.Create(1024), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RSA 2048" => new CertificateRequest(subject, RSA.Create(2048), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "ECDSA P-256" => new CertificateRequest(subject, ECDsa.Create(ECCurve.NamedCurves.nistP256), HashAlgorithmName.SHA256),
            "ECDSA P-384" => new CertificateRequest(subject, ECDsa.Create(ECCurve.NamedCurves.nistP384), HashAlgorithmName.SHA384),
            "ECDSA P-521" => new CertificateRequest(subject, ECDsa.Create(ECCurve.NamedCurves.nistP521), HashAlgorithmName.SHA512),
            _ => throw new ArgumentException(key, nameof(key)),
        };
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem() + "\n";
    }
}
