using System.Text;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;

namespace Mailsub.Core.Tests.Builders;

public class GeneratedPasswordsSecretTests
{
    [Fact]
    public void Only_users_without_a_reference_get_a_generated_password()
    {
        Assert.Equal(["bob"], GeneratedPasswordsSecret.Logins(Samples.Valid("modern")));
        Assert.Equal(["username"], GeneratedPasswordsSecret.Logins(Samples.Valid("seed")));
    }

    [Fact]
    public void One_key_per_generated_login()
    {
        var valid = Samples.Valid("modern");

        var secret = GeneratedPasswordsSecret.Build(valid, new Dictionary<string, string> { ["bob"] = "generated" });

        Assert.Equal(("modern-generated-passwords", "mail", "Opaque"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Type));
        Assert.Equal(["bob"], secret.Data.Keys);
        Assert.Equal("generated", Encoding.UTF8.GetString(secret.Data["bob"]));
    }

    [Fact]
    public void A_password_for_a_referenced_user_is_refused()
    {
        var valid = Samples.Valid("modern");

        Assert.Throws<ArgumentException>(() => GeneratedPasswordsSecret.Build(valid, new Dictionary<string, string> { ["alice"] = "x", ["bob"] = "y" }));
        Assert.Throws<ArgumentException>(() => GeneratedPasswordsSecret.Build(valid, new Dictionary<string, string>()));
    }

    [Fact]
    public void Everyone_referenced_means_an_empty_secret()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Auth.Users = [new UserSpec { Name = "alice", PasswordSecretRef = new SecretKeyReference { Name = "a" } }]));

        Assert.Empty(GeneratedPasswordsSecret.Logins(valid));
        Assert.Empty(GeneratedPasswordsSecret.Build(valid, new Dictionary<string, string>()).Data);
    }
}
