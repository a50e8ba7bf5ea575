using Mailsub.Core.Api;

namespace Mailsub.Core.Validation;

/// <summary>One DKIM key of spec.dkim with its defaults resolved: the domain's only key when keys
/// is empty, and whether it is the domain's signing selector.</summary>
public sealed record DkimKey(string Domain, string Selector, SecretKeyReference? PrivateKeySecretRef, bool Signs)
{
    /// <summary>Where verifiers look the public key up (RFC 6376 3.6.2.1); also the key's name in
    /// OpenDKIM's KeyTable and in the Secrets, since no two keys share it.</summary>
    public string RecordName => $"{Selector}._domainkey.{Domain}";
}
