using System.Security.Cryptography;
using System.Text;

namespace Mailsub.Core.Rendering;

/// <summary>The three files Postfix and Cyrus SASL read, and a hash that changes when any of them does.</summary>
public sealed record RenderedConfig
{
    public RenderedConfig(string mainCf, string masterCf, string smtpdConf)
    {
        MainCf = mainCf;
        MasterCf = masterCf;
        SmtpdConf = smtpdConf;
        Hash = HashOf((Postfix.MainCf.FileName, mainCf), (Postfix.MasterCf.FileName, masterCf), (Postfix.SmtpdConf.FileName, smtpdConf));
    }

    public string MainCf { get; }
    public string MasterCf { get; }
    public string SmtpdConf { get; }

    /// <summary>Lower-case SHA-256 hex over the file names and contents.</summary>
    public string Hash { get; }

    /// <summary>The files by name, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Files =>
    [
        new(Postfix.MainCf.FileName, MainCf),
        new(Postfix.MasterCf.FileName, MasterCf),
        new(Postfix.SmtpdConf.FileName, SmtpdConf),
    ];

    // Each file is framed by its name and length, so moving text from one file to another
    // changes the hash too.
    private static string HashOf(params (string Name, string Content)[] files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, content) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}\n{bytes.Length}\n"));
            sha.AppendData(bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
