using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Mailsub.Core.Rendering;
using Mailsub.Postfix;

namespace Mailsub.Rendering.PostfixTests;

/// <summary>
/// A rendered configuration written the way the entrypoint lays it out, with the container paths
/// moved into a temporary directory: a config directory (main.cf, master.cf, sasl/smtpd.conf), a
/// self-signed certificate, and the state directory with its queue. The temporary directory is
/// under /var because maillog_file must start with one of maillog_file_prefixes; the log is a
/// file there, since `postfix check` reports only to maillog_file when one is set.
/// </summary>
internal sealed partial class ConfigTree : IDisposable
{
    [GeneratedRegex("^maillog_file = .*$", RegexOptions.Multiline)]
    private static partial Regex MaillogRegex();

    private ConfigTree(string root) => Root = root;

    public string Root { get; }
    public string Config => Path.Combine(Root, "config");
    public string Log => Path.Combine(Root, "maillog");

    public static ConfigTree Write(RenderedConfig rendered)
    {
        var tree = new ConfigTree(Path.Combine("/var/tmp", "mailsub-postfix-tests", Guid.NewGuid().ToString("n")));
        var state = Path.Combine(tree.Root, "state");
        var tls = Path.Combine(tree.Root, "tls");
        Directory.CreateDirectory(Path.Combine(tree.Config, Path.GetDirectoryName(ContainerPaths.SaslConfigFile)!));
        Directory.CreateDirectory(Path.Combine(state, "queue"));
        Directory.CreateDirectory(tls);

        string Relocate(string text) => text.Replace(ContainerPaths.State, state).Replace(ContainerPaths.Tls, tls);
        WriteSettled(Path.Combine(tree.Config, MainCf.FileName), MaillogRegex().Replace(Relocate(rendered.MainCf), "maillog_file = " + tree.Log));
        WriteSettled(Path.Combine(tree.Config, MasterCf.FileName), rendered.MasterCf);
        WriteSettled(Path.Combine(tree.Config, ContainerPaths.SaslConfigFile), Relocate(rendered.SmtpdConf));
        WriteCertificate(Relocate(ContainerPaths.TlsKey), Relocate(ContainerPaths.TlsCertificate));
        return tree;
    }

    public string ReadLog() => File.Exists(Log) ? File.ReadAllText(Log) : "";

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>
    /// Postfix rereads a table file modified within the last second, sleeping in between, in
    /// case it is still being written: an old modification time keeps postconf at milliseconds.
    /// </summary>
    private static void WriteSettled(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1));
    }

    private static void WriteCertificate(string keyFile, string certificateFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mail.example.com", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
    }
}
