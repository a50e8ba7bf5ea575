namespace Mailsub.Entrypoint;

/// <summary>What to redo when the inputs change.</summary>
/// <param name="RebuildConfig">Build, validate and install a new config generation.</param>
/// <param name="RebuildSaslDb">Rebuild the user database for changed users.</param>
/// <param name="Reload">Tell Postfix to re-read its config and restart idle daemons.</param>
/// <param name="Signer">Install OpenDKIM's files and keys again, and have it re-read them.</param>
public sealed record ApplyPlan(bool RebuildConfig, bool RebuildSaslDb, bool Reload, bool Signer = false)
{
    public static readonly ApplyPlan Nothing = new(false, false, false);

    public bool IsEmpty => this == Nothing;

    /// <summary>Compares what Postfix runs with what is mounted now.</summary>
    public static ApplyPlan Between(InputSnapshot applied, InputSnapshot current)
    {
        var config = applied.Config.Fingerprint != current.Config.Fingerprint;
        var users = applied.Users.Fingerprint != current.Users.Fingerprint;
        var tls = applied.Tls.Fingerprint != current.Tls.Fingerprint;
        var relay = applied.Relay.Fingerprint != current.Relay.Fingerprint;
        var dkim = applied.Dkim.Fingerprint != current.Dkim.Fingerprint;
        return new ApplyPlan(
            // The TLS directory decides smtpd_tls_CAfile and must be checked before Postfix
            // is pointed at it again. The relay credentials table is keyed by main.cf's
            // relayhost, so it is rebuilt along with the config.
            RebuildConfig: config || tls || relay,
            // A config change can change the realms too; the installer sees that once it has
            // asked postconf, and rebuilds then.
            RebuildSaslDb: users,
            // smtpd reads its certificate when it starts, so rotation means new daemons; smtp
            // reads a texthash table when it starts too. Cyrus opens sasldb on every lookup,
            // so users alone need no reload.
            Reload: config || tls || relay,
            // OpenDKIM's files come with the config, its keys from their own Secret; it re-reads
            // both on SIGUSR1, and Postfix needs no reload for a key alone.
            Signer: config || dkim);
    }
}
