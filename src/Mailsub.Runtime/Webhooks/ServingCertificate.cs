using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mailsub.Runtime.Webhooks;

/// <summary>
/// The webhook's serving certificate from tls.crt and tls.key in a folder (a mounted Secret, as
/// cert-manager or the operator itself writes it). Read again when either file changes, looked at
/// no more than every <see cref="RecheckInterval"/>, so a rotated certificate is served without a
/// restart and a handshake costs no file reads.
/// </summary>
public sealed class ServingCertificate(string directory)
{
    public const string CertificateFile = "tls.crt";
    public const string KeyFile = "tls.key";
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private SslStreamCertificateContext? _context;
    private (DateTime Crt, DateTime Key) _stamps;
    private long _checkedAt = long.MinValue;
    private long _loads;
    private string? _thumbprint;

    /// <summary>The notAfter of the certificate served now; null before the first pair was read.</summary>
    public DateTimeOffset? NotAfter { get; private set; }

    /// <summary>Pairs read after the first: renewals (cert-manager's or the operator's) this process has served.</summary>
    public long Renewals => Math.Max(0, Interlocked.Read(ref _loads) - 1);

    /// <summary>The certificate to present now; throws when the files are missing or do not hold a pair.</summary>
    public SslStreamCertificateContext Current()
    {
        var now = Environment.TickCount64;
        lock (_gate)
        {
            if (_context is not null && now - _checkedAt < (long)RecheckInterval.TotalMilliseconds)
            {
                return _context;
            }
            _checkedAt = now;
            var crt = Path.Combine(directory, CertificateFile);
            var key = Path.Combine(directory, KeyFile);
            var stamps = (File.GetLastWriteTimeUtc(crt), File.GetLastWriteTimeUtc(key));
            if (_context is not null && stamps == _stamps)
            {
                return _context;
            }
            try
            {
                // A Secret volume swaps both files in one rename (..data), so a pair read together matches.
                using var pair = X509Certificate2.CreateFromPemFile(crt, key);
                // Exported once so the key is not tied to the PEM files' ephemeral import.
                var certificate = X509CertificateLoader.LoadPkcs12(pair.Export(X509ContentType.Pkcs12), null);
                _context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
                _stamps = stamps;
                if (certificate.Thumbprint != _thumbprint)
                {
                    // The same certificate written again (a file touched) is not a renewal.
                    _thumbprint = certificate.Thumbprint;
                    NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
                    Interlocked.Increment(ref _loads);
                }
            }
            catch (Exception ex) when (_context is not null && ex is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                // Half-written files (a copy, not a Secret volume): keep serving the last pair, look again later.
            }
            return _context;
        }
    }
}
