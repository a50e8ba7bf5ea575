using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mailsub.Operator.Tests;

/// <summary>
/// A CA made for one test and a serving certificate for 127.0.0.1 it signed, written as tls.crt and
/// tls.key into a folder of their own (deleted on dispose): what the API server is told to trust
/// (<see cref="CaBundle"/>) and what the webhook serves.
/// </summary>
internal sealed class WebhookCertificates : IDisposable
{
    public WebhookCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mailsub-webhook-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=mailsub test webhook CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CaPem = ca.ExportCertificatePem();

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serving = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(Directory, "tls.crt"), serving.ExportCertificatePem());
        File.WriteAllText(Path.Combine(Directory, "tls.key"), key.ExportPkcs8PrivateKeyPem());
    }

    public string Directory { get; }

    public string CaPem { get; }

    /// <summary>clientConfig.caBundle: the CA's PEM, base64.</summary>
    public string CaBundle => Convert.ToBase64String(Encoding.ASCII.GetBytes(CaPem));

    /// <summary>An HttpClient that trusts only this CA (for requests straight to the webhook).</summary>
    public HttpClient Client()
    {
        using var ca = X509Certificate2.CreateFromPem(CaPem);
        var trusted = X509CertificateLoader.LoadCertificate(ca.RawData);
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(trusted);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 c && chain.Build(c);
                },
            },
        })
        { Timeout = TimeSpan.FromSeconds(10) };
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
