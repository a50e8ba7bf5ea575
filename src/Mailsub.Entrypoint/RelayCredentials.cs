using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>The smarthost login held by the --relay Secret.</summary>
public sealed record RelayLogin(string Username, string Password);

/// <summary>Turns the relay credentials Secret (keys <c>username</c> and <c>password</c>) into
/// the texthash table that smtp_sasl_password_maps names: one line
/// <c>nexthop username:password</c> per relayhost destination, as SASL_README writes it.</summary>
/// <remarks>No message here ever contains the password.</remarks>
public static class RelayCredentials
{
    public const string UsernameKey = "username";
    public const string PasswordKey = "password";

    /// <summary>The login, or the problems that stop the Secret from being used. One trailing
    /// newline is dropped from each value, as a Secret made with --from-file often has one.</summary>
    public static (RelayLogin? Login, IReadOnlyList<string> Problems) From(DirectorySnapshot relay)
    {
        var problems = new List<string>();
        var username = Value(relay, UsernameKey, problems);
        var password = Value(relay, PasswordKey, problems);
        if (username is not null && (username.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || username.Contains(':')))
        {
            problems.Add($"{UsernameKey}: may not contain spaces, control characters or ':' " +
                "(Postfix splits username:password at the first colon)");
        }

        if (password is not null && password.Any(char.IsControl))
        {
            problems.Add($"{PasswordKey}: may not contain control characters such as a line break inside it " +
                "(the table holds one entry per line)");
        }
        else if (password is not null && (char.IsWhiteSpace(password[0]) || char.IsWhiteSpace(password[^1])))
        {
            problems.Add($"{PasswordKey}: may not start or end with a space (Postfix trims table values)");
        }

        return problems.Count == 0 ? (new RelayLogin(username!, password!), problems) : (null, problems);
    }

    /// <summary>The table: one line per destination of <paramref name="relayhost"/> (Postfix 3.5+
    /// takes a list separated by commas or spaces), keyed exactly as relayhost spells it, which is
    /// how smtp(8) looks a smarthost up. Null when relayhost names no destination.</summary>
    public static string? Table(string relayhost, RelayLogin login)
    {
        var destinations = relayhost.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (destinations.Length == 0)
            return null;
        var table = new StringBuilder();
        foreach (var destination in destinations)
            table.Append(destination).Append(' ').Append(login.Username).Append(':').Append(login.Password).Append('\n');
        return table.ToString();
    }

    /// <summary>The smtp_sasl_password_maps value that reads <paramref name="path"/>, or null
    /// when <paramref name="rendered"/> already says exactly that.</summary>
    public static string? PasswordMapsOverride(string? rendered, string path)
    {
        var wanted = $"texthash:{path}";
        return rendered == wanted ? null : wanted;
    }

    private static string? Value(DirectorySnapshot relay, string key, List<string> problems)
    {
        var text = relay.Text(key);
        if (text is not null && text.EndsWith('\n'))
            text = text[..^1];
        if (text is not null && text.EndsWith('\r'))
            text = text[..^1];
        if (string.IsNullOrEmpty(text))
        {
            problems.Add($"{key} is missing or empty");
            return null;
        }
        return text;
    }
}
