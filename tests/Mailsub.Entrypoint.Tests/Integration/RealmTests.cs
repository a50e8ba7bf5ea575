using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>How Cyrus picks the realm of a login, and that the entrypoint gives every user an
/// entry in each realm a login can land in: PLAIN (modern) and CRAM-MD5 (seed), whose
/// shared-secret exchange can only be checked against an entry of the exact realm.</summary>
[Collection(PostfixCollection.Name)]
public sealed class RealmTests
{
    private static async Task AssertLoginsAsync(PostfixInstance postfix, RenderedProfile profile, params string[] logins)
    {
        foreach (var login in logins)
        {
            Assert.True(await Submission.TryLoginAsync(postfix, profile.Login(login, "alice-secret")) is null,
                $"{profile.Name}: {login}\n{postfix.Describe()}");
        }
    }

    [Theory]
    [InlineData("modern")]
    [InlineData("seed")]
    public async Task Both_login_forms_work_with_the_rendered_local_domain_and_without_one(string name)
    {
        var profile = Fixtures.Named(name);
        await using (var rendered = await PostfixInstance.StartAsync(profile.Options()))
            await AssertLoginsAsync(rendered, profile, "alice", profile.Address("alice"), $"alice@{profile.Hostname}");

        // A bare login then lands in the myhostname realm as well, but by Cyrus' own default.
        await using var without = await PostfixInstance.StartAsync(profile.Options(
            new Dictionary<string, string> { ["smtpd_sasl_local_domain"] = "" }));
        await AssertLoginsAsync(without, profile, "alice", profile.Address("alice"));
    }

    [Theory]
    [InlineData("modern")]
    [InlineData("seed")]
    public async Task A_new_mydomain_gets_its_realm_without_a_user_change(string name)
    {
        var profile = Fixtures.Named(name);
        await using var postfix = await PostfixInstance.StartAsync(profile.Options());
        Assert.NotNull(await Submission.TryLoginAsync(postfix, profile.Login("alice@example.org", "alice-secret")));

        postfix.SetMainCfParameters(("mydomain", "example.org"));

        // The new sasldb is in place a moment before the reload, when a bare login still lands
        // in the old realm: wait for the whole change.
        Assert.True(await postfix.Errors.WaitForAsync("applied the changes", TimeSpan.FromSeconds(15)), postfix.Describe());
        await AssertLoginsAsync(postfix, profile, "alice", "alice@example.org");
    }

    [Fact]
    public async Task Cram_md5_with_the_domain_works_from_swaks_too()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.Seed.Options());

        var transcript = await Swaks.RunAsync(postfix, 587,
            "-tls", "--auth", "CRAM-MD5", "--auth-user", Fixtures.Seed.Address("alice"), "--auth-password", "alice-secret",
            "--quit-after", "AUTH");

        Assert.Contains("235 2.7.0", transcript);
    }
}
