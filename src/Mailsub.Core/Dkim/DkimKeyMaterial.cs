using System.Security.Cryptography;

namespace Mailsub.Core.Dkim;

/// <summary>
/// DKIM keys as the Secrets hold them: PEM private keys, RSA only. OpenDKIM 2.11 (Debian 12) also
/// signs with ed25519-sha256 (`opendkim -V`), but .NET's cryptography has no Ed25519, so the
/// operator could neither generate such a key nor derive the public key its record needs.
/// </summary>
public static class DkimKeyMaterial
{
    public const int GeneratedBits = 2048;

    // RFC 8301: verifiers must accept 1024 to 4096 bits and may refuse smaller keys.
    private const int MinimumBits = 1024;
    private const int MaximumBits = 4096;

    /// <summary>A fresh RSA 2048 private key, PKCS#8 PEM (which OpenDKIM reads through OpenSSL).</summary>
    public static string Generate()
    {
        using var rsa = RSA.Create(GeneratedBits);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>The TXT record's text for a PEM private key, or a problem that names no part of the key.</summary>
    public static string? RecordValue(string privateKeyPem, out string? problem)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(privateKeyPem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            // The exception's message may quote the input; say only what kind of input it was not.
            problem = "is not a PEM RSA private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)";
            return null;
        }
        if (rsa.KeySize is < MinimumBits or > MaximumBits)
        {
            problem = $"is an RSA key of {rsa.KeySize} bits; DKIM verifiers accept {MinimumBits} to {MaximumBits} (RFC 8301)";
            return null;
        }
        problem = null;
        // p= is the SubjectPublicKeyInfo in base64 (RFC 6376 3.6.1), as opendkim-genkey writes it.
        return $"v=DKIM1; k=rsa; p={Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())}";
    }
}
