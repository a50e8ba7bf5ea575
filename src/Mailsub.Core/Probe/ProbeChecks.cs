using Mailsub.Core.Api;

namespace Mailsub.Core.Probe;

/// <summary>A check that failed: its name (the LiveProbe condition's reason) and what was seen, quoting the server.</summary>
public sealed record ProbeFailure(string Check, string Message);

/// <summary>
/// The live probe's checks of one listener, pure: what was expected and what the client saw in,
/// the first failing check out (null: every check passed), as cert-manager's readiness policy
/// chain. The order is the dialogue's, so the first failure is the first thing that went wrong.
/// </summary>
public static class ProbeChecks
{
    private delegate ProbeFailure? Check(ListenerProbe probe, ListenerObservation seen, string? certificateSha256);

    private static readonly Check[] Chain =
    [
        Banner, StartTlsOffered, AuthNotBeforeTls, MailBeforeTlsRefused, TlsEstablished, TlsProtocolAtLeastMinimum, TlsCipherStrong,
        CertificateIsTheSecrets, RelayRefused, DialogueCompleted,
    ];

    /// <param name="certificateSha256">The TLS Secret's tls.crt fingerprint; null when it cannot be read (TLSReady says why), and then not compared.</param>
    public static ProbeFailure? FirstFailure(ListenerProbe probe, ListenerObservation seen, string? certificateSha256)
    {
        foreach (var check in Chain)
        {
            if (check(probe, seen, certificateSha256) is { } failure)
            {
                return failure with { Message = $"{Name(probe)}: {failure.Message}" };
            }
        }
        return null;
    }

    /// <summary>"submission (587)": the listener as the messages name it.</summary>
    public static string Name(ListenerProbe probe) => $"{probe.Listener.ServiceName} ({probe.Listener.Port})";

    private static ProbeFailure? Banner(ListenerProbe probe, ListenerObservation seen, string? _)
    {
        if (seen.Banner is not { } banner)
        {
            return seen.Tls is null && probe.ImplicitTls
                ? new(ConditionReasons.ProbeNoImplicitTls, $"no TLS handshake on connect: {seen.Error}")
                : new(ConditionReasons.ProbeBanner, $"no banner: {seen.Error}");
        }
        var first = banner.Lines.Count > 0 ? banner.Lines[0] : "";
        var name = first.Split(' ', 2)[0];
        return banner.Code == 220 && string.Equals(name, probe.Hostname, StringComparison.OrdinalIgnoreCase)
            ? null
            : new(ConditionReasons.ProbeBanner, $"the banner does not greet as {probe.Hostname} with 220 (spec.hostname): \"{banner}\"");
    }

    private static ProbeFailure? StartTlsOffered(ListenerProbe probe, ListenerObservation seen, string? _) =>
        !probe.StartTls ? null
        : seen.EhloBeforeTls is not { } ehlo ? new(ConditionReasons.ProbeIncomplete, $"no EHLO reply: {seen.Error}")
        : ehlo.Code == 250 && ehlo.Offers("STARTTLS") ? null
        : new(ConditionReasons.ProbeStartTlsNotOffered, $"STARTTLS is not offered before TLS: EHLO answered \"{ehlo}\"");

    private static ProbeFailure? AuthNotBeforeTls(ListenerProbe probe, ListenerObservation seen, string? _) =>
        probe.StartTls && seen.EhloBeforeTls is { } ehlo && ehlo.Offers("AUTH")
            ? new(ConditionReasons.ProbeAuthBeforeTls, $"AUTH is offered before STARTTLS, so a password can cross the network in cleartext: EHLO answered \"{ehlo}\"")
            : null;

    private static ProbeFailure? MailBeforeTlsRefused(ListenerProbe probe, ListenerObservation seen, string? _) =>
        !probe.StartTls ? null
        : seen.MailBeforeTls is not { } mail ? new(ConditionReasons.ProbeIncomplete, $"no reply to MAIL before STARTTLS: {seen.Error}")
        : mail.Accepted ? new(ConditionReasons.ProbeMailBeforeTls, $"MAIL FROM before STARTTLS was accepted (submission must require TLS): \"{mail}\"")
        : null;

    private static ProbeFailure? TlsEstablished(ListenerProbe probe, ListenerObservation seen, string? _)
    {
        if (seen.Tls is not null || !(probe.StartTls || probe.ImplicitTls))
        {
            return null;
        }
        if (probe.ImplicitTls)
        {
            return new(ConditionReasons.ProbeNoImplicitTls, $"no TLS handshake on connect: {seen.Error}");
        }
        return seen.StartTls is { } reply && reply.Code != 220
            ? new(ConditionReasons.ProbeStartTlsFailed, $"STARTTLS was refused: \"{reply}\"")
            : new(ConditionReasons.ProbeStartTlsFailed, $"the TLS handshake after STARTTLS failed: {seen.Error}");
    }

    private static ProbeFailure? TlsProtocolAtLeastMinimum(ListenerProbe probe, ListenerObservation seen, string? _) =>
        seen.Tls is not { } tls || (tls.Protocol is { } p && p >= probe.MinProtocol) ? null
        : new(ConditionReasons.ProbeTlsProtocol,
            $"negotiated {tls.ProtocolName}, below the lowest protocol spec.tls allows ({EnumValues.NameOf(probe.MinProtocol)})");

    private static ProbeFailure? TlsCipherStrong(ListenerProbe probe, ListenerObservation seen, string? _) =>
        seen.Tls is { } tls && WeakCipher(probe.Profile, tls) is { } why
            ? new(ConditionReasons.ProbeTlsCipher, $"negotiated {tls.Cipher} over {tls.ProtocolName}, which profile {probe.Profile} does not allow: {why}")
            : null;

    /// <summary>
    /// Why a negotiated suite is outside the profile (IANA names): never anonymous, NULL, export,
    /// RC4 or DES; Intermediate and Modern also need forward secrecy and an AEAD cipher
    /// (Rendering/TlsCipherLists). TLSv1.3 suites are all of that.
    /// </summary>
    public static string? WeakCipher(TlsProfile profile, TlsSession tls)
    {
        var c = tls.Cipher.ToUpperInvariant();
        if (c.Contains("_ANON_") || c.Contains("_NULL_") || c.EndsWith("_NULL") || c.Contains("EXPORT") || c.Contains("_RC4_") || c.Contains("_DES_") || c.Contains("_DES40_"))
        {
            return "no server authentication or a broken cipher";
        }
        if (profile == TlsProfile.Legacy || tls.Protocol == TlsProtocol.TLSv1_3 || !c.Contains("_WITH_"))
        {
            return null;
        }
        if (!(c.StartsWith("TLS_ECDHE_") || c.StartsWith("TLS_DHE_")))
        {
            return "no forward secrecy (static key exchange)";
        }
        return c.Contains("_GCM_") || c.Contains("CHACHA20_POLY1305") || c.Contains("_CCM") ? null : "not an AEAD cipher (CBC)";
    }

    private static ProbeFailure? CertificateIsTheSecrets(ListenerProbe probe, ListenerObservation seen, string? certificateSha256) =>
        seen.Tls is not { } tls || certificateSha256 is null || string.Equals(tls.CertificateSha256, certificateSha256, StringComparison.OrdinalIgnoreCase) ? null
        : new(ConditionReasons.ProbeCertificateMismatch,
            $"the certificate served (SHA-256 {tls.CertificateSha256 ?? "none"}) is not the TLS Secret's tls.crt (SHA-256 {certificateSha256}): a pod still serves an old certificate, or another server answers");

    private static ProbeFailure? RelayRefused(ListenerProbe probe, ListenerObservation seen, string? _)
    {
        if (seen.Source is { } source && probe.Trusts(source))
        {
            return null; // inside mynetworks relaying is the point; nothing to judge from here
        }
        foreach (var attempt in seen.Relay)
        {
            if (attempt.Rcpt is { Accepted: true } rcpt)
            {
                var check = probe.RelayAttempts.FirstOrDefault(a => a.Recipient == attempt.Recipient).Check ?? ConditionReasons.ProbeOpenRelay;
                return new(check, $"an unauthenticated client from {seen.Source} got RCPT TO:<{attempt.Recipient}> accepted (an open relay): \"{rcpt}\"");
            }
        }
        return null;
    }

    private static ProbeFailure? DialogueCompleted(ListenerProbe probe, ListenerObservation seen, string? _)
    {
        if (seen.Error is null)
        {
            return null;
        }
        // A server that closes the connection after refusing relay attempts (an error limit) has still refused them.
        var refusedSoFar = seen.Relay.Count > 0 && seen.Relay.All(a => a.Rcpt is not { Accepted: true });
        return refusedSoFar && seen.Relay.Count < probe.RelayAttempts.Count && seen.Relay[^1].Rcpt is { Code: 421 } ? null
            : new(ConditionReasons.ProbeIncomplete, $"the dialogue stopped early: {seen.Error}");
    }
}
