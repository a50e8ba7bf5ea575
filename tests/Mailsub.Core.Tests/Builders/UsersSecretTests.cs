using System.Text;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;

namespace Mailsub.Core.Tests.Builders;

public class UsersSecretTests
{
    [Fact]
    public void One_key_per_login_holding_its_password_in_name_order()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Auth.Users = [new UserSpec { Name = "zoe" }, new UserSpec { Name = "alice" }]));

        var secret = UsersSecret.Build(valid, new Dictionary<string, string> { ["zoe"] = "z-pass", ["alice"] = "a-pass" });

        Assert.Equal(("v1", "Secret", "Opaque", "m-users", "mail"), (secret.ApiVersion, secret.Kind, secret.Type, secret.Metadata.Name, secret.Metadata.NamespaceProperty));
        Assert.Equal(["alice", "zoe"], secret.Data.Keys);
        Assert.Equal("a-pass", Encoding.UTF8.GetString(secret.Data["alice"]));
        Assert.Equal("z-pass", Encoding.UTF8.GetString(secret.Data["zoe"]));
        Assert.Null(secret.StringData);
        Assert.Equal(ChildMetadata.Labels(valid), secret.Metadata.Labels);
    }

    [Fact]
    public void Passwords_must_match_the_users_exactly()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Auth.Users = [new UserSpec { Name = "alice" }, new UserSpec { Name = "bob" }]));

        var missing = Assert.Throws<ArgumentException>(() => UsersSecret.Build(valid, new Dictionary<string, string> { ["alice"] = "x" }));
        var extra = Assert.Throws<ArgumentException>(() => UsersSecret.Build(valid, new Dictionary<string, string> { ["alice"] = "x", ["bob"] = "y", ["eve"] = "z" }));

        Assert.Contains("missing: [bob]", missing.Message);
        Assert.Contains("not users: [eve]", extra.Message);
    }

    [Fact]
    public void No_users_is_an_empty_secret()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Auth.Users = []));

        Assert.Empty(UsersSecret.Build(valid, new Dictionary<string, string>()).Data);
    }
}
