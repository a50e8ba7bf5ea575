using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mailsub.Entrypoint;

/// <summary>The SHA-256 fingerprints Postfix compares with relay_clientcerts, in its notation (AB:CD:...).</summary>
public static class TlsFingerprints
{
    /// <summary>
    /// The leaf certificate's fingerprint and its public key's (Postfix's pkey fingerprint, over
    /// the DER SubjectPublicKeyInfo); empty when the PEM holds no certificate.
    /// </summary>
    public static IReadOnlyList<string> Of(string certificatePem)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            return [Format(SHA256.HashData(certificate.RawData)), Format(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()))];
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return [];
        }
    }

    private static string Format(byte[] digest) => BitConverter.ToString(digest).Replace('-', ':');
}
