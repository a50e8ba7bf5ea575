using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>The main.cf parameters that name paths only the entrypoint knows. The rendered
/// main.cf names container defaults; these replace them in the runtime copy, so the same
/// ConfigMap runs in a pod, in tests and on a plain VM.</summary>
public static class RuntimeOverrides
{
    /// <param name="renderedPasswordMaps">smtp_sasl_password_maps as the mounted main.cf sets
    /// it; with --relay, it is pointed at the state directory's table unless it already is.</param>
    /// <param name="certificateFingerprints">The mounted certificate's (<see cref="TlsFingerprints"/>):
    /// the peers the handoff listener lets relay (QueueHandoff).</param>
    public static IReadOnlyList<KeyValuePair<string, string>> For(
        EntrypointOptions options, StateLayout state, bool hasCaFile, string? renderedPasswordMaps = null,
        IReadOnlyList<string>? certificateFingerprints = null)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("queue_directory", state.QueueDir),
            new("data_directory", state.DataDir),
            // Key before certificate: the order smtpd_tls_chain_files requires.
            new("smtpd_tls_chain_files",
                $"{Path.Combine(options.TlsDir, TlsFiles.Key)}, {Path.Combine(options.TlsDir, TlsFiles.Certificate)}"),
            // Empty when the Secret has no CA, so a rendered default never names a missing file.
            new("smtpd_tls_CAfile", hasCaFile ? Path.Combine(options.TlsDir, TlsFiles.CaCertificate) : ""),
            new("cyrus_sasl_config_path", StateLayout.SaslConfigDir(state.ConfigLink)),
        };
        if (certificateFingerprints is { Count: > 0 })
            parameters.Add(new("relay_clientcerts", QueueHandoff.ClientCertificates(certificateFingerprints)));
        if (options.Listen is { } listen)
            parameters.Add(new("inet_interfaces", listen));
        if (options.RelayDir is not null
            && RelayCredentials.PasswordMapsOverride(renderedPasswordMaps, state.RelayCredentials) is { } maps)
        {
            parameters.Add(new("smtp_sasl_password_maps", maps));
        }

        return parameters;
    }

    /// <summary>True when the TLS directory holds a non-empty ca.crt.</summary>
    public static bool HasCaFile(DirectorySnapshot tls) => tls[TlsFiles.CaCertificate] is { Length: > 0 };
}
