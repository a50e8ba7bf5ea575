namespace Mailsub.Entrypoint;

/// <summary>The mounted inputs as read at one moment. <paramref name="Relay"/> and
/// <paramref name="Dkim"/> are empty when the entrypoint was given no --relay or --dkim directory.</summary>
public sealed record InputSnapshot(
    DirectorySnapshot Config, DirectorySnapshot Users, DirectorySnapshot Tls, DirectorySnapshot Relay, DirectorySnapshot Dkim)
{
    public string Fingerprint => $"{Config.Fingerprint}/{Users.Fingerprint}/{Tls.Fingerprint}/{Relay.Fingerprint}/{Dkim.Fingerprint}";
}
