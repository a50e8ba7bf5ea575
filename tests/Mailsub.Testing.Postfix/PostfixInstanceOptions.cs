namespace Mailsub.Testing.Postfix;

/// <summary>What a <see cref="PostfixInstance"/> runs.</summary>
public sealed class PostfixInstanceOptions
{
    /// <summary>A directory holding main.cf, master.cf and smtpd.conf as the renderer writes
    /// them (container paths, numeric inet service ports such as 587).</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary>Login name to password, written as the users Secret would be.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>The TLS Secret; a fresh self-signed certificate for mail.example.test when null.</summary>
    public TlsMaterial? Tls { get; init; }

    /// <summary>The smarthost credentials Secret (keys <c>username</c> and <c>password</c>);
    /// when set, the entrypoint runs with --relay. Null: no --relay.</summary>
    public IReadOnlyDictionary<string, string>? RelayCredentials { get; init; }

    /// <summary>The DKIM keys Secret (key name to PEM), when the config has opendkim.conf; when
    /// set, the entrypoint runs with --dkim. Null: no --dkim.</summary>
    public IReadOnlyDictionary<string, string>? DkimKeys { get; init; }

    /// <summary>main.cf parameters set on top of the rendered file. relayhost points at the
    /// instance's <see cref="SmtpSink"/> unless given here.</summary>
    public IReadOnlyDictionary<string, string> MainCfParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The entrypoint to run: a NativeAOT binary or a .dll. Default: the
    /// MAILSUB_ENTRYPOINT environment variable, else the mailsub-entrypoint.dll built next to
    /// this assembly.</summary>
    public string? Entrypoint { get; init; }

    /// <summary>Passed as --grace.</summary>
    public int GraceSeconds { get; init; } = 10;

    /// <summary>How long start-up may take before <see cref="PostfixInstance.StartAsync"/> fails.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
