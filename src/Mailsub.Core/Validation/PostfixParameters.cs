using System.Collections.Frozen;

namespace Mailsub.Core.Validation;

/// <summary>What Postfix 3.7 calls its main.cf parameters, and which of them extraConfig may not set.</summary>
public static class PostfixParameters
{
    /// <summary>Every parameter Postfix 3.7.11 knows, with the type its default shows (postfix-parameters.txt).</summary>
    public static readonly FrozenDictionary<string, ParameterType> Types = LoadTypes();

    /// <summary>Every parameter name Postfix 3.7.11 knows.</summary>
    public static readonly FrozenSet<string> Known = Types.Keys.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Why Postfix would refuse <paramref name="value"/> for a typed parameter, or null. postconf and
    /// `postfix check` accept any text; the daemon that reads the parameter dies at start instead
    /// ("fatal: bad numerical configuration"), and master throttles its port. A value that expands
    /// another parameter ($name, ${name...}) is typed only after expansion, so it passes here.
    /// </summary>
    public static string? ValueError(string name, string value)
    {
        if (!Types.TryGetValue(name, out var type) || value.StartsWith('$'))
            return null;
        return type switch
        {
            ParameterType.Int when !long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)
                => $"\"{value}\" is not a number; {name} takes an integer (postconf(5))",
            ParameterType.Time when !IsTime(value)
                => $"\"{value}\" is not a time; {name} takes a number with an optional unit s, m, h, d or w (e.g. 300s, 5m)",
            ParameterType.Bool when !value.Equals("yes", StringComparison.OrdinalIgnoreCase) && !value.Equals("no", StringComparison.OrdinalIgnoreCase)
                => $"\"{value}\" is not yes or no; {name} is a boolean",
            _ => null,
        };
    }

    private static bool IsTime(string value)
    {
        var digits = value.Length > 0 && "smhdw".Contains(value[^1], StringComparison.Ordinal) ? value[..^1] : value;
        return digits.Length is > 0 and <= 18 && digits.All(char.IsAsciiDigit);
    }

    /// <summary>Names Postfix still accepts but documents as replaced, with what to write instead.</summary>
    public static readonly FrozenDictionary<string, string> Deprecated = new Dictionary<string, string>
    {
        ["smtpd_use_tls"] = "smtpd_tls_security_level = may",
        ["smtpd_enforce_tls"] = "smtpd_tls_security_level = encrypt",
        ["smtp_use_tls"] = "smtp_tls_security_level = may",
        ["smtp_enforce_tls"] = "smtp_tls_security_level = encrypt",
        ["smtp_tls_enforce_peername"] = "smtp_tls_security_level = verify",
        ["lmtp_use_tls"] = "lmtp_tls_security_level = may",
        ["lmtp_enforce_tls"] = "lmtp_tls_security_level = encrypt",
        ["smtpd_tls_cert_file"] = "smtpd_tls_chain_files",
        ["smtpd_tls_key_file"] = "smtpd_tls_chain_files",
        ["smtpd_tls_dcert_file"] = "smtpd_tls_chain_files (DSA certificates are obsolete)",
        ["smtpd_tls_dkey_file"] = "smtpd_tls_chain_files (DSA certificates are obsolete)",
        ["smtpd_tls_eccert_file"] = "smtpd_tls_chain_files",
        ["smtpd_tls_eckey_file"] = "smtpd_tls_chain_files",
        ["smtpd_tls_eecdh_grade"] = "nothing: Postfix 3.6 and later choose the ECDHE groups (tls_eecdh_auto_curves)",
        ["smtpd_tls_dh512_param_file"] = "nothing: export ciphers are gone",
        ["smtp_tls_per_site"] = "smtp_tls_policy_maps",
        ["disable_dns_lookups"] = "smtp_dns_support_level = disabled",
        ["smtpd_sasl_application_name"] = "smtpd_sasl_service",
        ["virtual_maps"] = "virtual_alias_maps",
        ["fallback_relay"] = "smtp_fallback_relay",
        ["check_relay_domains"] = "reject_unauth_destination in smtpd_relay_restrictions",
    }.ToFrozenDictionary();

    /// <summary>
    /// Parameters the renderer derives from the spec or the entrypoint points at its directories.
    /// extraConfig may not set them: a second value would silently override the spec's policy.
    /// Each maps to the field to use instead.
    /// </summary>
    public static readonly FrozenDictionary<string, string> Reserved = new Dictionary<string, string>
    {
        ["compatibility_level"] = "nothing: the renderer pins it",
        ["myhostname"] = "spec.hostname",
        ["mydomain"] = "spec.domain",
        ["myorigin"] = "spec.origin",
        ["mynetworks"] = "spec.trustedNetworks",
        ["mynetworks_style"] = "spec.trustedNetworks",
        ["mydestination"] = "nothing: the service's own names are local destinations without local recipients",
        ["local_recipient_maps"] = "nothing: every local recipient is refused at RCPT",
        ["smtpd_reject_unlisted_recipient"] = "nothing: every local recipient is refused at RCPT",
        ["local_transport"] = "nothing: the pod delivers no mail locally (spec.relayHost holds the mailboxes)",
        ["alias_maps"] = "nothing: the pod delivers no mail locally, so it has no aliases",
        ["alias_database"] = "nothing: the pod delivers no mail locally, so it has no aliases",
        ["inet_interfaces"] = "nothing: the pod listens on all its addresses",
        ["inet_protocols"] = "nothing: the renderer enables IPv4 and IPv6",
        ["smtpd_sasl_auth_enable"] = "spec.auth",
        ["smtpd_sasl_type"] = "spec.auth",
        ["smtpd_sasl_path"] = "spec.auth",
        ["smtpd_sasl_service"] = "spec.auth",
        ["smtpd_sasl_security_options"] = "spec.auth.profile",
        ["smtpd_sasl_tls_security_options"] = "spec.auth.profile",
        ["smtpd_sasl_local_domain"] = "spec.auth.localDomain",
        ["smtpd_sasl_authenticated_header"] = "spec.auth",
        ["smtpd_tls_auth_only"] = "spec.auth.profile",
        ["smtpd_sender_login_maps"] = "spec.auth.users[].allowedSenders",
        ["smtpd_sender_restrictions"] = "spec.auth.users[].allowedSenders",
        ["cyrus_sasl_config_path"] = "nothing: the entrypoint owns it",
        ["smtpd_tls_security_level"] = "spec.tls.smtpSecurityLevel",
        ["smtpd_tls_chain_files"] = "spec.tls",
        ["smtpd_tls_cert_file"] = "spec.tls",
        ["smtpd_tls_key_file"] = "spec.tls",
        ["smtpd_tls_CAfile"] = "spec.tls",
        ["smtpd_tls_protocols"] = "spec.tls.minProtocol",
        ["smtpd_tls_mandatory_protocols"] = "spec.tls.minProtocol",
        ["smtpd_tls_mandatory_ciphers"] = "spec.tls.profile",
        ["tls_high_cipherlist"] = "spec.tls.profile",
        ["smtpd_tls_ciphers"] = "spec.tls.profile",
        ["smtpd_tls_exclude_ciphers"] = "spec.tls.profile",
        ["tls_preempt_cipherlist"] = "spec.tls.profile",
        ["tls_eecdh_auto_curves"] = "spec.tls.profile",
        ["smtpd_tls_received_header"] = "spec.tls.receivedHeader",
        ["smtpd_tls_loglevel"] = "spec.tls.logLevel",
        ["smtpd_tls_session_cache_database"] = "nothing: the renderer places it in the state directory",
        ["smtpd_tls_session_cache_timeout"] = "spec.tls.sessionCacheTimeout",
        ["smtpd_tls_wrappermode"] = "spec.listeners.submissions",
        ["smtpd_use_tls"] = "spec.tls.smtpSecurityLevel",
        ["smtpd_enforce_tls"] = "spec.tls.smtpSecurityLevel",
        ["smtpd_relay_restrictions"] = "spec.restrictions.relay",
        ["smtpd_recipient_restrictions"] = "spec.restrictions.recipient",
        ["relayhost"] = "spec.relayHost",
        ["smtp_sasl_auth_enable"] = "spec.relayHost.credentialsSecretRef",
        ["smtp_sasl_password_maps"] = "spec.relayHost.credentialsSecretRef",
        ["smtp_sasl_security_options"] = "spec.relayHost",
        ["smtp_sasl_tls_security_options"] = "spec.relayHost",
        ["smtp_tls_security_level"] = "spec.relayHost.tlsLevel",
        ["smtp_tls_CAfile"] = "spec.relayHost",
        ["smtp_tls_session_cache_database"] = "nothing: the renderer places it in the state directory",
        ["message_size_limit"] = "spec.limits.messageSizeBytes",
        ["mailbox_size_limit"] = "spec.limits.messageSizeBytes (local(8) must accept any message smtpd accepted)",
        ["virtual_mailbox_limit"] = "spec.limits.messageSizeBytes (virtual(8) must accept any message smtpd accepted)",
        ["smtpd_client_message_rate_limit"] = "spec.limits.messagesPerMinutePerClient",
        ["smtpd_client_connection_rate_limit"] = "spec.limits.connectionsPerMinutePerClient",
        ["smtpd_client_auth_rate_limit"] = "spec.limits.authAttemptsPerMinutePerClient",
        ["allow_mail_to_commands"] = "spec.allowMailToCommands",
        ["queue_directory"] = "nothing: the entrypoint owns it",
        ["data_directory"] = "nothing: the entrypoint owns it",
        ["command_directory"] = "nothing: the image fixes it",
        ["daemon_directory"] = "nothing: the image fixes it",
        ["config_directory"] = "nothing: the entrypoint owns it",
        ["mail_owner"] = "nothing: the image fixes it",
        ["setgid_group"] = "nothing: the image fixes it",
        ["maillog_file"] = "nothing: logs go to the container's stdout",
        ["import_environment"] = "nothing: the entrypoint owns the environment",
        ["alternate_config_directories"] = "nothing: the entrypoint owns it",
    }.ToFrozenDictionary();

    private static FrozenDictionary<string, ParameterType> LoadTypes()
    {
        using var stream = typeof(PostfixParameters).Assembly.GetManifestResourceStream("Mailsub.Core.postfix-parameters.txt")
            ?? throw new InvalidOperationException("postfix-parameters.txt is not embedded in Mailsub.Core; rebuild the assembly.");
        using var reader = new StreamReader(stream);
        var types = new Dictionary<string, ParameterType>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var (name, type) = line.Split(' ') is [var n, var t] ? (n, t) : throw new InvalidOperationException($"postfix-parameters.txt: \"{line}\" is not \"name type\"");
            types[name] = type switch
            {
                "int" => ParameterType.Int,
                "time" => ParameterType.Time,
                "bool" => ParameterType.Bool,
                "text" => ParameterType.Text,
                _ => throw new InvalidOperationException($"postfix-parameters.txt: unknown type \"{type}\" of {name}"),
            };
        }
        return types.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

/// <summary>How Postfix parses a parameter's value; <see cref="Text"/> covers lists, maps, expressions and strings.</summary>
public enum ParameterType
{
    Text,
    Int,
    Time,
    Bool,
}
