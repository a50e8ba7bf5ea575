using Mailsub.Core.Api;

namespace Mailsub.Core.Probe;

/// <summary>
/// What the live probe's client saw on one listener, step by step, as far as it got: a step it
/// did not reach is null, and <see cref="Error"/> says why it stopped (a timeout, a closed
/// connection, a failed handshake). The client only records; <see cref="ProbeChecks"/> judges.
/// </summary>
public sealed class ListenerObservation
{
    /// <summary>The probe's own address as the server sees it (the socket's local end).</summary>
    public System.Net.IPAddress? Source { get; set; }

    /// <summary>The TCP connection failed: nothing was reached, so nothing can be judged.</summary>
    public string? ConnectError { get; set; }

    /// <summary>Why the dialogue stopped before its end (null: it ran to QUIT).</summary>
    public string? Error { get; set; }

    public SmtpReply? Banner { get; set; }

    /// <summary>The EHLO reply before TLS (submission and smtp listeners).</summary>
    public SmtpReply? EhloBeforeTls { get; set; }

    /// <summary>MAIL FROM before STARTTLS (submission only).</summary>
    public SmtpReply? MailBeforeTls { get; set; }

    public SmtpReply? StartTls { get; set; }

    /// <summary>The TLS session, once the handshake completed.</summary>
    public TlsSession? Tls { get; set; }

    /// <summary>The EHLO reply inside TLS.</summary>
    public SmtpReply? EhloInTls { get; set; }

    /// <summary>Each relay attempt of <see cref="ListenerProbe.RelayAttempts"/> reached, in order.</summary>
    public List<RelayAttempt> Relay { get; } = [];
}

/// <param name="Protocol">The negotiated protocol; null for one the API does not name (SSLv3, or newer than TLSv1.3).</param>
/// <param name="Cipher">The negotiated cipher suite, as IANA names it (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).</param>
/// <param name="CertificateSha256">The served leaf certificate's SHA-256 fingerprint (hex).</param>
public sealed record TlsSession(TlsProtocol? Protocol, string ProtocolName, string Cipher, string? CertificateSha256);

/// <summary>MAIL FROM:&lt;&gt; and RCPT TO one recipient; <see cref="Rcpt"/> is null when MAIL was refused.</summary>
public sealed record RelayAttempt(string Recipient, SmtpReply Mail, SmtpReply? Rcpt);
