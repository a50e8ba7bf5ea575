namespace Mailsub.Core.Validation;

/// <summary>One reason a resource is refused, named by its field path as the API server does.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
