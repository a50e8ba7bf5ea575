using System.Text;

namespace Mailsub.Entrypoint.Tests;

public class SaslUsersTests
{
    private static DirectorySnapshot Dir(params (string Name, string Content)[] files) =>
        new(files.ToDictionary(f => f.Name, f => Encoding.UTF8.GetBytes(f.Content)));

    [Fact]
    public void Each_file_is_a_login_and_its_content_the_password()
    {
        var (users, problems) = SaslUsers.From(Dir(("bob", "pw2"), ("alice", "pw1\n")));

        Assert.Empty(problems);
        Assert.Equal(["alice", "bob"], users.Select(u => u.Login));
        Assert.Equal("pw1\n", Encoding.UTF8.GetString(users[0].Password));
    }

    [Theory]
    [InlineData("al ice", "pw")]
    [InlineData("@example.com", "pw")]
    [InlineData("alice", "")]
    [InlineData("alice", "\n")]
    [InlineData("alice", "a\0b")]
    public void Unusable_users_are_problems(string login, string password)
    {
        var (users, problems) = SaslUsers.From(Dir((login, password)));

        Assert.Empty(users);
        Assert.Contains(login, Assert.Single(problems));
    }

    [Fact]
    public void A_user_gets_an_entry_in_every_realm()
    {
        var users = new[] { new SaslUser("alice", "pw"u8.ToArray()) };

        var entries = SaslUsers.Entries(users, ["a.test", "b.test"]);

        Assert.Equal([("alice", "a.test"), ("alice", "b.test")], entries.Select(e => (e.Name, e.Realm)));
    }

    [Fact]
    public void A_login_with_a_domain_gets_exactly_that_realm()
    {
        var users = new[] { new SaslUser("carol@corp.test", "pw"u8.ToArray()) };

        var entry = Assert.Single(SaslUsers.Entries(users, ["a.test"]));

        Assert.Equal(("carol", "corp.test"), (entry.Name, entry.Realm));
    }
}
