using System.Text;

namespace Mailsub.Entrypoint.Tests;

public class RelayCredentialsTests
{
    private static DirectorySnapshot Secret(string? username, string? password)
    {
        var files = new Dictionary<string, byte[]>();
        if (username is not null)
            files["username"] = Encoding.UTF8.GetBytes(username);
        if (password is not null)
            files["password"] = Encoding.UTF8.GetBytes(password);
        return new DirectorySnapshot(files);
    }

    [Fact]
    public void A_login_becomes_one_texthash_line_keyed_by_the_relayhost()
    {
        var (login, problems) = RelayCredentials.From(Secret("mailer@example.com", "p@ss word:#1\n"));

        Assert.Empty(problems);
        Assert.Equal("[smtp.example.com]:587 mailer@example.com:p@ss word:#1\n",
            RelayCredentials.Table("[smtp.example.com]:587", login!));
    }

    [Fact]
    public void Each_destination_of_a_relayhost_list_gets_a_line_and_an_empty_relayhost_none()
    {
        var login = new RelayLogin("u", "p");

        Assert.Equal("[a]:587 u:p\n[b]:587 u:p\n", RelayCredentials.Table("[a]:587, [b]:587", login));
        Assert.Null(RelayCredentials.Table("", login));
    }

    [Theory]
    [InlineData(null, "secret", "username is missing or empty")]
    [InlineData("u", "\n", "password is missing or empty")]
    [InlineData("a user", "secret", "username: may not contain spaces")]
    [InlineData("u:x", "secret", "username: may not contain spaces")]
    [InlineData("u", "two\nlines", "password: may not contain control characters")]
    [InlineData("u", "secret ", "password: may not start or end with a space")]
    public void Unusable_secrets_are_refused_without_echoing_the_password(string? username, string? password, string expected)
    {
        var (login, problems) = RelayCredentials.From(Secret(username, password));

        Assert.Null(login);
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain("secret", p));
        Assert.All(problems, p => Assert.DoesNotContain("two", p));
    }
}
