namespace Mailsub.Core.Validation;

/// <summary>Either a valid submission or the reasons it is not; never both.</summary>
public sealed class ValidationResult
{
    private ValidationResult(ValidSubmission? valid, IReadOnlyList<FieldError> errors)
    {
        Valid = valid;
        Errors = errors;
    }

    public ValidSubmission? Valid { get; }
    public IReadOnlyList<FieldError> Errors { get; }

    internal static ValidationResult Ok(ValidSubmission valid) => new(valid, []);
    internal static ValidationResult Failed(IReadOnlyList<FieldError> errors) => new(null, errors);

    /// <summary>All errors, one per line, for a terminal, an Event or a condition message.</summary>
    public override string ToString() => string.Join("\n", Errors);
}
