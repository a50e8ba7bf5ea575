using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Admission;

/// <summary>One reason for a refusal, as a StatusCause: the field, what is wrong, FieldValueInvalid and the like.</summary>
public sealed record AdmissionCause(string Field, string Message, string Reason);

/// <summary>
/// What the admission webhook answers for a <see cref="SubmissionCheck"/>: an invalid spec or an
/// Unhealthy policy is refused with the fields to change (the same errors the reconciler would put
/// in ConfigValid and Stalled), policy warnings go back as admission warnings (kubectl prints them).
/// </summary>
public sealed class AdmissionVerdict
{
    private AdmissionVerdict(bool allowed, string? message, IReadOnlyList<AdmissionCause> causes, IReadOnlyList<string> warnings)
    {
        Allowed = allowed;
        Message = message;
        Causes = causes;
        Warnings = warnings;
    }

    public bool Allowed { get; }

    /// <summary>Every cause on one line; the API server prefixes "admission webhook ... denied the request: ".</summary>
    public string? Message { get; }

    public IReadOnlyList<AdmissionCause> Causes { get; }

    public IReadOnlyList<string> Warnings { get; }

    public static AdmissionVerdict Allow(IReadOnlyList<string>? warnings = null) => new(true, null, [], warnings ?? []);

    /// <summary>A refusal of what could not be read as a MailSubmission at all.</summary>
    public static AdmissionVerdict Refuse(IReadOnlyList<FieldError> errors) =>
        new(false, "The spec passes the schema but not validation; fix these fields: " + string.Join("; ", errors),
            [.. errors.Select(Cause)], []);

    /// <param name="keepsSpec">
    /// An UPDATE that leaves the spec as it was: allowed even when the check fails, with the
    /// refusal as warnings. Refusing it would keep an object stored before the webhook existed from
    /// being relabelled or its finalizers removed; the reconciler's Stalled status speaks for it.
    /// </param>
    public static AdmissionVerdict Of(SubmissionCheck check, bool keepsSpec = false)
    {
        var verdict = Judge(check);
        return verdict.Allowed || !keepsSpec
            ? verdict
            : Allow([.. verdict.Causes.Select(c => OneLine($"unchanged spec, stored before it was checked: {c.Field}: {c.Message}")), .. verdict.Warnings]);
    }

    private static AdmissionVerdict Judge(SubmissionCheck check)
    {
        if (check.Validation.Valid is not { } valid || check.Report is not { } report)
            return Refuse(check.Validation.Errors);
        var warnings = report.Findings.Where(f => f.Severity == Severity.Warning)
            .Select(f => OneLine($"{SpecField.Of(valid, f.Location) ?? f.Location}: {f.Code}: {f.Message}")).ToList();
        var errors = report.Findings.Where(f => f.Severity == Severity.Error).ToList();
        if (errors.Count == 0)
            return Allow(warnings);
        var causes = errors.Select(f => new AdmissionCause(SpecField.Of(valid, f.Location) ?? "spec", OneLine($"{f.Code}: {f.Message} (rendered at {f.Location})"),
            "FieldValueInvalid")).ToList();
        return new AdmissionVerdict(false,
            "The spec renders a Postfix configuration with policy errors (policy Unhealthy); fix: " + string.Join("; ", causes.Select(c => $"{c.Field}: {c.Message}")),
            causes, warnings);
    }

    private static AdmissionCause Cause(FieldError error) => new(error.Field, error.Message, error.Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        _ => "FieldValueInvalid",
    });

    /// <summary>A warning travels in an HTTP header: no control characters.</summary>
    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));
}
