using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Import;

/// <summary>STARTTLS on port 25, the certificate files, and the TLS settings spec.tls has fields for.</summary>
internal static class ImportedTls
{
    public static void Map(ImportContext import)
    {
        var main = import.Main;
        var tls = import.Spec.Tls;
        import.Handled("smtpd_tls_security_level", "smtpd_use_tls", "smtpd_enforce_tls", "smtpd_tls_cert_file", "smtpd_tls_key_file",
            "smtpd_tls_chain_files", "smtpd_tls_CAfile", "smtpd_tls_loglevel", "smtpd_tls_received_header", "smtpd_tls_session_cache_timeout");

        // Port 25's level, as its smtpd reads it (overrides, the legacy booleans); without a
        // port 25 listener the level reaches no client, and the spec's default stays.
        if (import.Listeners.FirstOrDefault(l => l.Kind == ListenerKind.Smtp) is { } smtp)
        {
            tls.SmtpSecurityLevel = import.SourceListeners[smtp.Port].Tls switch
            {
                TlsMode.None => SmtpTlsLevel.None,
                TlsMode.Optional => SmtpTlsLevel.May,
                _ => SmtpTlsLevel.Encrypt,
            };
        }
        foreach (var legacy in new[] { "smtpd_use_tls", "smtpd_enforce_tls" }.Where(import.IsSet))
        {
            if (main.Get("smtpd_tls_security_level").Length > 0)
                import.Warning(ImportCodes.Trap, legacy, $"{legacy} = {main.Get(legacy)} has no effect: smtpd_tls_security_level is set, and Postfix then ignores {legacy}. Imported from smtpd_tls_security_level as spec.tls.smtpSecurityLevel: {Spelling(tls.SmtpSecurityLevel)}.");
            else
                import.Info(ImportCodes.Imported, legacy, $"{legacy} = {main.Get(legacy)} (deprecated) imported as spec.tls.smtpSecurityLevel: {Spelling(tls.SmtpSecurityLevel)} (smtpd_tls_security_level = {Spelling(tls.SmtpSecurityLevel)}).");
        }

        var certificate = new[] { "smtpd_tls_chain_files", "smtpd_tls_cert_file" }.FirstOrDefault(p => main.Get(p) is { Length: > 0 } v && !v.Equals("none", StringComparison.OrdinalIgnoreCase));
        if (certificate is not null)
        {
            tls.SecretName = $"{import.Name}-tls";
            var files = certificate == "smtpd_tls_chain_files"
                ? $"--cert=<the certificates of {main.Get("smtpd_tls_chain_files")}> --key=<its key>"
                : $"--cert={main.Get("smtpd_tls_cert_file")} --key={main.Get("smtpd_tls_key_file")}";
            var ca = main.Get("smtpd_tls_CAfile") is { Length: > 0 } caFile ? $", then add {caFile} as its ca.crt key" : "";
            import.Warning(ImportCodes.NeedsInput, certificate, $"The certificate files become the kubernetes.io/tls Secret spec.tls.secretName: kubectl create secret tls {tls.SecretName} -n {import.Namespace} {files}{ca}. " +
                "Or set spec.tls.issuerRef instead, and cert-manager issues and renews it.");
        }

        if (int.TryParse(main.Get("smtpd_tls_loglevel"), out var level) && level is >= 0 and <= 4)
            tls.LogLevel = level;
        tls.ReceivedHeader = main.IsYes("smtpd_tls_received_header");
        if (main.Get("smtpd_tls_session_cache_timeout") is { Length: > 0 } timeout && timeout.All(c => char.IsAsciiDigit(c) || "smhdw".Contains(c)))
            tls.SessionCacheTimeout = timeout;
    }

    private static string Spelling(SmtpTlsLevel level) => level.ToString().ToLowerInvariant();
}
