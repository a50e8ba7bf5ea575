namespace Mailsub.Entrypoint;

/// <summary>The three mounted inputs as read at one moment.</summary>
public sealed record InputSnapshot(DirectorySnapshot Config, DirectorySnapshot Users, DirectorySnapshot Tls)
{
    public string Fingerprint => $"{Config.Fingerprint}/{Users.Fingerprint}/{Tls.Fingerprint}";
}
