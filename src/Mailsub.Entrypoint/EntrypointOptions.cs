using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>What the entrypoint was told on its command line. Every path is absolute:
/// Postfix ignores a relative <c>-c</c> directory without saying so.</summary>
/// <param name="RelayDir">The smarthost credentials Secret (<c>username</c>, <c>password</c>),
/// or null when Postfix logs in to no relay host.</param>
/// <param name="HealthPort">Where the kubelet's probes are answered (<see cref="HealthServer"/>), or null.</param>
/// <param name="Checks">The listeners /readyz talks SMTP to.</param>
/// <param name="DkimDir">The DKIM keys Secret (one PEM key per KeyTable name), or null without spec.dkim.</param>
public sealed record EntrypointOptions(
    string ConfigDir,
    string UsersDir,
    string TlsDir,
    string StateDir,
    string? Listen,
    TimeSpan Grace,
    string? RelayDir = null,
    int? HealthPort = null,
    IReadOnlyList<ListenerCheck>? Checks = null,
    string? DkimDir = null)
{
    // The container's mount points, where the operator's pod template mounts the ConfigMap,
    // the user Secret, the certificate Secret and the state volume.
    public const string DefaultConfigDir = ContainerPaths.Config;
    public const string DefaultUsersDir = ContainerPaths.Users;
    public const string DefaultTlsDir = ContainerPaths.Tls;
    public const string DefaultStateDir = ContainerPaths.State;

    // Kubernetes waits 30 s by default before SIGKILL; leave room for "postfix stop".
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(25);
}
