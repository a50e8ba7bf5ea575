using Mailsub.Core.Api;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Policy;

/// <summary>
/// The one judgement of a MailSubmission: validation, then the policy of the configuration it
/// renders. The reconciler (before it applies anything) and the admission webhook (before the API
/// server stores the object) both run this, so they cannot disagree about what is refused.
/// </summary>
public sealed class SubmissionCheck
{
    private SubmissionCheck(ValidationResult validation, RenderedConfig? rendered, PolicyReport? report)
    {
        Validation = validation;
        Rendered = rendered;
        Report = report;
    }

    public ValidationResult Validation { get; }

    /// <summary>The rendered files; null when validation failed.</summary>
    public RenderedConfig? Rendered { get; }

    /// <summary>The policy of <see cref="Rendered"/>; null when validation failed.</summary>
    public PolicyReport? Report { get; }

    /// <summary>Validates, renders and analyses.</summary>
    /// <param name="secretCertificate">
    /// The spec.tls.secretName certificate, for the policy to judge its key: the caller reads it
    /// (the core does no IO); null when there is none to read.
    /// </param>
    public static async ValueTask<SubmissionCheck> RunAsync(MailSubmission submission,
        Func<ValidSubmission, ValueTask<ExistingCertificate?>> secretCertificate)
    {
        var validation = SubmissionValidator.Validate(submission);
        if (validation.Valid is not { } valid)
            return new SubmissionCheck(validation, null, null);
        var rendered = PostfixRenderer.Render(valid);
        var report = PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf,
            await secretCertificate(valid).ConfigureAwait(false)));
        return new SubmissionCheck(validation, rendered, report);
    }

    /// <summary>
    /// The same check without a cluster to read the spec.tls.secretName Secret from (`mailsub
    /// lint`): the policy judges what the spec alone says, as it does while that Secret is missing.
    /// </summary>
    public static SubmissionCheck Offline(MailSubmission submission)
    {
        // With no certificate to await, RunAsync completes synchronously: Result does not block,
        // and lint runs the very code the reconciler and the webhook run.
        var check = RunAsync(submission, _ => ValueTask.FromResult<ExistingCertificate?>(null));
        return check.Result;
    }
}
