using Mailsub.Core.Api;
using Mailsub.Core.Builders;

namespace Mailsub.Operator;

/// <summary>
/// The Secrets a MailSubmission reads but does not own: user passwords, the TLS secretName and
/// the relay credentials. A change to any of them enqueues the submission (an index by name:
/// Secrets cannot carry an owner reference to every reader).
/// </summary>
public static class SecretReferences
{
    public static IEnumerable<string> Of(MailSubmission submission)
    {
        var spec = submission.Spec;
        foreach (var user in spec.Auth.Users)
        {
            if (user.PasswordSecretRef is { } r)
            {
                yield return r.Name;
            }
        }
        if (spec.Tls.SecretName is { Length: > 0 } tls)
        {
            yield return tls;
        }
        if (spec.RelayHost?.CredentialsSecretRef is { } relay)
        {
            yield return relay.Name;
        }
        // Our own Secret of generated passwords is read too (and deleted by hand, regenerated).
        yield return submission.Metadata.Name + "-generated-passwords";
    }

    /// <summary>The TLS Secret's name by the spec alone (valid or not).</summary>
    public static string? TlsSecretName(MailSubmission submission) =>
        submission.Spec.Tls.SecretName is { Length: > 0 } s ? s
        : submission.Spec.Tls.IssuerRef is not null ? submission.Metadata.Name + "-tls" : null;

    internal static string GeneratedPasswordsName(string submissionName) => submissionName + "-generated-passwords";

    internal static bool IsTlsSecretOf(MailSubmission submission, string secretName) => TlsSecretName(submission) == secretName;

    internal static string SubmissionLabel => ChildMetadata.SubmissionLabel;
}
