using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mailsub.Entrypoint.Tests;

public class TlsPairTests
{
    private static (string Certificate, string Key) NewPair()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mail.example.test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static DirectorySnapshot Dir(params (string Name, string Content)[] files) =>
        new(files.ToDictionary(f => f.Name, f => Encoding.UTF8.GetBytes(f.Content)));

    [Fact]
    public void A_matching_pair_with_or_without_a_CA_is_usable()
    {
        var (certificate, key) = NewPair();

        Assert.Null(TlsPair.Problem(Dir(("tls.crt", certificate), ("tls.key", key))));
        Assert.Null(TlsPair.Problem(Dir(("tls.crt", certificate), ("tls.key", key), ("ca.crt", certificate))));
        Assert.Null(TlsPair.Problem(Dir(("tls.crt", certificate), ("tls.key", key), ("ca.crt", ""))));
    }

    [Fact]
    public void A_key_from_another_pair_is_a_problem()
    {
        var (certificate, _) = NewPair();
        var (_, otherKey) = NewPair();

        Assert.Contains("matching private key", TlsPair.Problem(Dir(("tls.crt", certificate), ("tls.key", otherKey))));
    }

    [Fact]
    public void Missing_files_and_a_CA_without_certificates_are_problems()
    {
        var (certificate, key) = NewPair();

        Assert.Contains("tls.crt", TlsPair.Problem(Dir(("tls.key", key))));
        Assert.Contains("tls.key", TlsPair.Problem(Dir(("tls.crt", certificate))));
        Assert.Contains("ca.crt", TlsPair.Problem(Dir(("tls.crt", certificate), ("tls.key", key), ("ca.crt", "junk"))));
    }
}
