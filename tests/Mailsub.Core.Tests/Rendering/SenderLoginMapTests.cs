using Mailsub.Core.Api;
using Mailsub.Core.Rendering;

namespace Mailsub.Core.Tests.Rendering;

public class SenderLoginMapTests
{
    [Fact]
    public void Each_sender_is_owned_by_its_logins_bare_in_the_realm_and_in_mydomain()
    {
        // Logging in as alice@example.com (mydomain) makes Cyrus report that name, not the realm form.
        var map = SenderLoginMap.Build(Samples.Valid("modern"));

        Assert.Equal(
        [
            "@lists.example.com = bob, bob@example.com, bob@mail.example.com",
            "alice@example.com = alice, alice@example.com, alice@mail.example.com",
            "bob@example.com = bob, bob@example.com, bob@mail.example.com",
        ], map.Select(e => $"{e.Sender} = {string.Join(", ", e.Owners)}"));
    }

    [Fact]
    public void A_realm_that_is_mydomain_is_listed_once()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Auth.LocalDomain = "$mydomain",
            s => s.Auth.Users = [new UserSpec { Name = "bob", AllowedSenders = ["bob@example.com"] }]));

        Assert.Equal(["bob", "bob@example.com"], SenderLoginMap.Build(valid).Single().Owners);
    }

    [Fact]
    public void Shared_senders_list_every_owner_once_and_spellings_fold()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Auth.Users =
        [
            new UserSpec { Name = "bob", AllowedSenders = ["@example.com", "Team@example.com"] },
            new UserSpec { Name = "alice", AllowedSenders = ["team@example.com"] },
        ]));

        var team = SenderLoginMap.Build(valid).Single(e => e.Sender == "team@example.com");

        Assert.Equal(["alice", "alice@example.com", "alice@mail.example.com", "bob", "bob@example.com", "bob@mail.example.com"], team.Owners);
    }

    [Theory]
    [InlineData("$myhostname", "mail.example.com")]
    [InlineData("$mydomain", "example.com")]
    [InlineData("users.example.org", "users.example.org")]
    public void The_realm_is_smtpd_sasl_local_domain_resolved(string localDomain, string realm)
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Auth.LocalDomain = localDomain));

        Assert.Equal(realm, SenderLoginMap.SaslRealm(valid));
    }

    [Fact]
    public void No_allowed_senders_means_no_map()
    {
        Assert.Empty(SenderLoginMap.Build(Samples.Valid("seed")));
        Assert.DoesNotContain("smtpd_sender_login_maps", PostfixRenderer.Render(Samples.Valid("seed")).MainCf);
    }
}
