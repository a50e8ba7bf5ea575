using MailKit.Security;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>--relay: SMTP AUTH to a smarthost, against a second private Postfix that relays
/// mail from its submission port only for clients that log in.</summary>
[Collection(PostfixCollection.Name)]
public sealed class RelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Mail_reaches_a_smarthost_that_requires_AUTH_with_the_mounted_credentials_and_their_updates()
    {
        // The smarthost runs the seed sample's config: another hostname (the submitting Postfix
        // would call a server greeting with its own a mail loop), CRAM-MD5 inside TLS, and no
        // sender login map that would refuse relayuser sending alice's mail.
        await using var smarthost = await PostfixInstance.StartAsync(
            Fixtures.Seed.Options(users: new Dictionary<string, string> { ["relayuser"] = "relay-secret" }));
        var relayhost = $"[{smarthost.Host}]:{smarthost.Port(587)}";
        await using var postfix = await PostfixInstance.StartAsync(new PostfixInstanceOptions
        {
            ConfigDirectory = Fixtures.Modern.Directory,
            Users = Fixtures.Users,
            // What main.cf.sbn renders for a relayHost with a credentialsSecretRef.
            MainCfParameters = new Dictionary<string, string>
            {
                ["relayhost"] = relayhost,
                ["smtp_tls_security_level"] = "encrypt",
                ["smtp_sasl_auth_enable"] = "yes",
                ["smtp_sasl_password_maps"] = "texthash:/var/lib/mailsub/relay-credentials",
                ["smtp_sasl_security_options"] = "noanonymous, noplaintext",
                ["smtp_sasl_tls_security_options"] = "noanonymous",
            },
            // A Secret made with --from-file: the trailing newline is not part of the password.
            RelayCredentials = new Dictionary<string, string> { ["username"] = "relayuser", ["password"] = "relay-secret\n" },
        });

        var table = Path.Combine(postfix.StateDirectory, "relay-credentials");
        Assert.Equal($"{relayhost} relayuser:relay-secret\n", await File.ReadAllTextAsync(table));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(table));
        Assert.Contains($"\nsmtp_sasl_password_maps = texthash:{table}\n",
            await File.ReadAllTextAsync(Path.Combine(postfix.StateDirectory, "etc", "main.cf")));

        await SendAsync(postfix, smarthost, "through the smarthost");
        Assert.True(await smarthost.Output.WaitForAsync("sasl_username=relayuser", TimeSpan.FromSeconds(15)),
            smarthost.Describe());

        // The Secret and the smarthost's password change together; the new one is used without a restart.
        smarthost.SetUsers(new Dictionary<string, string> { ["relayuser"] = "rotated-secret" });
        postfix.SetRelayCredentials(new Dictionary<string, string> { ["username"] = "relayuser", ["password"] = "rotated-secret" });
        Assert.True(await postfix.Errors.WaitForAsync("applied the changes", TimeSpan.FromSeconds(15)), postfix.Describe());
        Assert.Equal($"{relayhost} relayuser:rotated-secret\n", await File.ReadAllTextAsync(table));
        await SendAsync(postfix, smarthost, "with the rotated password");

        foreach (var secret in new[] { "relay-secret", "rotated-secret" })
        {
            Assert.DoesNotContain(secret, postfix.Errors.Text);
            Assert.DoesNotContain(secret, postfix.Output.Text);
        }
    }

    private async Task SendAsync(PostfixInstance postfix, PostfixInstance smarthost, string what)
    {
        var subject = $"{what} {Guid.NewGuid()}";
        using (var client = await Submission.ConnectAsync(postfix, 587))
        {
            await client.AuthenticateAsync(new SaslMechanismPlain("alice", "alice-secret"));
            await client.SendAsync(Submission.Message(Fixtures.Modern.Address("alice"), subject));
            await client.DisconnectAsync(quit: true);
        }
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await smarthost.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(20));
            output.WriteLine($"{what}: at the smarthost's sink after {clock.Elapsed.TotalSeconds:0.00} s");
            output.WriteLine(postfix.Output.Tail(15));
        }
        catch (TimeoutException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- submitting Postfix ---\n{postfix.Describe()}\n--- smarthost ---\n{smarthost.Describe()}");
        }
    }
}
