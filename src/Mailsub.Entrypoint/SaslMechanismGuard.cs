namespace Mailsub.Entrypoint;

/// <summary>Refuses a config under which smtpd would have no SASL mechanism after TLS.</summary>
/// <remarks>Measured on Postfix 3.7.11 with Cyrus 2.1.28: when smtpd_sasl_tls_security_options
/// leaves none of mech_list (say "noplaintext" with mech_list PLAIN LOGIN), every smtpd of that
/// service exits with "fatal: no SASL authentication mechanisms" as soon as a client reaches
/// TLS, and master throttles the service for 60 s. An empty set before TLS did no harm, with
/// or without smtpd_tls_auth_only. Only noplaintext and noanonymous are modelled; a service
/// with any other security option, or options this reader cannot resolve, is not judged.</remarks>
public static class SaslMechanismGuard
{
    private static readonly HashSet<string> Plaintext = new(StringComparer.OrdinalIgnoreCase) { "PLAIN", "LOGIN" };
    private static readonly HashSet<string> Anonymous = new(StringComparer.OrdinalIgnoreCase) { "ANONYMOUS" };

    /// <summary>The main.cf parameters (unexpanded) the guard reads.</summary>
    public static readonly string[] Parameters =
        ["smtpd_sasl_auth_enable", "smtpd_sasl_security_options", "smtpd_sasl_tls_security_options"];

    /// <summary>One problem per smtpd service that would be left without a mechanism.</summary>
    public static IReadOnlyList<string> Problems(
        string smtpdConf, string masterCf, IReadOnlyDictionary<string, string> mainCf)
    {
        if (MechList(smtpdConf) is not { } mechanisms)
            return []; // Without mech_list Cyrus offers every installed plugin.

        var problems = new List<string>();
        foreach (var service in MasterCf.InetServices(masterCf))
        {
            if (service.Command != "smtpd" || service.Overrides is not { } overrides)
                continue;
            string Effective(string name) => overrides.TryGetValue(name, out string? value) ? value : mainCf[name];

            if (Effective("smtpd_sasl_auth_enable") != "yes")
                continue;
            string securityOptions = Effective("smtpd_sasl_security_options");
            string tlsOptions = Effective("smtpd_sasl_tls_security_options");
            if (tlsOptions is "$smtpd_sasl_security_options" or "${smtpd_sasl_security_options}")
                tlsOptions = securityOptions;
            if (Options(tlsOptions) is not { } options)
                continue;

            var left = mechanisms
                .Where(m => !(options.Contains("noplaintext") && Plaintext.Contains(m)))
                .Where(m => !(options.Contains("noanonymous") && Anonymous.Contains(m)))
                .ToArray();
            if (left.Length == 0)
                problems.Add(
                    $"service {service.Name}: smtpd_sasl_tls_security_options = {tlsOptions} leaves none of " +
                    $"mech_list {string.Join(' ', mechanisms)}, so smtpd would exit with \"fatal: no SASL " +
                    "authentication mechanisms\" and master would throttle the service for 60 s. Allow " +
                    "plaintext after TLS (smtpd_sasl_tls_security_options = noanonymous) or add a " +
                    "non-plaintext mechanism such as CRAM-MD5 to mech_list.");
        }
        return problems;
    }

    /// <summary>The mechanisms named by smtpd.conf's mech_list, or null when it has none.</summary>
    public static IReadOnlyList<string>? MechList(string smtpdConf) =>
        MainCf.Lines(smtpdConf)
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("mech_list:", StringComparison.Ordinal))
            .Select(line => line["mech_list:".Length..]
                .Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
            .LastOrDefault();

    /// <summary>The options, or null when one is outside what the guard models.</summary>
    private static HashSet<string>? Options(string value)
    {
        var options = value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return options.All(o => o is "noplaintext" or "noanonymous") ? options : null;
    }
}
