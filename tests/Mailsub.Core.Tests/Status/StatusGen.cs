using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Probe;
using Mailsub.Core.Rendering;
using Mailsub.Core.Status;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Status;

/// <summary>
/// What a reconcile gathers, in one line: <see cref="Input"/> gathers for a resource as the
/// reconciler does and finds everything settled (users resolved, nothing written, Certificate
/// issued, Deployment available), then the changes a test cares about apply.
/// </summary>
public static class StatusGen
{
    public static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly ObservedCondition True = new(ConditionStatus.True, "Certificate is up to date and has not expired");

    public static MailSubmission Resource(string name, params Action<MailSubmissionSpec>[] changes)
    {
        var resource = Gen.Submission(name, changes);
        resource.Metadata.Generation = 1;
        return resource;
    }

    public static StatusInput Input(MailSubmission resource, params Func<StatusInput, StatusInput>[] changes)
    {
        var input = new StatusInput { Submission = resource, Now = Now, Validation = SubmissionValidator.Validate(resource) };
        if (input.Validation.Valid is { } valid)
        {
            var rendered = PostfixRenderer.Render(valid);
            input = input with
            {
                Policy = PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf)),
                ConfigHash = rendered.Hash,
                Users = new UsersResolution(valid.Spec.Auth.Users.ToDictionary(u => u.Name, u => "password-of-" + u.Name),
                    ConditionReasons.UsersResolved, $"{valid.Spec.Auth.Users.Count} SASL user(s) have passwords."),
                Children = new ChildrenObservation(0, CertManagerInstalled: true, CertificateReady: True, TlsSecretFound: true,
                    new DeploymentObservation(1, 1, new ObservedCondition(ConditionStatus.True, "Deployment has minimum availability."))),
            };
        }
        return changes.Aggregate(input, (i, change) => change(i));
    }

    /// <summary>The probe is on and its last result, for the configuration just applied, has this status.</summary>
    public static Func<StatusInput, StatusInput> Probed(string status, string reason, string message = "seen") =>
        i => i with { ProbeEnabled = true, LiveProbe = new LiveProbeResult(i.ConfigHash ?? "", status, reason, message) };

    public static Func<StatusInput, StatusInput> ProbeOn => i => i with { ProbeEnabled = true };

    public static Func<StatusInput, StatusInput> UsersMissing(string message) =>
        i => i with { Users = new UsersResolution(null, ConditionReasons.PasswordSecretMissing, message) };

    public static Func<StatusInput, StatusInput> Children(Func<ChildrenObservation, ChildrenObservation> change) =>
        i => i with { Children = change(i.Children!) };

    public static Func<StatusInput, StatusInput> Writes(int writes) => Children(c => c with { Writes = writes });

    public static Func<StatusInput, StatusInput> Deployment(DeploymentObservation? deployment) => Children(c => c with { Deployment = deployment });

    /// <summary>The resource now carries the status <paramref name="input"/> evaluates to, as after a write.</summary>
    public static MailSubmission Written(StatusInput input)
    {
        var resource = Gen.Submission(input.Submission.Metadata.Name);
        resource.Metadata.Generation = input.Submission.Metadata.Generation;
        resource.Spec = input.Submission.Spec;
        resource.Status = SubmissionHealth.Evaluate(input);
        return resource;
    }

    public static void IssuedBy(MailSubmissionSpec spec)
    {
        spec.Tls.SecretName = null;
        spec.Tls.IssuerRef = new IssuerReference { Name = "letsencrypt", Kind = IssuerKind.ClusterIssuer };
    }
}
