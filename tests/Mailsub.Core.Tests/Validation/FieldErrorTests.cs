using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Validation;

public class FieldErrorTests
{
    private static readonly FieldPath Hostname = FieldPath.Root("spec").Child("hostname");

    [Fact]
    public void Each_kind_keeps_its_type_path_and_message()
    {
        Assert.Equal((FieldErrorType.Required, "spec.hostname", "required"),
            Parts(FieldError.Required(Hostname, "required")));
        Assert.Equal((FieldErrorType.Invalid, "spec.hostname", "\"x\" is not a name"),
            Parts(FieldError.Invalid(Hostname, "\"x\" is not a name")));
        Assert.Equal((FieldErrorType.Duplicate, "spec.hostname", "already used"),
            Parts(FieldError.Duplicate(Hostname, "already used")));
    }

    [Fact]
    public void A_value_listed_twice_is_a_duplicate_that_quotes_it()
    {
        var error = FieldError.ListedTwice(FieldPath.Root("spec").Child("trustedNetworks").Index(1), "10.0.0.0/8");

        Assert.Equal((FieldErrorType.Duplicate, "spec.trustedNetworks[1]", "\"10.0.0.0/8\" is listed twice"), Parts(error));
    }

    [Fact]
    public void Prints_as_path_then_message()
    {
        Assert.Equal("spec.hostname: required", FieldError.Required(Hostname, "required").ToString());
    }

    private static (FieldErrorType, string, string) Parts(FieldError error) => (error.Type, error.Field, error.Message);
}
