using Mailsub.Core.Api;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Operator;

/// <summary>
/// The MailSubmission kind: typed (the core's model) for the cache, JSON for status applies. The
/// children are JSON objects too (<see cref="ChildKind"/>), so one apply path serves typed
/// builders, cert-manager's Certificate and policy/v1beta1 PodDisruptionBudgets alike.
/// </summary>
public static class SubmissionKinds
{
    public static readonly ApiResource SubmissionResource =
        new(MailSubmission.Group, MailSubmission.Version, MailSubmission.Plural, MailSubmission.KindValue);

    public static readonly TypedKind<MailSubmission> Submissions =
        new(SubmissionResource, ApiJsonContext.Default.MailSubmission, m => m.Metadata, m =>
        {
            m.ApiVersion = MailSubmission.ApiVersionValue;
            m.Kind = MailSubmission.KindValue;
        });

    /// <summary>The submission as JSON, for status applies (a body of status and identity only).</summary>
    public static readonly JsonObjectKind SubmissionsJson = new(SubmissionResource);
}
