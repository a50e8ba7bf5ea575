using System.Collections.Frozen;

namespace Mailsub.Core.Validation;

/// <summary>
/// SMTP access restrictions the API accepts. Only argument-free names: anything that takes a
/// table or a server (check_*_access, check_policy_service) would reach files and sockets the
/// operator does not manage.
/// </summary>
public static class RestrictionNames
{
    public static readonly FrozenSet<string> Known = new[]
    {
        "permit", "reject", "defer", "defer_if_permit", "defer_if_reject", "warn_if_reject",
        "permit_sasl_authenticated", "permit_mynetworks", "permit_tls_clientcerts", "permit_auth_destination",
        "reject_unauth_destination", "defer_unauth_destination",
        "reject_invalid_helo_hostname", "reject_non_fqdn_helo_hostname", "reject_unknown_helo_hostname",
        "reject_non_fqdn_sender", "reject_non_fqdn_recipient",
        "reject_unknown_sender_domain", "reject_unknown_recipient_domain",
        "reject_unknown_client_hostname", "reject_unknown_reverse_client_hostname",
        "reject_unlisted_sender", "reject_unlisted_recipient",
        "reject_unauth_pipelining", "reject_unverified_recipient", "reject_unverified_sender",
        "reject_sender_login_mismatch", "reject_authenticated_sender_login_mismatch",
        "reject_known_sender_login_mismatch", "reject_unauthenticated_sender_login_mismatch",
        "reject_multi_recipient_bounce", "reject_plaintext_session",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Old spellings (the seed uses some) and their Postfix 2.3+ names.</summary>
    public static readonly FrozenDictionary<string, string> Renamed = new Dictionary<string, string>
    {
        ["reject_invalid_hostname"] = "reject_invalid_helo_hostname",
        ["reject_non_fqdn_hostname"] = "reject_non_fqdn_helo_hostname",
        ["reject_unknown_hostname"] = "reject_unknown_helo_hostname",
        ["reject_unknown_client"] = "reject_unknown_reverse_client_hostname",
        ["permit_sasl_auth"] = "permit_sasl_authenticated",
        ["check_relay_domains"] = "reject_unauth_destination",
    }.ToFrozenDictionary();

    /// <summary>
    /// What smtpd needs in the relay or recipient restrictions to start at all ("specify at least
    /// one working instance of: reject_unauth_destination, defer_unauth_destination, reject, defer,
    /// defer_if_permit or check_relay_domains").
    /// </summary>
    public static readonly FrozenSet<string> StartGuards =
        new[] { "reject_unauth_destination", "defer_unauth_destination", "reject", "defer", "defer_if_permit" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Ends relay control: without one of these, anything permitted before may go anywhere.</summary>
    public static readonly FrozenSet<string> RelayGuards =
        new[] { "reject_unauth_destination", "defer_unauth_destination" }.ToFrozenSet(StringComparer.Ordinal);
}
