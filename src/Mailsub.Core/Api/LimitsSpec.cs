using System.ComponentModel;

namespace Mailsub.Core.Api;

[Description("Message size and per-client rate limits (enforced by Postfix's anvil service per client IP and minute).")]
public sealed class LimitsSpec
{
    [Range(1024, 1073741824)]
    [Description("Largest message in bytes (message_size_limit). Postfix's default is 10240000.")]
    public long MessageSizeBytes { get; set; } = 10240000;

    [Range(0, 100000)]
    [Description("Messages one client may send per minute (smtpd_client_message_rate_limit); 0 means no limit.")]
    public int MessagesPerMinutePerClient { get; set; }

    [Range(0, 100000)]
    [Description("Connections one client may open per minute (smtpd_client_connection_rate_limit); 0 means no limit.")]
    public int ConnectionsPerMinutePerClient { get; set; }

    [Range(0, 100000)]
    [Description("AUTH commands one client may send per minute, successful or not (smtpd_client_auth_rate_limit): what bounds password guessing. " +
        "A mail client authenticates once per session, so 30 leaves room for many users behind one address; an application that opens a session per message from one address needs more, or a place in trustedNetworks, which are exempt. " +
        "Over the limit a client gets 450 4.7.1 (try again later). 0 means no limit, which the policy analysis warns about.")]
    public int AuthAttemptsPerMinutePerClient { get; set; } = 30;
}
