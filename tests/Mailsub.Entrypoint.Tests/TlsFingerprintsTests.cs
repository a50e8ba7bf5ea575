using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mailsub.Entrypoint.Tests;

/// <summary>The fingerprints relay_clientcerts lists, checked against openssl's own.</summary>
public class TlsFingerprintsTests
{
    [Fact]
    public void Are_the_certificate_and_public_key_SHA256_digests_as_openssl_prints_them()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=mail.example.test", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pem = certificate.ExportCertificatePem();

        var fingerprints = TlsFingerprints.Of(pem);

        // "sha256 Fingerprint=AB:CD:..." and "SHA2-256(stdin)= ab:cd:..."
        var certificateDigest = OpenSsl("openssl x509 -noout -fingerprint -sha256", pem).Split('=')[1].Trim();
        var keyDigest = OpenSsl("openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -c", pem).Split('=')[1].Trim().ToUpperInvariant();
        Assert.Equal([certificateDigest, keyDigest], fingerprints);
    }

    [Fact]
    public void No_certificate_has_no_fingerprint()
    {
        Assert.Empty(TlsFingerprints.Of(""));
        Assert.Empty(TlsFingerprints.Of("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"));
    }

    private static string OpenSsl(string pipeline, string input)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", pipeline])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(10000), "openssl did not finish");
        return output;
    }
}
