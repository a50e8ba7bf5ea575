using System.ComponentModel;

namespace Mailsub.Core.Api;

[Description("SMTP access restrictions, as Postfix restriction names. The defaults are the seed's list in modern spelling: relay control in smtpd_relay_restrictions, the rest in smtpd_recipient_restrictions.")]
public sealed class RestrictionsSpec
{
    [MaxLength(32)]
    [Description("smtpd_relay_restrictions: who may send to non-local destinations. Must end the permits with reject_unauth_destination (or defer_unauth_destination), or the service is an open relay.")]
    public List<string> Relay { get; set; } = ["permit_sasl_authenticated", "permit_mynetworks", "reject_unauth_destination"];

    [MaxLength(32)]
    [Description("smtpd_recipient_restrictions: checks on every recipient after relay control.")]
    public List<string> Recipient { get; set; } =
    [
        "permit_sasl_authenticated",
        "permit_mynetworks",
        "reject_unauth_destination",
        "reject_invalid_helo_hostname",
        "reject_non_fqdn_sender",
        "reject_non_fqdn_recipient",
        "reject_unauth_pipelining",
    ];
}
