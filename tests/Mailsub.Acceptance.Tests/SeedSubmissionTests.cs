using MailKit.Security;
using Mailsub.Core.Api;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>samples/seed.yaml as rendered: the tutorial's server.</summary>
public sealed class SeedSample : SampleInstance
{
    public const string User = "username";
    public const string Password = "tutorial-secret";

    internal override MailSubmission Resource() => Samples.Read("seed");

    internal override IReadOnlyDictionary<string, string> Users => new Dictionary<string, string> { [User] = Password };
}

/// <summary>The tutorial's client check against the seed sample: Thunderbird with STARTTLS and
/// "encrypted password" (CRAM-MD5), as <c>username</c> or <c>username@example.net</c>; no
/// connection security with a plain password refused. The test client is 127.0.0.1, inside the
/// sample's trusted networks.</summary>
[Collection(PostfixCollection.Name)]
public sealed class SeedSubmissionTests(SeedSample sample, ITestOutputHelper output) : IClassFixture<SeedSample>
{
    private PostfixInstance Postfix => sample.Postfix;

    [Fact]
    public async Task Submission_offers_STARTTLS_and_no_AUTH_before_it()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587, SecureSocketOptions.None);

        Assert.True(client.Smtp.Capabilities.HasFlag(MailKit.Net.Smtp.SmtpCapabilities.StartTLS), client.Describe("no STARTTLS"));
        Assert.True(client.Smtp.AuthenticationMechanisms.Count == 0, client.Describe("AUTH offered before STARTTLS"));

        var swaks = await Swaks.RunAsync(Postfix, 587, "--quit-after", "EHLO");
        Assert.Contains("250-STARTTLS", swaks);
        Assert.DoesNotContain("AUTH", swaks);
    }

    [Fact]
    public async Task Mail_before_STARTTLS_is_refused_with_530()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587, SecureSocketOptions.None);

        var (code, reply) = await client.RefusedAsync("username@example.net", "rcpt@remote.example");

        output.WriteLine($"587 MAIL before STARTTLS (MailKit): {reply}");
        Assert.True(code == 530, client.Describe($"expected 530, got {reply}"));
        Assert.Contains("Must issue a STARTTLS command first", reply);
    }

    [Fact]
    public async Task Cram_md5_over_STARTTLS_logs_in_with_235_and_relays_to_an_external_domain()
    {
        var subject = $"seed relay {Guid.NewGuid()}";
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587))
        {
            Assert.Contains("CRAM-MD5", client.Smtp.AuthenticationMechanisms);
            await client.LoginAsync(new SaslMechanismCramMd5(SeedSample.User, SeedSample.Password));
            output.WriteLine($"587 AUTH CRAM-MD5 after STARTTLS (MailKit): {client.LastReply}");
            Assert.StartsWith("235 ", client.LastReply);
            await client.SendAsync("username@example.net", "friend@remote.example", subject);
        }

        var relayed = await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
        Assert.Contains("X-Rcpt-Args: <friend@remote.example>", relayed);
        Assert.Contains("with ESMTPSA", relayed);

        var swaks = await Swaks.RunAsync(Postfix, 587, "--tls", "--auth", "CRAM-MD5",
            "--auth-user", SeedSample.User, "--auth-password", SeedSample.Password,
            "--from", "username@example.net", "--to", "friend@remote.example", "--header", $"Subject: swaks {subject}");
        output.WriteLine($"587 swaks --tls --auth CRAM-MD5: {string.Join(" / ", Swaks.Replies(swaks).Skip(1))}");
        Assert.Contains("235 2.7.0 Authentication successful", swaks);
        Assert.Contains("250 2.0.0 Ok: queued as", swaks);
        await Postfix.Sink.WaitForMessageAsync($"swaks {subject}", TimeSpan.FromSeconds(15));
    }

    /// <summary>The pod keeps no mailboxes: a logged-in user's message to the service's own names
    /// is refused at RCPT with the error transport's text, never accepted and then bounced by
    /// local(8) on a read-only root. Bare <c>postmaster</c> is the exception smtpd makes for
    /// RFC 5321 (smtpd_check_rcpt accepts it before any restriction), so it is not here.</summary>
    [Theory]
    [InlineData("root@mail.example.net")]
    [InlineData("postmaster@mail.example.net")]
    [InlineData("user@localhost")]
    public async Task A_local_recipient_is_refused_at_RCPT_with_550_5_1_1_and_a_clear_text_even_after_AUTH(string recipient)
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587);
        await client.LoginAsync(new SaslMechanismCramMd5(SeedSample.User, SeedSample.Password));

        var (code, reply) = await client.RefusedAsync("username@example.net", recipient);

        output.WriteLine($"587 after AUTH, RCPT {recipient} (MailKit): {reply}");
        Assert.True(code == 550, client.Describe($"expected 550, got {reply}"));
        Assert.Contains("Recipient address rejected: this submission service delivers no mail locally", reply);
    }

    [Theory]
    [InlineData("CRAM-MD5", "username")]
    [InlineData("CRAM-MD5", "username@example.net")]
    [InlineData("DIGEST-MD5", "username")]
    [InlineData("DIGEST-MD5", "username@example.net")]
    public async Task The_user_logs_in_with_or_without_the_domain(string mechanism, string login)
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587);

        await client.LoginAsync(mechanism == "CRAM-MD5"
            ? new SaslMechanismCramMd5(login, SeedSample.Password)
            : new SaslMechanismDigestMd5(login, SeedSample.Password));

        Assert.StartsWith("235 ", client.LastReply);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_535()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587);
        var reply = await client.TryLoginAsync(new SaslMechanismCramMd5(SeedSample.User, "wrong"));
        output.WriteLine($"587 AUTH CRAM-MD5 wrong password (MailKit): {reply}");
        Assert.True(reply.StartsWith("535 ", StringComparison.Ordinal), client.Describe($"expected 535, got {reply}"));

        var swaks = await Swaks.RunAsync(Postfix, 587, "--tls", "--auth", "CRAM-MD5",
            "--auth-user", SeedSample.User, "--auth-password", "wrong", "--quit-after", "AUTH");
        Assert.Contains("535 5.7.8 Error: authentication failed", swaks);
    }

    [Fact]
    public async Task Plain_is_refused_even_inside_TLS()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587);
        Assert.Equal(["CRAM-MD5", "DIGEST-MD5"], client.Smtp.AuthenticationMechanisms.Order());

        var reply = await client.TryLoginAsync(new SaslMechanismPlain(SeedSample.User, SeedSample.Password));

        output.WriteLine($"587 AUTH PLAIN after STARTTLS (MailKit): {reply}");
        Assert.False(reply.StartsWith("235 ", StringComparison.Ordinal), client.Describe("PLAIN was accepted"));
        Assert.Matches("^(504|535) ", reply);
    }

    [Fact]
    public async Task Port_25_without_connection_security_refuses_a_plain_password()
    {
        // Thunderbird's "no connection security" + "plain password" from the tutorial's last check.
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, SecureSocketOptions.None);
        Assert.False(client.Smtp.IsSecure);
        output.WriteLine($"25 AUTH offered without TLS: {string.Join(" ", client.Smtp.AuthenticationMechanisms.Order())}");
        Assert.DoesNotContain("PLAIN", client.Smtp.AuthenticationMechanisms);
        Assert.DoesNotContain("LOGIN", client.Smtp.AuthenticationMechanisms);

        var plain = await client.TryLoginAsync(new SaslMechanismPlain(SeedSample.User, SeedSample.Password));
        output.WriteLine($"25 AUTH PLAIN without TLS (MailKit): {plain}");
        Assert.Matches("^(504|535) ", plain);

        await using var raw = await RawSmtp.ConnectAsync(Postfix, 25);
        await raw.CommandAsync("EHLO client.example.org");
        var login = await raw.CommandAsync("AUTH LOGIN");
        output.WriteLine($"25 AUTH LOGIN without TLS (raw): {login}");
        Assert.True(login.Code is 504 or 535, raw.Describe($"AUTH LOGIN answered {login}"));
    }
}
