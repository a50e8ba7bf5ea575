using Mailsub.Core.Api;
using Mailsub.Core.Builders;

namespace Mailsub.Operator;

/// <summary>
/// The Secrets a MailSubmission reads but does not own (<see cref="Prerequisites"/>). A change to
/// any of them enqueues the submission (an index by name: Secrets cannot carry an owner reference
/// to every reader).
/// </summary>
public static class SecretReferences
{
    public static IEnumerable<string> Of(MailSubmission submission) =>
        Prerequisites.Of(submission.Spec).Where(p => p.Kind == Prerequisites.Secret).Select(p => p.Name)
            // Our own Secret of generated passwords is read too (and deleted by hand, regenerated).
            .Append(submission.Metadata.Name + "-generated-passwords")
            .Append(submission.Metadata.Name + "-dkim-keys");
}
