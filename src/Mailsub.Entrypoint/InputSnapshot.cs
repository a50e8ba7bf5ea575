namespace Mailsub.Entrypoint;

/// <summary>The mounted inputs as read at one moment. <paramref name="Relay"/> is empty when
/// the entrypoint was given no --relay directory.</summary>
public sealed record InputSnapshot(
    DirectorySnapshot Config, DirectorySnapshot Users, DirectorySnapshot Tls, DirectorySnapshot Relay)
{
    public string Fingerprint => $"{Config.Fingerprint}/{Users.Fingerprint}/{Tls.Fingerprint}/{Relay.Fingerprint}";
}
