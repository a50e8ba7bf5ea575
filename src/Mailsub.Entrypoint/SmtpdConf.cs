using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>Edits the Cyrus SASL application file (smtpd.conf).</summary>
public static class SmtpdConf
{
    /// <summary>Points <c>sasldb_path:</c> at <paramref name="path"/>, adding the line when
    /// the file has none.</summary>
    public static string WithSaslDbPath(string text, string path)
    {
        var output = new StringBuilder();
        bool replaced = false;
        foreach (string line in MainCf.Lines(text))
        {
            if (line.TrimStart().StartsWith("sasldb_path:", StringComparison.Ordinal))
            {
                if (!replaced)
                    output.Append("sasldb_path: ").Append(path).Append('\n');
                replaced = true;
                continue;
            }
            output.Append(line).Append('\n');
        }
        if (!replaced)
            output.Append("sasldb_path: ").Append(path).Append('\n');
        return output.ToString();
    }
}
