using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.Serialization;
using Mailsub.Core.Status;
using Mailsub.Core.Validation;

namespace Mailsub.Operator;

/// <summary>
/// Resolves every SASL user's password: from its referenced Secret key (only read, never
/// modified), or from the operator's own Secret of generated passwords. A password is generated
/// once, stored before it is used, and read back ever after (from the cache, or a direct GET when
/// the cache has not seen the Secret yet), so it survives reconciles and operator restarts.
/// </summary>
public sealed class UserPasswords(SecretReader secrets, ChildApplier applier)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    public const int GeneratedLength = 24;

    public async Task<UsersResolution> ResolveAsync(ValidSubmission valid, CancellationToken ct)
    {
        var passwords = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var user in valid.Spec.Auth.Users)
        {
            if (user.PasswordSecretRef is not { } reference)
            {
                continue;
            }
            var data = await secrets.ReadAsync(valid.Namespace, reference.Name, ct).ConfigureAwait(false);
            if (data is null)
            {
                missing.Add($"Secret {reference.Name} (user {user.Name}) not found");
            }
            else if (!data.TryGetValue(reference.Key, out var bytes) || bytes.Length == 0)
            {
                missing.Add($"key {reference.Key} of Secret {reference.Name} (user {user.Name}) not found or empty");
            }
            else
            {
                passwords[user.Name] = Encoding.UTF8.GetString(bytes);
            }
        }
        if (missing.Count > 0)
        {
            return new UsersResolution(null, ConditionReasons.PasswordSecretMissing,
                string.Join("; ", missing) + ". Create it in namespace " + valid.Namespace + ", or remove passwordSecretRef to have a password generated.");
        }
        foreach (var (login, password) in await GeneratedAsync(valid, ct).ConfigureAwait(false))
        {
            passwords[login] = password;
        }
        return new UsersResolution(passwords, ConditionReasons.UsersResolved, $"{passwords.Count} SASL user(s) have passwords.");
    }

    /// <summary>The generated passwords of the users without a reference, generating only the new ones.</summary>
    private async Task<IReadOnlyDictionary<string, string>> GeneratedAsync(ValidSubmission valid, CancellationToken ct)
    {
        var logins = GeneratedPasswordsSecret.Logins(valid);
        if (logins.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        var name = ChildNames.GeneratedPasswords(valid);
        // The cache may not have seen a Secret written moments ago: when it has none, ask the server.
        var stored = await secrets.ReadAsync(valid.Namespace, name, ct).ConfigureAwait(false)
            ?? await secrets.GetAsync(valid.Namespace, name, ct).ConfigureAwait(false);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = stored is null;
        foreach (var login in logins)
        {
            if (stored is not null && stored.TryGetValue(login, out var bytes) && bytes.Length > 0)
            {
                result[login] = Encoding.UTF8.GetString(bytes);
            }
            else
            {
                result[login] = Generate();
                changed = true;
            }
        }
        changed |= stored is not null && stored.Keys.Any(k => !result.ContainsKey(k));
        if (changed)
        {
            var body = (JsonObject)ObjectJson.ToNode(GeneratedPasswordsSecret.Build(valid, result));
            var written = await applier.ApplyAsync(valid.Resource, body, ct).ConfigureAwait(false);
            secrets.Remember(written.Written);
        }
        return result;
    }

    /// <summary>24 characters from a 56-letter alphabet (about 139 bits), without look-alikes.</summary>
    public static string Generate()
    {
        return RandomNumberGenerator.GetString(Alphabet, GeneratedLength);
    }
}
