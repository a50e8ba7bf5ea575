namespace Mailsub.Postfix;

/// <summary>
/// Where things live in the Postfix container: the contract between the rendered config, the
/// Deployment's mounts and the entrypoint's defaults. Secrets are mounted read-only and copied by
/// the entrypoint; everything Postfix writes is under <see cref="State"/>, so the root filesystem
/// can stay read-only.
/// </summary>
public static class ContainerPaths
{
    /// <summary>The ConfigMap: main.cf, master.cf and smtpd.conf, all at the top level.</summary>
    public const string Config = "/etc/mailsub/config";

    /// <summary>
    /// smtpd.conf, relative to the config directory Postfix runs with: the entrypoint's runtime
    /// copy of <see cref="Config"/>, where it installs the ConfigMap's smtpd.conf. Debian's
    /// Postfix ignores cyrus_sasl_config_path and reads $config_directory/sasl/smtpd.conf;
    /// main.cf points cyrus_sasl_config_path at the same place, so upstream builds agree.
    /// </summary>
    public const string SaslConfigFile = StateLayout.SaslConfigDirName + "/" + SmtpdConf.FileName;

    /// <summary>The users Secret: one file per login name holding its password.</summary>
    public const string Users = "/etc/mailsub/users";

    /// <summary>The kubernetes.io/tls Secret: tls.key, tls.crt and optionally ca.crt.</summary>
    public const string Tls = "/etc/mailsub/tls";

    /// <summary>The smarthost credentials Secret: files username and password.</summary>
    public const string Relay = "/etc/mailsub/relay";

    /// <summary>The DKIM keys Secret: one PEM private key per key name (selector._domainkey.domain), as OpenDKIM's KeyTable names them.</summary>
    public const string Dkim = "/etc/mailsub/dkim";

    /// <summary>The emptyDir that holds the queue, Postfix's data, sasldb and the runtime config.</summary>
    public const string State = "/var/lib/mailsub";

    /// <summary>An emptyDir for /tmp: the root filesystem is read-only, and the entrypoint's tools may need scratch space.</summary>
    public const string Temp = "/tmp";

    /// <summary>The files under <see cref="State"/> that the rendered config names (queue, data,
    /// sasldb, relay credentials): the entrypoint's own layout, so the two cannot disagree.</summary>
    public static StateLayout StateLayout { get; } = new(State);

    public const string TlsKey = Tls + "/" + TlsFiles.Key;
    public const string TlsCertificate = Tls + "/" + TlsFiles.Certificate;
}

/// <summary>The keys of a kubernetes.io/tls Secret, as files in its mount.</summary>
public static class TlsFiles
{
    public const string Key = "tls.key";
    public const string Certificate = "tls.crt";
    public const string CaCertificate = "ca.crt";
}
