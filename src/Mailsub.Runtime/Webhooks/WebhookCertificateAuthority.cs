using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mailsub.Runtime.Webhooks;

/// <summary>The PEM files of a webhook's own CA and the serving certificate it signed.</summary>
public sealed record WebhookCertificatePems(string CaCertificate, string CaKey, string Certificate, string Key);

/// <summary>
/// A CA of the operator's own and the webhook's serving certificate, for clusters without
/// cert-manager (ECDSA P-256, as Go's API server client accepts). The CA lives 10 years and stays
/// with its key in the Secret, so a renewed serving certificate needs no new caBundle; the serving
/// certificate lives <see cref="ServingLifetime"/> and is renewed once a third of it is left.
/// </summary>
public static class WebhookCertificateAuthority
{
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    public static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(90);

    /// <summary>A new CA and a serving certificate for <paramref name="dnsNames"/> and <paramref name="addresses"/>.</summary>
    public static WebhookCertificatePems Create(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mailsub webhook CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime);
        return Sign(ca.ExportCertificatePem(), caKey.ExportPkcs8PrivateKeyPem(), dnsNames, addresses, now);
    }

    /// <summary>A new serving certificate from the CA given (a renewal: the caBundle stays valid).</summary>
    public static WebhookCertificatePems Sign(string caPem, string caKeyPem, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, DateTimeOffset now)
    {
        using var ca = X509Certificate2.CreateFromPem(caPem, caKeyPem);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(dnsNames.Count > 0 ? dnsNames[0] : addresses[0].ToString())}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var notAfter = now + ServingLifetime < ca.NotAfter ? now + ServingLifetime : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var serving = request.Create(ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return new WebhookCertificatePems(caPem, caKeyPem, serving.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Whether a serving certificate should be replaced: unreadable, a third of its life or less left, or not for these names.</summary>
    public static bool NeedsRenewal(string certificatePem, IReadOnlyList<string> dnsNames, DateTimeOffset now)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            var life = certificate.NotAfter.ToUniversalTime() - certificate.NotBefore.ToUniversalTime();
            if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime() - life / 3)
            {
                return true;
            }
            return dnsNames.Any(n => !certificate.MatchesHostname(n, allowWildcards: false, allowCommonName: false));
        }
        catch (CryptographicException)
        {
            return true;
        }
    }
}
