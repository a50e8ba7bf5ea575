using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mailsub.Core.Api;

namespace Mailsub.Core.Policy;

/// <summary>
/// The public key of a server certificate, as the policy judges it: algorithm, size and curve.
/// Public facts of tls.crt only, so a finding may name them; tls.key is never read.
/// </summary>
public sealed class CertificateKey(PrivateKeyAlgorithm? algorithm, int bits, string? curve, string? otherAlgorithm = null)
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    /// <summary>ECDSA or RSA; null for any other key (DSA, Ed25519), which the profiles do not name.</summary>
    public PrivateKeyAlgorithm? Algorithm { get; } = algorithm;

    public int Bits { get; } = bits;

    /// <summary>An ECDSA key's curve: P-256, P-384, P-521, or the curve's OID for others.</summary>
    public string? Curve { get; } = curve;

    /// <summary>The algorithm of a key that is neither RSA nor ECDSA (Ed25519, DSA), as its OID names it.</summary>
    public string? OtherAlgorithm { get; } = otherAlgorithm;

    /// <summary>The key in words, for a finding: "an RSA 1024-bit key", "an ECDSA P-256 key".</summary>
    public string Describe() => Algorithm switch
    {
        PrivateKeyAlgorithm.Rsa => $"an RSA {Bits}-bit key",
        PrivateKeyAlgorithm.Ecdsa => $"an ECDSA {Curve} key",
        _ => $"a key of type {OtherAlgorithm ?? "unknown"}",
    };

    /// <summary>
    /// The key of the first certificate in <paramref name="pem"/> (tls.crt holds the server's own
    /// certificate first, then its chain), or null when none parses.
    /// </summary>
    public static CertificateKey? FromPem(string pem)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            switch (certificate.PublicKey.Oid.Value)
            {
                case RsaOid:
                    using (var rsa = certificate.GetRSAPublicKey())
                        return rsa is null ? null : new CertificateKey(PrivateKeyAlgorithm.Rsa, rsa.KeySize, null);
                case EcOid:
                    using (var ec = certificate.GetECDsaPublicKey())
                        return ec is null ? null : new CertificateKey(PrivateKeyAlgorithm.Ecdsa, ec.KeySize, CurveName(ec.ExportParameters(false).Curve));
                default:
                    return new CertificateKey(null, 0, null, certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value);
            }
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string? CurveName(ECCurve curve) => curve.Oid?.Value switch
    {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        var other => curve.Oid?.FriendlyName ?? other,
    };
}

/// <summary>The certificate of an existing spec.tls.secretName Secret, as the operator read it.</summary>
public sealed record ExistingCertificate(string SecretName, CertificateKey Key);
