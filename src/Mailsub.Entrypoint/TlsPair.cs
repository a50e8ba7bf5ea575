using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>Checks a cert-manager style TLS directory before Postfix is pointed at it: a key
/// that does not match its certificate makes smtpd run without TLS, and with
/// smtpd_tls_auth_only that means nobody can log in.</summary>
public static class TlsPair
{
    /// <summary>What is wrong with the directory, or null when it is usable.</summary>
    public static string? Problem(DirectorySnapshot tls)
    {
        if (tls.Text(TlsFiles.Certificate) is not { Length: > 0 } certificate)
            return "tls.crt is missing or empty";
        if (tls.Text(TlsFiles.Key) is not { Length: > 0 } key)
            return "tls.key is missing or empty";
        try
        {
            using var pair = X509Certificate2.CreateFromPem(certificate, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return $"tls.crt and tls.key are not a usable certificate and matching private key ({e.Message})";
        }

        if (tls.Text(TlsFiles.CaCertificate) is { Length: > 0 } ca)
        {
            var authorities = new X509Certificate2Collection();
            try
            {
                authorities.ImportFromPem(ca);
            }
            catch (CryptographicException e)
            {
                return $"ca.crt is not PEM certificates ({e.Message})";
            }
            finally
            {
                foreach (var authority in authorities)
                    authority.Dispose();
            }
            if (authorities.Count == 0)
                return "ca.crt holds no PEM certificate";
        }
        return null;
    }
}
