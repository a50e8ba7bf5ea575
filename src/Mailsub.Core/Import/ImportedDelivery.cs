using System.Globalization;
using Mailsub.Core.Api;

namespace Mailsub.Core.Import;

/// <summary>The relay host, the message size and rate limits, and allow_mail_to_commands.</summary>
internal static class ImportedDelivery
{
    public static void Map(ImportContext import)
    {
        RelayHost(import);
        Limits(import);
        MailToCommands(import);
    }

    private static void RelayHost(ImportContext import)
    {
        var main = import.Main;
        import.Handled("relayhost", "smtp_tls_security_level", "smtp_use_tls", "smtp_enforce_tls", "smtp_sasl_auth_enable", "smtp_sasl_password_maps",
            "smtp_sasl_security_options", "smtp_sasl_tls_security_options");
        var nexthop = main.Get("relayhost");
        if (nexthop.Length == 0)
            return;
        var bracketed = nexthop.StartsWith('[');
        var colon = nexthop.LastIndexOf(':');
        var close = nexthop.LastIndexOf(']');
        var hasPort = colon > close && int.TryParse(nexthop[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
        var host = (hasPort ? nexthop[..colon] : nexthop).Trim('[', ']');
        var relay = new RelayHostSpec { Host = host, Port = hasPort ? int.Parse(nexthop[(colon + 1)..], CultureInfo.InvariantCulture) : 25 };
        if (!bracketed)
            import.Info(ImportCodes.Imported, "relayhost", $"relayhost = {nexthop} looks up MX records; Mailsub sends to the host itself ([{host}]:{relay.Port}). Check spec.relayHost.host names the smarthost, not a mail domain.");
        relay.TlsLevel = main.Get("smtp_tls_security_level").ToLowerInvariant() switch
        {
            "may" => RelayTlsLevel.May,
            "verify" => RelayTlsLevel.Verify,
            "secure" => RelayTlsLevel.Secure,
            _ => RelayTlsLevel.Encrypt,
        };
        if (main.Get("smtp_tls_security_level") is "" or "none")
            import.Warning(ImportCodes.NotImported, "smtp_tls_security_level", "Mail went to the relay host without TLS; spec.relayHost.tlsLevel is encrypt (the least Mailsub offers), so the relay host must offer STARTTLS.");
        if (main.IsYes("smtp_sasl_auth_enable"))
        {
            relay.CredentialsSecretRef = new SecretReference { Name = $"{import.Name}-relay-credentials" };
            import.Warning(ImportCodes.NeedsInput, "smtp_sasl_password_maps", $"The relay host login ({main.Get("smtp_sasl_password_maps")}) is not in these files: kubectl create secret generic {relay.CredentialsSecretRef.Name} -n {import.Namespace} --from-literal=username=... --from-literal=password=...");
        }
        import.Spec.RelayHost = relay;
    }

    private static void Limits(ImportContext import)
    {
        var main = import.Main;
        var limits = import.Spec.Limits;
        import.Handled("message_size_limit", "smtpd_client_message_rate_limit", "smtpd_client_connection_rate_limit", "smtpd_client_auth_rate_limit");
        if (long.TryParse(main.Get("message_size_limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            limits.MessageSizeBytes = size;
        if (Rate(main.Get("smtpd_client_message_rate_limit")) is { } messages)
            limits.MessagesPerMinutePerClient = messages;
        if (Rate(main.Get("smtpd_client_connection_rate_limit")) is { } connections)
            limits.ConnectionsPerMinutePerClient = connections;
        if (Rate(main.Get("smtpd_client_auth_rate_limit")) is { } auth)
            limits.AuthAttemptsPerMinutePerClient = auth;
        else
            import.Info(ImportCodes.Imported, "smtpd_client_auth_rate_limit", $"smtpd_client_auth_rate_limit is unset (no limit on password guessing); imported with Mailsub's default, {limits.AuthAttemptsPerMinutePerClient} AUTH commands per client and minute.");
    }

    private static int? Rate(string value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) ? rate : null;

    private static void MailToCommands(ImportContext import)
    {
        import.Handled("allow_mail_to_commands");
        // Postfix's default (postconf -d) is alias, forward.
        var sources = import.IsSet("allow_mail_to_commands") ? import.Main.List("allow_mail_to_commands") : ["alias", "forward"];
        import.Spec.AllowMailToCommands = [.. sources.Select(s => s.ToLowerInvariant() switch
        {
            "alias" => (MailToCommandsSource?)MailToCommandsSource.Alias,
            "forward" => MailToCommandsSource.Forward,
            "include" => MailToCommandsSource.Include,
            _ => null,
        }).OfType<MailToCommandsSource>().Distinct()];
    }
}
