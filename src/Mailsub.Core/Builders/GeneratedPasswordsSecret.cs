using k8s.Models;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>
/// The passwords the operator generated for users without a passwordSecretRef, one key per login
/// name. The controller generates each password once and keeps it; this names the Secret, says
/// which users need one, and lays it out.
/// </summary>
public static class GeneratedPasswordsSecret
{
    /// <summary>Login names without a passwordSecretRef, in name order.</summary>
    public static IReadOnlyList<string> Logins(ValidSubmission valid) =>
        valid.Spec.Auth.Users.Where(u => u.PasswordSecretRef is null).Select(u => u.Name).Order(StringComparer.Ordinal).ToList();

    /// <param name="generated">Password by login name, for exactly <see cref="Logins"/>.</param>
    public static V1Secret Build(ValidSubmission valid, IReadOnlyDictionary<string, string> generated)
    {
        var logins = Logins(valid);
        if (logins.Count != generated.Count || !logins.All(generated.ContainsKey))
            throw new ArgumentException($"generated passwords must cover exactly [{string.Join(", ", logins)}] of {valid.Namespace}/{valid.Name}; got [{string.Join(", ", generated.Keys.Order(StringComparer.Ordinal))}]", nameof(generated));
        return PasswordSecret.Build(valid, ChildNames.GeneratedPasswords(valid), generated);
    }
}
