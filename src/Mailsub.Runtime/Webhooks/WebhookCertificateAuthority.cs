using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mailsub.Runtime.Webhooks;

/// <summary>The PEM files of a webhook's own CA and the serving certificate it signed.</summary>
public sealed record WebhookCertificatePems(string CaCertificate, string CaKey, string Certificate, string Key);

/// <summary>
/// A CA of the operator's own and the webhook's serving certificate, for clusters without
/// cert-manager (ECDSA P-256, as Go's API server client accepts). Both are renewed once a third
/// of their life is left; the CA in two phases (<see cref="WebhookCertificatePlan"/>), so no
/// replica ever serves a certificate the API server does not trust yet.
/// </summary>
public static class WebhookCertificateAuthority
{
    /// <summary>
    /// One year: a leaked CA key stops mattering within a year, and a rotation every eight months
    /// runs often enough to be known to work. Renewed with a third (about four months) left, longer
    /// than <see cref="ServingLifetime"/>, so a serving certificate is never cut short by its CA.
    /// </summary>
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(365);

    /// <summary>90 days, as cert-manager's and Let's Encrypt's default; renewed with 30 days left.</summary>
    public static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(90);

    /// <summary>A new CA and a serving certificate for <paramref name="dnsNames"/> and <paramref name="addresses"/>.</summary>
    public static WebhookCertificatePems Create(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, DateTimeOffset now)
    {
        var (caPem, caKeyPem) = NewCa(now);
        var (certificate, key) = Sign(caPem, caKeyPem, dnsNames, addresses, now);
        return new WebhookCertificatePems(caPem, caKeyPem, certificate, key);
    }

    /// <summary>A CA certificate and its key, valid from <paramref name="now"/> for <see cref="CaLifetime"/>.</summary>
    public static (string Certificate, string Key) NewCa(DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // The time in the name tells the CAs of one bundle apart (the same subject twice confuses people, not clients).
        var request = new CertificateRequest($"CN=mailsub webhook CA {now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime);
        return (ca.ExportCertificatePem(), caKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A new serving certificate (PEM and key) signed by the CA given; it ends no later than the CA.</summary>
    public static (string Certificate, string Key) Sign(string caPem, string caKeyPem, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, DateTimeOffset now)
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
        return (serving.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Whether a serving certificate should be replaced: unreadable, a third of its life or less left, or not for these names.</summary>
    public static bool NeedsRenewal(string certificatePem, IReadOnlyList<string> dnsNames, DateTimeOffset now)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            if (NearEnd(certificate, now))
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

    /// <summary>A third of the certificate's life or less left (or none).</summary>
    public static bool NearEnd(X509Certificate2 certificate, DateTimeOffset now)
    {
        var life = certificate.NotAfter.ToUniversalTime() - certificate.NotBefore.ToUniversalTime();
        return now.UtcDateTime > certificate.NotAfter.ToUniversalTime() - life / 3;
    }
}
