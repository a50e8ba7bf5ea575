using System.Text.RegularExpressions;

namespace Mailsub.Entrypoint;

/// <summary>One increment of one counter: the family and its label values, in the family's label order.</summary>
public sealed record CounterDelta(MetricFamily Family, params string[] LabelValues);

/// <summary>
/// What one line of Postfix's log adds to the counters, under the names and regexes of
/// postfix_exporter (github.com/kumina/postfix_exporter, continued as Hsn723/postfix_exporter),
/// so its users' dashboards and alerts read these. Pure: a line in, deltas out.
/// </summary>
/// <remarks>
/// Every label value comes from a fixed set, or is checked against the shape Postfix itself
/// prints and replaced by <c>other</c> otherwise, so no client-chosen text becomes a series:
/// the reject reason is one of <see cref="RejectReasons"/>; a cipher is picked by the server from
/// its own OpenSSL list; a SASL method from its mech_list. <see cref="MetricRegistry"/> also caps
/// each family's series. Unlike postfix_exporter, the smtpd of every master.cf service counts
/// (postfix/submission/smtpd is smtpd), and a reject at any SMTP stage, not only RCPT.
/// </remarks>
public static partial class PostfixLogCounts
{
    public const string Other = "other";

    private static readonly CounterDelta[] None = [];

    /// <summary>The phrase Postfix puts in a reject reply, and the reason label it counts under.</summary>
    public static readonly IReadOnlyList<(string Phrase, string Reason)> RejectReasons =
    [
        ("Relay access denied", "relay_access_denied"),
        ("Client host rejected", "client_rejected"),
        ("Helo command rejected", "helo_rejected"),
        ("Sender address rejected", "sender_rejected"),
        ("Recipient address rejected", "recipient_rejected"),
        ("Data command rejected", "data_rejected"),
        ("Message size exceeds", "message_size"),
        ("blocked using", "dnsbl"),
        ("Improper use of SMTP command pipelining", "pipelining"),
    ];

    /// <summary>anvil's limits as smtpd names them when one is exceeded, and their label.</summary>
    public static readonly IReadOnlyList<(string Phrase, string Limit)> RateLimits =
    [
        ("Connection rate limit exceeded", "connection_rate"),
        ("Connection concurrency limit exceeded", "connection_concurrency"),
        ("Message delivery request rate limit exceeded", "message_rate"),
        ("Recipient address rate limit exceeded", "recipient_rate"),
        ("New TLS session rate limit exceeded", "tls_session_rate"),
        ("AUTH command rate limit exceeded", "auth_rate"),
    ];

    private static readonly string[] TlsTrust = ["Anonymous", "Untrusted", "Trusted", "Verified"];

    public static IReadOnlyList<CounterDelta> Parse(string line)
    {
        if (Header().Match(line) is not { Success: true } header)
            return None;
        var program = header.Groups[1].Value;
        var text = header.Groups[2].Value;
        // syslog_name is postfix/SERVICE for the master.cf services; the daemon is the last part.
        return program[(program.LastIndexOf('/') + 1)..] switch
        {
            "smtpd" => Smtpd(text),
            "cleanup" => Cleanup(text),
            _ => None,
        };
    }

    private static IReadOnlyList<CounterDelta> Smtpd(string text)
    {
        if (text.StartsWith("connect from ", StringComparison.Ordinal))
            return [new(PostfixFamilies.SmtpdConnects)];
        if (text.StartsWith("disconnect from ", StringComparison.Ordinal))
            return [new(PostfixFamilies.SmtpdDisconnects)];
        if (LostConnection().Match(text) is { Success: true } lost)
            return [new(PostfixFamilies.SmtpdConnectionsLost, Shape(lost.Groups[1].Value, StageName()))];
        if (SaslClient().Match(text) is { Success: true } sasl)
            return [new(PostfixFamilies.SmtpdMessagesProcessed, Shape(sasl.Groups[1].Value, SaslMethod()))];
        if (QueuedClient().IsMatch(text))
            return [new(PostfixFamilies.SmtpdMessagesProcessed, "NONE")];
        if (Reject().Match(text) is { Success: true } reject)
            return [new(PostfixFamilies.SmtpdMessagesRejected, reject.Groups[1].Value, Lookup(RejectReasons, reject.Groups[2].Value))];
        if (SaslFailure().IsMatch(text))
            return [new(PostfixFamilies.SmtpdSaslAuthenticationFailures)];
        if (Tls().Match(text) is { Success: true } tls)
        {
            return [new(PostfixFamilies.SmtpdTlsConnections,
                TlsTrust.Contains(tls.Groups[1].Value) ? tls.Groups[1].Value : Other,
                Shape(tls.Groups[2].Value, TlsProtocol()),
                Shape(tls.Groups[3].Value, CipherName()),
                tls.Groups[4].Value,
                tls.Groups[5].Value)];
        }
        if (text.StartsWith("warning: ", StringComparison.Ordinal) && Lookup(RateLimits, text) is var limit && limit != Other)
            return [new(PostfixFamilies.SmtpdRateLimited, limit)];
        return None;
    }

    private static IReadOnlyList<CounterDelta> Cleanup(string text) =>
        text.Contains(": message-id=", StringComparison.Ordinal) ? [new(PostfixFamilies.CleanupMessagesProcessed)]
        : text.Contains(": reject: ", StringComparison.Ordinal) ? [new(PostfixFamilies.CleanupMessagesRejected)]
        : None;

    private static string Lookup(IReadOnlyList<(string Phrase, string Label)> table, string text)
    {
        foreach (var (phrase, label) in table)
        {
            if (text.Contains(phrase, StringComparison.Ordinal))
                return label;
        }
        return Other;
    }

    private static string Shape(string value, Regex shape) => shape.IsMatch(value) ? value : Other;

    // "Dec  7 17:40:01.123456 host postfix/submission/smtpd[123]: text": anchored at the start,
    // so text a client got into the message part cannot pass for a header of its own.
    [GeneratedRegex(@"^[A-Z][a-z]{2} +\d{1,2} [\d:.]+ \S+ (postfix[\w.+/-]*)\[\d+\]: (.*)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(?:NOQUEUE: )?lost connection after (\S+) from ")]
    private static partial Regex LostConnection();

    [GeneratedRegex(@"^\w+: client=.*, sasl_method=([^,\s]+)")]
    private static partial Regex SaslClient();

    [GeneratedRegex(@"^\w+: client=")]
    private static partial Regex QueuedClient();

    // NOQUEUE before a queue id exists, the queue id after (a later recipient of an accepted message).
    [GeneratedRegex(@"^\w+: reject: [\w-]+ from \S+: ([245]\d\d) (.*)$")]
    private static partial Regex Reject();

    [GeneratedRegex(@"^warning: \S+: SASL \S+ authentication failed: ")]
    private static partial Regex SaslFailure();

    [GeneratedRegex(@"^(\S+) TLS connection established from \S+: (\S+) with cipher (\S+) \((\d{1,5})/(\d{1,5}) bits\)")]
    private static partial Regex Tls();

    [GeneratedRegex(@"^[A-Z-]{1,20}$")]
    private static partial Regex StageName();

    [GeneratedRegex(@"^[A-Z0-9_-]{1,20}$")]
    private static partial Regex SaslMethod();

    [GeneratedRegex(@"^(SSLv3|TLSv1|TLSv1\.[0-3])$")]
    private static partial Regex TlsProtocol();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex CipherName();
}
