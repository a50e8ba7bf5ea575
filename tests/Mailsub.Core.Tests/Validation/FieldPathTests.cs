using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Validation;

public class FieldPathTests
{
    [Fact]
    public void Children_indexes_and_keys_are_written_as_the_API_server_writes_them()
    {
        var spec = FieldPath.Root("spec");

        Assert.Equal("spec", spec.ToString());
        Assert.Equal("spec.auth.users[2].name", spec.Child("auth").Child("users").Index(2).Child("name").ToString());
        Assert.Equal("spec.extraConfig[smtpd_banner]", spec.Child("extraConfig").Key("smtpd_banner").ToString());
    }

    [Fact]
    public void A_path_is_not_changed_by_the_paths_made_from_it()
    {
        var users = FieldPath.Root("spec").Child("users");

        var first = users.Index(0);
        users.Index(1);

        Assert.Equal("spec.users", users.ToString());
        Assert.Equal("spec.users[0]", first.ToString());
    }
}
