using Mailsub.Core.Api;

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
}
