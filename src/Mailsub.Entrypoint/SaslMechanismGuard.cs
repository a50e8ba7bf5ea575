using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>Refuses a config under which smtpd would have no SASL mechanism after TLS.</summary>
/// <remarks>Measured on Postfix 3.7.11 with Cyrus 2.1.28: when smtpd_sasl_tls_security_options
/// leaves none of mech_list (say "noplaintext" with mech_list PLAIN LOGIN), every smtpd of that
/// service exits with "fatal: no SASL authentication mechanisms" as soon as a client reaches
/// TLS, and master throttles the service for 60 s. An empty set before TLS did no harm, with
/// or without smtpd_tls_auth_only. The core's policy (AuthRules.NoAuthMechanism) judges every
/// option from the same <see cref="SaslMechanisms"/> table; this guard refuses to start only on
/// what was measured: a service with an option other than noplaintext and noanonymous, or
/// options this reader cannot resolve, is not judged.</remarks>
public static class SaslMechanismGuard
{
    /// <summary>The main.cf parameters (unexpanded) the guard reads.</summary>
    public static readonly string[] Parameters =
        ["smtpd_sasl_auth_enable", "smtpd_sasl_security_options", "smtpd_sasl_tls_security_options"];

    /// <summary>One problem per smtpd service that would be left without a mechanism.</summary>
    public static IReadOnlyList<string> Problems(
        string smtpdConf, string masterCf, IReadOnlyDictionary<string, string> mainCf)
    {
        if (SmtpdConf.Parse(smtpdConf).Mechanisms is not { } mechanisms)
            return []; // Without mech_list Cyrus offers every installed plugin.

        var problems = new List<string>();
        foreach (var service in MasterCf.Parse(masterCf).Services)
        {
            if (service is not { IsInet: true, Command: "smtpd" })
                continue;
            string Effective(string name)
            {
                var value = mainCf[name];
                foreach (var option in service.Options)
                {
                    if (option.Name == name)
                        value = option.Value;
                }
                return value;
            }

            if (Effective("smtpd_sasl_auth_enable") != "yes")
                continue;
            var securityOptions = Effective("smtpd_sasl_security_options");
            var tlsOptions = Effective("smtpd_sasl_tls_security_options");
            if (tlsOptions is "$smtpd_sasl_security_options" or "${smtpd_sasl_security_options}")
                tlsOptions = securityOptions;
            var options = PostfixList.Split(tlsOptions);
            if (!options.All(o => o is "noplaintext" or "noanonymous"))
                continue;

            if (SaslMechanisms.Offered(mechanisms, options).Count == 0)
            {
                problems.Add(
                    $"service {service.Name}: smtpd_sasl_tls_security_options = {tlsOptions} leaves none of " +
                    $"mech_list {string.Join(' ', mechanisms)}, so smtpd would exit with \"fatal: no SASL " +
                    "authentication mechanisms\" and master would throttle the service for 60 s. Allow " +
                    "plaintext after TLS (smtpd_sasl_tls_security_options = noanonymous) or add a " +
                    "non-plaintext mechanism such as CRAM-MD5 to mech_list.");
            }
        }
        return problems;
    }
}
