using MailKit.Security;
using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>How Cyrus picks the realm of a login, and that the entrypoint gives every user an
/// entry in each realm a login can land in.</summary>
[Collection(PostfixCollection.Name)]
public sealed class RealmTests
{
    private static async Task AssertLoginsAsync(PostfixInstance postfix, params string[] logins)
    {
        foreach (var login in logins)
        {
            Assert.True(await Submission.TryLoginAsync(postfix, new SaslMechanismPlain(login, "alice-secret")) is null,
                $"PLAIN {login}\n{postfix.Describe()}");
            Assert.True(await Submission.TryLoginAsync(postfix, new SaslMechanismCramMd5(login, "alice-secret")) is null,
                $"CRAM-MD5 {login}\n{postfix.Describe()}");
        }
    }

    [Fact]
    public async Task Without_a_local_domain_both_login_forms_still_work()
    {
        // A bare login then lands in the myhostname realm, not in mydomain's.
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions(
            new Dictionary<string, string> { ["smtpd_sasl_local_domain"] = "" }));

        await AssertLoginsAsync(postfix, "alice", "alice@example.test");
    }

    [Fact]
    public async Task A_new_mydomain_gets_its_realm_without_a_user_change()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());
        Assert.NotNull(await Submission.TryLoginAsync(postfix, new SaslMechanismPlain("alice@example.org", "alice-secret")));

        postfix.SetMainCfParameters(("mydomain", "example.org"));

        // The new sasldb is in place a moment before the reload, when a bare login still lands
        // in the old realm: wait for the whole change.
        Assert.True(await postfix.Errors.WaitForAsync("applied the changes", TimeSpan.FromSeconds(15)), postfix.Describe());
        await AssertLoginsAsync(postfix, "alice", "alice@example.org");
    }
}
