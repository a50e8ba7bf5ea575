using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Probe;

/// <summary>
/// What the live probe expects of one listener of a submission, from its validated spec: the
/// banner's hostname, TLS (STARTTLS on submission, from the first byte on submissions), the
/// profile's protocol floor, and the relay attempts every listener must refuse.
/// </summary>
public sealed class ListenerProbe(Listener listener, string hostname, TlsProfile profile, TlsProtocol minProtocol,
    IReadOnlyList<string> trustedNetworks)
{
    /// <summary>
    /// The domain of the relay attempts: reserved by RFC 2606, so no server is its destination and
    /// an accepted RCPT can only mean "would relay" (the probe never sends DATA anyway).
    /// </summary>
    public const string ExternalDomain = "relay-probe.example";

    /// <summary>The probe's EHLO name and sender local part.</summary>
    public const string ProbeName = "mailsub-probe";

    public Listener Listener { get; } = listener;

    public string Hostname { get; } = hostname;

    public TlsProfile Profile { get; } = profile;

    public TlsProtocol MinProtocol { get; } = minProtocol;

    /// <summary>spec.trustedNetworks (mynetworks): a probe from inside them may relay, by design.</summary>
    public IReadOnlyList<string> TrustedNetworks { get; } = trustedNetworks;

    /// <summary>STARTTLS before anything else: required on submission; the smtp listener is judged in plaintext, as a stranger meets it.</summary>
    public bool StartTls => Listener.Kind == ListenerKind.Submission;

    /// <summary>TLS from the first byte (RFC 8314).</summary>
    public bool ImplicitTls => Listener.Kind == ListenerKind.Submissions;

    /// <summary>
    /// The recipients an unauthenticated client must not get accepted, each with the check it
    /// fails: a plain external address, then the tricks that hide one behind the server's own
    /// name (Postfix's allow_untrusted_routing, RFC 5321 4.1.1.3 and appendix C).
    /// </summary>
    public IReadOnlyList<(string Check, string Recipient)> RelayAttempts =>
    [
        (ConditionReasons.ProbeOpenRelay, $"{ProbeName}@{ExternalDomain}"),
        (ConditionReasons.ProbeOpenRelayPercentHack, $"{ProbeName}%{ExternalDomain}@{Hostname}"),
        (ConditionReasons.ProbeOpenRelayQuotedLocalPart, $"\"{ProbeName}@{ExternalDomain}\"@{Hostname}"),
        (ConditionReasons.ProbeOpenRelaySourceRoute, $"@{Hostname}:{ProbeName}@{ExternalDomain}"),
    ];

    /// <summary>Every listener the submission's Service exposes.</summary>
    public static IReadOnlyList<ListenerProbe> For(ValidSubmission valid) =>
        valid.Listeners.Select(l => new ListenerProbe(l, valid.Spec.Hostname, valid.Spec.Tls.Profile, valid.MinProtocol, valid.Spec.TrustedNetworks)).ToList();

    /// <summary>Whether <paramref name="source"/> (the probe's own address) is in spec.trustedNetworks.</summary>
    public bool Trusts(IPAddress source)
    {
        var address = source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
        foreach (var entry in TrustedNetworks)
        {
            if (Policy.TrustedNetworks.Parse(entry) is { } network && InNetwork(address, network.Address, network.Prefix))
            {
                return true;
            }
        }
        return false;
    }

    // By bytes: IPNetwork's constructor refuses a base address with host bits set, which
    // mynetworks allows (Postfix masks them).
    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }
        var (a, n) = (address.GetAddressBytes(), network.GetAddressBytes());
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The SHA-256 fingerprint (hex) of the first certificate of tls.crt: the server's own, which
    /// the served one must equal. Null when none parses.
    /// </summary>
    public static string? CertificateSha256(string pem)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            return Sha256(certificate.RawData);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    public static string Sha256(byte[] der) => Convert.ToHexString(SHA256.HashData(der));
}
