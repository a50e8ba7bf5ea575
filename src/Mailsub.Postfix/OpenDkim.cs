namespace Mailsub.Postfix;

/// <summary>
/// OpenDKIM beside Postfix: the files the ConfigMap carries, where the entrypoint installs them
/// (<see cref="StateLayout.OpenDkimDir"/>, OpenDKIM's BaseDirectory, so the tables name their
/// key files relative to it), and the socket smtpd talks to. opendkim.conf(5) syntax: one
/// "Name value" per line, '#' starts a comment; the last definition of a name wins.
/// </summary>
public static class OpenDkim
{
    public const string ConfFileName = "opendkim.conf";
    public const string KeyTableFileName = "KeyTable";
    public const string SigningTableFileName = "SigningTable";

    /// <summary>The key files' directory under BaseDirectory: copies of the dkim Secret's keys,
    /// owned by the opendkim user and mode 0600, as RequireSafeKeys wants them.</summary>
    public const string KeysDirName = "keys";

    /// <summary>The socket's directory, under the queue directory: smtpd(8) runs there (every
    /// Postfix daemon changes to queue_directory), so <see cref="MilterAddress"/> is relative to it
    /// and the rendered master.cf works in any state directory.</summary>
    public const string SocketDirName = "opendkim";

    public const string SocketFileName = "opendkim.sock";

    /// <summary>smtpd_milters, as MILTER_README spells a UNIX-domain socket relative to the queue directory.</summary>
    public const string MilterAddress = "unix:" + SocketDirName + "/" + SocketFileName;

    /// <summary>A KeyTable's key path: "./" makes OpenDKIM read a file (relative to BaseDirectory)
    /// rather than take the value as the key itself.</summary>
    public static string KeyPath(string keyName) => $"./{KeysDirName}/{keyName}";

    /// <summary>Replaces each named setting's lines (all of them) with one line at the end, as
    /// the entrypoint points a rendered opendkim.conf at its own state directory.</summary>
    public static string WithSettings(string conf, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var kept = new List<string>();
        foreach (var line in TextLines.Split(conf))
        {
            if (!Replaced(line, settings))
                kept.Add(line);
        }
        while (kept.Count > 0 && kept[^1].Length == 0)
            kept.RemoveAt(kept.Count - 1);
        kept.Add("# mailsub-entrypoint: the pod's own paths");
        foreach (var setting in settings)
            kept.Add($"{setting.Key} {setting.Value}");
        return TextLines.Join(kept);
    }

    // OpenDKIM matches setting names without regard to case.
    private static bool Replaced(string line, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        if (TextLines.IsBlankOrComment(line))
            return false;
        var text = line.TrimStart();
        var end = text.IndexOfAny([' ', '\t']);
        var name = end < 0 ? text : text[..end];
        foreach (var setting in settings)
        {
            if (string.Equals(setting.Key, name, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
