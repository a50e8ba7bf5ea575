using Mailsub.Core.Api;
using Mailsub.Postfix;

namespace Mailsub.Core.Policy;

/// <summary>
/// SMTP AUTH, per listener. smtpd offers AUTH in two contexts: before STARTTLS (unless TLS is
/// required or smtpd_tls_auth_only) with smtpd_sasl_security_options, and inside TLS with
/// smtpd_sasl_tls_security_options. Cyrus then offers the mechanisms that meet those options.
/// </summary>
public static class AuthRules
{
    private const string Cleartext = "smtpd_sasl_security_options";
    private const string InsideTls = "smtpd_sasl_tls_security_options";

    /// <summary>The contexts a listener offers AUTH in, each named by the parameter holding its security options.</summary>
    private static IEnumerable<string> Contexts(SmtpdListener listener)
    {
        if (listener.OffersAuthInCleartext)
            yield return Cleartext;
        if (listener.OffersAuthInTls)
            yield return InsideTls;
    }

    private static IReadOnlyList<string> Offered(PolicyInput input, SmtpdListener listener, string context) =>
        SaslMechanisms.Offered(input.MechanismsOf(listener).Mechanisms, listener.Parameters.List(context));

    // Everything that decides whether and how AUTH is offered; an override of any makes the finding the listener's.
    private static readonly string[] AuthDeciding =
    [
        "smtpd_sasl_auth_enable", "smtpd_tls_security_level", "smtpd_tls_wrappermode", "smtpd_tls_auth_only",
        "smtpd_use_tls", "smtpd_enforce_tls", Cleartext, InsideTls, "smtpd_sasl_type",
    ];

    public static IEnumerable<Finding> AuthOverCleartext(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => l.OffersAuthInCleartext))
        {
            var plaintext = Offered(input, listener, Cleartext).Where(SaslMechanisms.IsPlaintext).ToList();
            if (plaintext.Count == 0)
                continue;
            yield return Finding.Error(ConditionTypes.AuthProtected, FindingCodes.AuthOverCleartext,
                listener.Parameters.PathOf("smtpd_tls_auth_only", AuthDeciding),
                $"AUTH is offered before STARTTLS and {string.Join(", ", plaintext)} send{(plaintext.Count == 1 ? "s" : "")} the password readable on the wire. " +
                "Set smtpd_tls_auth_only = yes (or smtpd_tls_security_level = encrypt), or add noplaintext to smtpd_sasl_security_options.");
        }
    }

    public static IEnumerable<Finding> AnonymousAuth(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners)
        {
            foreach (var context in Contexts(listener).Where(c => Offered(input, listener, c).Contains("ANONYMOUS")))
            {
                yield return Finding.Error(ConditionTypes.AuthProtected, FindingCodes.AnonymousAuth, listener.Parameters.PathOf(context),
                    $"ANONYMOUS can be offered ({context} = {listener.Parameters.Get(context)}): any client authenticates without a password, " +
                    $"and permit_sasl_authenticated then relays its mail. Add noanonymous to {context}.");
            }
        }
    }

    /// <summary>Cyrus with an explicit mech_list that the security options empty: smtpd exits when a client connects.</summary>
    public static IEnumerable<Finding> NoAuthMechanism(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners)
        {
            var (mechanisms, known) = input.MechanismsOf(listener);
            if (!known)
                continue;
            foreach (var context in Contexts(listener).Where(c => Offered(input, listener, c).Count == 0))
            {
                yield return Finding.Error(ConditionTypes.AuthProtected, FindingCodes.NoAuthMechanism, listener.Parameters.PathOf(context),
                    $"No SASL mechanism is left {(context == Cleartext ? "before STARTTLS" : "inside TLS")}: mech_list offers {string.Join(" ", mechanisms)} " +
                    $"and {context} = {listener.Parameters.Get(context)} excludes them all, so smtpd exits with \"no SASL authentication mechanisms\" when a client connects. " +
                    $"Relax {context} (noplaintext excludes PLAIN and LOGIN) or add a mechanism to mech_list.");
            }
        }
    }

    /// <summary>A warning, not an error: the seed profile's CRAM-MD5/DIGEST-MD5 stay usable for the clients that need them.</summary>
    public static IEnumerable<Finding> LegacyAuthMechanism(PolicyInput input)
    {
        var legacy = input.Config.Listeners
            .Where(l => l.AuthEnabled)
            .Select(input.MechanismsOf)
            .Where(m => m.Known)
            .SelectMany(m => m.Mechanisms.Where(SaslMechanisms.IsLegacy))
            .Distinct()
            .ToList();
        if (legacy.Count == 0)
            yield break;
        yield return Finding.Warning(ConditionTypes.AuthProtected, FindingCodes.LegacyAuthMechanism, "smtpd.conf/mech_list",
            $"mech_list offers {string.Join(" and ", legacy)}: the server must store passwords in plaintext-equivalent form, a captured exchange " +
            $"allows offline password guessing{(legacy.Contains("DIGEST-MD5") ? ", and DIGEST-MD5 is obsolete (RFC 6331)" : "")}. " +
            "Prefer PLAIN and LOGIN inside TLS (spec.auth.profile Modern); keep these only for clients that cannot use TLS.");
    }

    public static IEnumerable<Finding> AuthNeverOffered(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => l.AuthEnabled && l.Tls == TlsMode.None && l.Parameters.IsYes("smtpd_tls_auth_only")))
        {
            yield return Finding.Warning(ConditionTypes.ConfigValid, FindingCodes.AuthNeverOffered, listener.Parameters.PathOf("smtpd_tls_auth_only", AuthDeciding),
                "smtpd_tls_auth_only = yes but this listener never starts TLS, so AUTH is never offered and users cannot authenticate. " +
                "Offer TLS (smtpd_tls_security_level = may or encrypt) or turn AUTH off here.");
        }
    }

    /// <summary>
    /// A warning: with no limit, anvil lets one address guess passwords as fast as smtpd answers.
    /// Trusted networks are exempt from the limit anyway (smtpd_client_event_limit_exceptions).
    /// </summary>
    public static IEnumerable<Finding> AuthAttemptsUnlimited(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => l.OffersAuthInCleartext || l.OffersAuthInTls))
        {
            var limit = listener.Parameters.Get("smtpd_client_auth_rate_limit");
            if (limit is not ("" or "0"))
                continue;
            yield return Finding.Warning(ConditionTypes.AuthProtected, FindingCodes.AuthAttemptsUnlimited, listener.Parameters.PathOf("smtpd_client_auth_rate_limit"),
                "AUTH commands per client are not limited (smtpd_client_auth_rate_limit = 0): one address can guess passwords as fast as the server answers. " +
                "Set spec.limits.authAttemptsPerMinutePerClient (30 is the default).");
        }
    }

    /// <summary>The SMTP client's AUTH to a relay host, over each smtp delivery service (main.cf alone when master.cf has none).</summary>
    public static IEnumerable<Finding> RelayHostCredentialsUnprotected(PolicyInput input)
    {
        var config = input.Config;
        var clients = config.Master.Services.Where(s => s.IsSmtpClient).Select(config.For).ToList();
        foreach (var parameters in clients.Count > 0 ? clients : [config.Global])
        {
            if (!parameters.IsYes("smtp_sasl_auth_enable"))
                continue;
            var level = parameters.Get("smtp_tls_security_level").ToLowerInvariant() switch
            {
                // smtp.c: an empty level falls back to the legacy booleans.
                "" => parameters.IsYes("smtp_enforce_tls") ? "encrypt" : parameters.IsYes("smtp_use_tls") ? "may" : "none",
                var value => value,
            };
            if (level is not ("none" or "may"))
                continue;
            yield return Finding.Warning(ConditionTypes.AuthProtected, FindingCodes.RelayHostCredentialsUnprotected,
                parameters.PathOf("smtp_tls_security_level", "smtp_sasl_auth_enable", "smtp_use_tls", "smtp_enforce_tls"),
                $"Postfix logs in to the relay host (smtp_sasl_auth_enable = yes) while TLS is {(level == "none" ? "off" : "optional")} " +
                $"(smtp_tls_security_level = {level}): anyone on the path can strip STARTTLS and read the credentials. " +
                "Set smtp_tls_security_level = encrypt (spec.relayHost.tlsLevel).");
        }
    }
}
