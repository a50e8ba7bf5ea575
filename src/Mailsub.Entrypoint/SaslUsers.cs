namespace Mailsub.Entrypoint;

/// <summary>One login from the users directory.</summary>
public sealed record SaslUser(string Login, byte[] Password);

/// <summary>One sasldb record: what saslpasswd2 gets as name, realm and password.</summary>
public sealed record SaslEntry(string Name, string Realm, byte[] Password);

/// <summary>Turns the users directory (file name = login, content = password) into sasldb
/// records.</summary>
public static class SaslUsers
{
    /// <summary>The users, or the problems that stop the directory from being used. saslpasswd2
    /// drops one trailing newline itself, so "secret\n" from a hand-made file is "secret".</summary>
    public static (IReadOnlyList<SaslUser> Users, IReadOnlyList<string> Problems) From(DirectorySnapshot users)
    {
        var valid = new List<SaslUser>();
        var problems = new List<string>();
        foreach (var (login, password) in users.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (login.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || login.StartsWith('@') || login.EndsWith('@'))
                problems.Add($"user file '{login}': a login may not contain spaces or control characters, or start or end with '@'");
            else if (password.Length == 0 || password is [(byte)'\n'])
                problems.Add($"user file '{login}': the password is empty");
            else if (password.Contains((byte)0))
                problems.Add($"user file '{login}': the password contains a NUL byte, which saslpasswd2 cannot store");
            else
                valid.Add(new SaslUser(login, password));
        }
        return (valid, problems);
    }

    /// <summary>One record per user and realm. A login that already names a domain
    /// ("alice@example.com", possible outside Kubernetes, whose Secret keys cannot hold '@')
    /// gets exactly that realm, as Cyrus splits it at the first '@'.</summary>
    public static IReadOnlyList<SaslEntry> Entries(IReadOnlyList<SaslUser> users, IReadOnlyList<string> realms) =>
        users.SelectMany(user =>
        {
            var at = user.Login.IndexOf('@');
            return at > 0
                ? [new SaslEntry(user.Login[..at], user.Login[(at + 1)..], user.Password)]
                : realms.Select(realm => new SaslEntry(user.Login, realm, user.Password));
        }).ToArray();
}
