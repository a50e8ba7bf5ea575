using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mailsub.Runtime.Webhooks;

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
        // The operator's own CA code (the self-managed path) makes it: one way to make a webhook certificate.
        var pems = WebhookCertificateAuthority.Create([], [IPAddress.Loopback], DateTimeOffset.UtcNow);
        CaPem = pems.CaCertificate;
        File.WriteAllText(Path.Combine(Directory, "tls.crt"), pems.Certificate);
        File.WriteAllText(Path.Combine(Directory, "tls.key"), pems.Key);
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
