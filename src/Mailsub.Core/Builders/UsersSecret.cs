using k8s.Models;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>
/// Every SASL user's password, one key per login name, which the entrypoint loads into sasldb.
/// The controller resolves the passwords (the referenced Secrets, or the generated ones);
/// this only lays them out.
/// </summary>
public static class UsersSecret
{
    /// <param name="passwords">Password by login name, for exactly the resource's users.</param>
    public static V1Secret Build(ValidSubmission valid, IReadOnlyDictionary<string, string> passwords)
    {
        var logins = valid.Spec.Auth.Users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var missing = logins.Where(login => !passwords.ContainsKey(login)).Order(StringComparer.Ordinal).ToList();
        var unknown = passwords.Keys.Where(login => !logins.Contains(login)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
            throw new ArgumentException($"passwords must cover exactly the users of {valid.Namespace}/{valid.Name}; missing: [{string.Join(", ", missing)}], not users: [{string.Join(", ", unknown)}]", nameof(passwords));
        return PasswordSecret.Build(valid, ChildNames.Users(valid), passwords);
    }
}
