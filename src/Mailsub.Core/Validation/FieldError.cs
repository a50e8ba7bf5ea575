namespace Mailsub.Core.Validation;

/// <summary>The API server's field error types (StatusCause FieldValueRequired, FieldValueInvalid, FieldValueDuplicate).</summary>
public enum FieldErrorType { Required, Invalid, Duplicate }

/// <summary>
/// One reason a resource is refused, named by its field path as the API server does. Made only
/// through a <see cref="FieldPath"/>, so what a path says is where the check looked.
/// </summary>
public sealed record FieldError
{
    private FieldError(FieldErrorType type, FieldPath field, string message)
    {
        Type = type;
        Field = field.ToString();
        Message = message;
    }

    public FieldErrorType Type { get; }

    /// <summary>The rendered path, as a StatusCause carries it.</summary>
    public string Field { get; }

    public string Message { get; }

    public static FieldError Required(FieldPath field, string message) => new(FieldErrorType.Required, field, message);

    public static FieldError Invalid(FieldPath field, string message) => new(FieldErrorType.Invalid, field, message);

    public static FieldError Duplicate(FieldPath field, string message) => new(FieldErrorType.Duplicate, field, message);

    /// <summary>An entry of a list that must hold each value once.</summary>
    public static FieldError ListedTwice(FieldPath field, string value) => Duplicate(field, $"\"{value}\" is listed twice");

    public override string ToString() => $"{Field}: {Message}";
}
