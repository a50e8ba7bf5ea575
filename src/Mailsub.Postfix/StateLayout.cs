namespace Mailsub.Postfix;

/// <summary>Where things live under the state directory (<see cref="ContainerPaths.State"/> in a pod).</summary>
/// <remarks>The runtime config directory is a symlink to one generation directory, swapped
/// with rename(2) as Kubernetes swaps "..data": Postfix never sees a half-installed set of
/// main.cf, master.cf and sasl/smtpd.conf.</remarks>
public sealed record StateLayout(string Root)
{
    public string QueueDir => Path.Combine(Root, "queue");
    public string DataDir => Path.Combine(Root, "data");
    public string SaslDb => Path.Combine(Root, "sasldb2");

    /// <summary>The smarthost credentials table: smtp_sasl_password_maps (texthash), one
    /// `[host]:port username:password` line per relayhost from the --relay files, mode 0600 root
    /// as SASL_README does with its password file; smtp(8) opens its tables before it drops root.</summary>
    public string RelayCredentials => Path.Combine(Root, "relay-credentials");

    /// <summary>OpenDKIM's BaseDirectory: its runtime opendkim.conf, tables and key copies (<see cref="OpenDkim"/>).</summary>
    public string OpenDkimDir => Path.Combine(Root, "opendkim");

    /// <summary>The milter socket's directory, which smtpd finds relative to the queue directory (<see cref="OpenDkim.MilterAddress"/>).</summary>
    public string OpenDkimSocketDir => Path.Combine(QueueDir, OpenDkim.SocketDirName);

    public string OpenDkimSocket => Path.Combine(OpenDkimSocketDir, OpenDkim.SocketFileName);

    /// <summary>What <c>postfix -c</c> is given: a symlink to the live generation.</summary>
    public string ConfigLink => Path.Combine(Root, "etc");

    public const string GenerationPrefix = "etc.";

    public string GenerationDir(long generation) => Path.Combine(Root, GenerationPrefix + generation);

    /// <summary>The Cyrus config directory inside a config directory. Debian's Postfix looks
    /// for smtpd.conf in $config_directory/sasl whatever cyrus_sasl_config_path says (seen
    /// with strace on 3.7.11), so the file goes exactly there and the parameter names the
    /// same place for builds that honour it.</summary>
    public static string SaslConfigDir(string configDir) => Path.Combine(configDir, SaslConfigDirName);

    public const string SaslConfigDirName = "sasl";

    /// <summary>Parses a generation number out of a directory name, or null.</summary>
    public static long? GenerationOf(string directoryName) =>
        directoryName.StartsWith(GenerationPrefix, StringComparison.Ordinal)
        && long.TryParse(directoryName.AsSpan(GenerationPrefix.Length), out var n)
            ? n
            : null;
}
