using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>
/// Names of the objects a MailSubmission owns, derived from its name alone so the controller can
/// find them again. The validator keeps names to 50 characters, leaving room for the suffixes.
/// </summary>
public static class ChildNames
{
    /// <summary>The ConfigMap, the Deployment and the PodDisruptionBudget.</summary>
    public static string Postfix(ValidSubmission valid) => valid.Name + "-postfix";

    /// <summary>The Service: clients connect to the resource's own name.</summary>
    public static string Service(ValidSubmission valid) => valid.Name;

    /// <summary>The ClusterIP Service a draining pod hands its queue to (QueueHandoff).</summary>
    public static string Peers(ValidSubmission valid) => valid.Name + "-peers";

    /// <summary>The Secret with every user's password, one key per login name.</summary>
    public static string Users(ValidSubmission valid) => valid.Name + "-users";

    /// <summary>The Secret with the passwords the operator generated, one key per login name.</summary>
    public static string GeneratedPasswords(ValidSubmission valid) => valid.Name + "-generated-passwords";

    /// <summary>The Secret the pods mount with every DKIM private key, one key per record name (selector._domainkey.domain).</summary>
    public static string Dkim(ValidSubmission valid) => valid.Name + "-dkim";

    /// <summary>The Secret with the DKIM keys the operator generated, one key per record name; never regenerated.</summary>
    public static string GeneratedDkimKeys(ValidSubmission valid) => valid.Name + "-dkim-keys";

    /// <summary>The cert-manager Certificate, and the Secret it writes.</summary>
    public static string Certificate(ValidSubmission valid) => valid.Name + "-tls";

    /// <summary>The kubernetes.io/tls Secret Postfix mounts: cert-manager's, or the one the resource names.</summary>
    public static string? TlsSecret(ValidSubmission valid) => valid.TlsSource switch
    {
        TlsSource.Issuer => Certificate(valid),
        TlsSource.Secret => valid.Spec.Tls.SecretName,
        _ => null,
    };
}
