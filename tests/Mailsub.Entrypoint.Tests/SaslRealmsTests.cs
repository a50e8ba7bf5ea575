namespace Mailsub.Entrypoint.Tests;

public class SaslRealmsTests
{
    [Fact]
    public void Local_domain_and_mydomain_are_the_realms()
    {
        Assert.Equal(["submit.example.com", "example.com"],
            SaslRealms.For("submit.example.com", "example.com", "mail.example.com"));
    }

    [Fact]
    public void The_same_realm_twice_is_one_realm()
    {
        Assert.Equal(["example.com"], SaslRealms.For("example.com", "example.com", "mail.example.com"));
    }

    [Fact]
    public void Without_a_local_domain_bare_logins_land_in_the_myhostname_realm()
    {
        Assert.Equal(["mail.example.com", "example.com"], SaslRealms.For("", "example.com", "mail.example.com"));
    }
}
