using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests;

/// <summary>
/// Test data in one line, as cert-manager's gen.Certificate("x", gen.SetX(...)) does: a minimal
/// valid MailSubmission, then the changes a test cares about.
/// </summary>
public static class Gen
{
    public static MailSubmission Submission(string name, params Action<MailSubmissionSpec>[] changes)
    {
        var resource = new MailSubmission
        {
            Metadata = new() { Name = name, NamespaceProperty = "mail" },
            Spec = new MailSubmissionSpec
            {
                Hostname = "mail.example.com",
                Tls = new TlsSpec { SecretName = name + "-tls" },
                Auth = new AuthSpec { Users = [new UserSpec { Name = "alice" }] },
            },
        };
        foreach (var change in changes)
            change(resource.Spec);
        return resource;
    }

    public static ValidSubmission Valid(MailSubmission resource)
    {
        var result = SubmissionValidator.Validate(resource);
        Assert.True(result.Valid is not null, result.ToString());
        return result.Valid!;
    }
}
