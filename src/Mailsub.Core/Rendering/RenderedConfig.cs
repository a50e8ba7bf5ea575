using System.Security.Cryptography;
using System.Text;

namespace Mailsub.Core.Rendering;

/// <summary>The three files Postfix and Cyrus SASL read, OpenDKIM's three with spec.dkim, and a
/// hash that changes when any of them does.</summary>
public sealed record RenderedConfig
{
    public RenderedConfig(string mainCf, string masterCf, string smtpdConf, OpenDkimFiles? openDkim = null)
    {
        MainCf = mainCf;
        MasterCf = masterCf;
        SmtpdConf = smtpdConf;
        OpenDkim = openDkim;
        Hash = HashOf(Files);
    }

    public string MainCf { get; }
    public string MasterCf { get; }
    public string SmtpdConf { get; }

    /// <summary>Null without spec.dkim: then the files, and the hash, are what they were before DKIM existed.</summary>
    public OpenDkimFiles? OpenDkim { get; }

    /// <summary>Lower-case SHA-256 hex over the file names and contents.</summary>
    public string Hash { get; }

    /// <summary>The files by name, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Files =>
        OpenDkim is not { } dkim
            ?
            [
                new(Postfix.MainCf.FileName, MainCf),
                new(Postfix.MasterCf.FileName, MasterCf),
                new(Postfix.SmtpdConf.FileName, SmtpdConf),
            ]
            :
            [
                new(Postfix.MainCf.FileName, MainCf),
                new(Postfix.MasterCf.FileName, MasterCf),
                new(Postfix.SmtpdConf.FileName, SmtpdConf),
                new(Postfix.OpenDkim.ConfFileName, dkim.Conf),
                new(Postfix.OpenDkim.KeyTableFileName, dkim.KeyTable),
                new(Postfix.OpenDkim.SigningTableFileName, dkim.SigningTable),
            ];

    // Each file is framed by its name and length, so moving text from one file to another
    // changes the hash too.
    private static string HashOf(IReadOnlyList<KeyValuePair<string, string>> files)
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

/// <summary>opendkim.conf and its two tables (<see cref="Postfix.OpenDkim"/>). No key: the keys
/// live in Secrets only, and the tables name them by file.</summary>
public sealed record OpenDkimFiles(string Conf, string KeyTable, string SigningTable);
