using Mailsub.Core.Api;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Import;

/// <summary>SMTP AUTH: which mechanism profile reproduces what the security options leave, the realm, the users.</summary>
internal static class ImportedAuth
{
    public static void Map(ImportContext import)
    {
        var main = import.Main;
        var auth = import.Spec.Auth;
        import.Handled("smtpd_sasl_auth_enable", "smtpd_sasl_type", "smtpd_sasl_security_options", "smtpd_sasl_tls_security_options",
            "smtpd_sasl_local_domain", "smtpd_tls_auth_only");

        if (!import.Config.Listeners.Any(l => l.AuthEnabled))
            import.Warning(ImportCodes.NotImported, "smtpd_sasl_auth_enable", "No listener enables SMTP AUTH (smtpd_sasl_auth_enable); Mailsub always offers it, as the way to relay without a trusted address. Add the users who may relay to spec.auth.users.");
        if (!main.Get("smtpd_sasl_type").Equals("cyrus", StringComparison.OrdinalIgnoreCase))
            import.Error(ImportCodes.NeedsInput, "smtpd_sasl_type", $"smtpd_sasl_type = {main.Get("smtpd_sasl_type")}: its users live outside these files. Mailsub authenticates against its own Cyrus sasldb; list every user in spec.auth.users.");
        Profile(import, auth);
        Realm(import, auth);
        SaslOptions(import);
        import.Warning(ImportCodes.NeedsInput, "spec.auth.users", "The users are in the old server's SASL database, not in these files (sasldblistusers2 lists them). Add each to spec.auth.users, with a passwordSecretRef or none to have the operator generate a password.");
    }

    private static void Profile(ImportContext import, AuthSpec auth)
    {
        var main = import.Main;
        var mechanisms = import.Sasl.Mechanisms ?? SaslMechanisms.Installed;
        var outside = main.List("smtpd_sasl_security_options");
        var inside = SaslMechanisms.Offered(mechanisms, main.List("smtpd_sasl_tls_security_options"));
        // Modern offers PLAIN and LOGIN inside TLS only; Seed offers CRAM-MD5 and DIGEST-MD5 everywhere.
        auth.Profile = inside.Any(SaslMechanisms.IsPlaintext) ? AuthProfile.Modern : AuthProfile.Seed;
        var noplaintext = outside.Any(o => o.Equals("noplaintext", StringComparison.OrdinalIgnoreCase));
        if (noplaintext && !import.IsSet("smtpd_sasl_tls_security_options"))
        {
            import.Warning(ImportCodes.Trap, "smtpd_sasl_tls_security_options",
                "smtpd_sasl_security_options says noplaintext and smtpd_sasl_tls_security_options is unset, so it defaults to $smtpd_sasl_security_options: " +
                $"PLAIN and LOGIN are refused inside TLS too, leaving {Describe(inside)}. Imported as spec.auth.profile: {auth.Profile}, which keeps that" +
                (auth.Profile == AuthProfile.Seed ? " (legacy: the server keeps password equivalents). Set it to Modern to offer PLAIN and LOGIN inside TLS only, which is what noplaintext is usually meant to say." : "."));
        }

        if (auth.Profile == AuthProfile.Modern && SaslMechanisms.Offered(mechanisms, outside).Any(SaslMechanisms.IsPlaintext) && !main.IsYes("smtpd_tls_auth_only"))
            import.Info(ImportCodes.Imported, "smtpd_sasl_security_options", "The files offer PLAIN or LOGIN before TLS; imported as spec.auth.profile: Modern, which offers them only inside TLS.");
        else if (auth.Profile == AuthProfile.Seed && !inside.Any(SaslMechanisms.IsLegacy))
            import.Warning(ImportCodes.NotImported, "smtpd_sasl_tls_security_options", $"The security options leave {Describe(inside)} inside TLS, which neither profile offers; imported as Seed (CRAM-MD5, DIGEST-MD5). Check spec.auth.profile.");
    }

    private static string Describe(IReadOnlyList<string> mechanisms) => mechanisms.Count == 0 ? "no mechanism" : string.Join(", ", mechanisms);

    private static void Realm(ImportContext import, AuthSpec auth)
    {
        var raw = import.Main.Raw("smtpd_sasl_local_domain") ?? "";
        var expanded = import.Main.Get("smtpd_sasl_local_domain").ToLowerInvariant();
        if (raw is "$myhostname" or "$mydomain" || NetworkSyntax.IsFqdn(expanded))
            auth.LocalDomain = raw is "$myhostname" or "$mydomain" ? raw : expanded;
        else
            import.Warning(ImportCodes.NotImported, "smtpd_sasl_local_domain", $"smtpd_sasl_local_domain = {raw} (empty: logins carry no realm) cannot be imported: Mailsub appends a realm to logins without one. Imported as $myhostname; users log in as `user` or `user@{import.Spec.Hostname}`.");
    }

    /// <summary>smtpd.conf options other than mech_list say where passwords are checked; Mailsub checks its own sasldb.</summary>
    private static void SaslOptions(ImportContext import)
    {
        foreach (var (option, value) in import.Sasl.Options)
        {
            var same = option switch
            {
                "pwcheck_method" => value == "auxprop",
                "auxprop_plugin" => value == "sasldb",
                "mech_list" or "sasldb_path" => true,
                _ => false,
            };
            if (!same)
                import.Warning(ImportCodes.NotImported, $"smtpd.conf/{option}", $"smtpd.conf {option}: {value} is not imported: Mailsub's smtpd.conf checks passwords against its own sasldb (pwcheck_method: auxprop, auxprop_plugin: sasldb), filled from spec.auth.users.");
        }
    }
}
