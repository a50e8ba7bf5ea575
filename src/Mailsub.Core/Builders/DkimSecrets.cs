using k8s.Models;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>
/// The DKIM key Secrets, laid out as the password Secrets are (one key per name, in name order):
/// the one the pods mount (<see cref="ChildNames.Dkim"/>), holding every key the KeyTable names,
/// and the one of keys the operator generated (<see cref="ChildNames.GeneratedDkimKeys"/>),
/// which it keeps as an input, not a function of the resource.
/// </summary>
public static class DkimSecrets
{
    /// <summary>Record names of the keys without a privateKeySecretRef, in name order.</summary>
    public static IReadOnlyList<string> GeneratedNames(ValidSubmission valid) =>
        valid.DkimKeys.Where(k => k.PrivateKeySecretRef is null).Select(k => k.RecordName).Order(StringComparer.Ordinal).ToList();

    /// <param name="keys">PEM private key by record name, for exactly the resource's keys.</param>
    public static V1Secret Mounted(ValidSubmission valid, IReadOnlyDictionary<string, string> keys)
    {
        Require(valid.DkimKeys.Select(k => k.RecordName).ToList(), keys, valid);
        return PasswordSecret.Build(valid, ChildNames.Dkim(valid), keys);
    }

    /// <param name="generated">PEM private key by record name, for exactly <see cref="GeneratedNames"/>.</param>
    public static V1Secret Generated(ValidSubmission valid, IReadOnlyDictionary<string, string> generated)
    {
        Require(GeneratedNames(valid), generated, valid);
        return PasswordSecret.Build(valid, ChildNames.GeneratedDkimKeys(valid), generated);
    }

    private static void Require(IReadOnlyList<string> names, IReadOnlyDictionary<string, string> keys, ValidSubmission valid)
    {
        if (names.Count != keys.Count || !names.All(keys.ContainsKey))
            throw new ArgumentException($"DKIM keys must cover exactly [{string.Join(", ", names)}] of {valid.Namespace}/{valid.Name}; got [{string.Join(", ", keys.Keys.Order(StringComparer.Ordinal))}]", nameof(keys));
    }
}
