using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mailsub.Testing.Postfix;

/// <summary>A certificate and key in cert-manager's Secret layout.</summary>
public sealed record TlsMaterial(string CertificatePem, string PrivateKeyPem, string? CaPem = null)
{
    /// <summary>A fresh self-signed P-256 certificate (RSA-2048 with <paramref name="rsa"/>) for
    /// <paramref name="dnsName"/>, made by openssl as an administrator would.</summary>
    public static TlsMaterial SelfSigned(string dnsName, bool rsa = false)
    {
        var dir = Directory.CreateTempSubdirectory("mailsub-tls-").FullName;
        try
        {
            var start = new ProcessStartInfo(Prerequisites.Find("openssl"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "req", "-x509", "-newkey", rsa ? "rsa:2048" : "ec", "-pkeyopt", rsa ? "rsa_keygen_bits:2048" : "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", Path.Combine(dir, "tls.key"), "-out", Path.Combine(dir, "tls.crt"),
                "-days", "2", "-subj", $"/CN={dnsName}", "-addext", $"subjectAltName=DNS:{dnsName}",
            })
            {
                start.ArgumentList.Add(argument);
            }
            using var openssl = Process.Start(start)!;
            var errors = openssl.StandardError.ReadToEnd();
            openssl.WaitForExit();
            if (openssl.ExitCode != 0)
                throw new InvalidOperationException($"openssl req failed: {errors}");
            return new TlsMaterial(
                File.ReadAllText(Path.Combine(dir, "tls.crt")),
                File.ReadAllText(Path.Combine(dir, "tls.key")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>SHA-256 of the certificate, as X509Certificate.GetCertHashString gives it.</summary>
    public string Thumbprint
    {
        get
        {
            using var certificate = X509Certificate2.CreateFromPem(CertificatePem);
            return certificate.GetCertHashString(HashAlgorithmName.SHA256);
        }
    }

    /// <summary>The Secret's keys.</summary>
    public IReadOnlyDictionary<string, byte[]> Files
    {
        get
        {
            var files = new Dictionary<string, byte[]>
            {
                ["tls.crt"] = Encoding.UTF8.GetBytes(CertificatePem),
                ["tls.key"] = Encoding.UTF8.GetBytes(PrivateKeyPem),
            };
            if (CaPem is not null)
                files["ca.crt"] = Encoding.UTF8.GetBytes(CaPem);
            return files;
        }
    }
}
