using MailKit.Security;
using Mailsub.Core.Api;
using Mailsub.Core.Import;
using Mailsub.Core.Policy;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>samples/seed.yaml trusting only 127.0.0.1/32, so that a client on 127.0.0.5 is a
/// stranger: neither trusted nor logged in.</summary>
public sealed class SeedTrustingOnlyLocalhost : SampleInstance
{
    internal override MailSubmission Resource() => Samples.Read("seed").Trusting("127.0.0.1/32");

    internal override IReadOnlyDictionary<string, string> Users =>
        new Dictionary<string, string> { [SeedSample.User] = SeedSample.Password };
}

/// <summary>The tutorial's relay and recipient restrictions, seen by a client outside the
/// trusted networks without AUTH. On port 25 a local recipient (user@mail.example.net, the
/// hostname is in mydestination) passes reject_unauth_destination, so each later check in
/// smtpd_recipient_restrictions gets its turn. The seed sample and the tutorial's own files
/// imported by `mailsub import` (<see cref="ImportedTutorial"/>) must both pass every check.</summary>
public abstract class SeedRestrictionChecks(SampleInstance sample, ITestOutputHelper output)
{
    private const string LocalRecipient = "user@mail.example.net";

    protected PostfixInstance Postfix => sample.Postfix;

    protected ITestOutputHelper Output => output;

    [Fact]
    public async Task A_stranger_may_not_relay_on_port_25_554_Relay_access_denied()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, SecureSocketOptions.None, MailClient.Outsider);

        var (code, reply) = await client.RefusedAsync("someone@example.org", "victim@remote.example");

        output.WriteLine($"25 stranger, no AUTH, external recipient (MailKit): {reply}");
        Assert.True(code == 554, client.Describe($"expected 554, got {reply}"));
        Assert.Contains("Relay access denied", reply);

        var swaks = await Swaks.RunAsync(Postfix, 25, MailClient.Outsider,
            "--from", "someone@example.org", "--to", "victim@remote.example", "--quit-after", "RCPT");
        Assert.Contains("554 5.7.1 <victim@remote.example>: Relay access denied", swaks);
    }

    [Fact]
    public async Task The_trusted_network_may_relay_on_port_25_without_AUTH()
    {
        // The other side of the same rule: permit_mynetworks, as the tutorial wants for its
        // mailing-list manager on the server itself.
        var subject = $"trusted relay {Guid.NewGuid()}";
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, SecureSocketOptions.None))
            await client.SendAsync("list@example.net", "member@remote.example", subject);

        await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Cram_md5_on_port_25_after_STARTTLS_logs_in_a_stranger_who_then_relays()
    {
        // permit_sasl_authenticated, not permit_mynetworks: the client is outside the trusted networks.
        var subject = $"authenticated relay on 25 {Guid.NewGuid()}";
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, SecureSocketOptions.StartTls, MailClient.Outsider))
        {
            Assert.Equal(["CRAM-MD5", "DIGEST-MD5"], client.Smtp.AuthenticationMechanisms.Order());
            await client.LoginAsync(new SaslMechanismCramMd5(SeedSample.User, SeedSample.Password));
            output.WriteLine($"25 stranger, AUTH CRAM-MD5 after STARTTLS (MailKit): {client.LastReply}");
            Assert.StartsWith("235 ", client.LastReply);
            await client.SendAsync("username@example.net", "friend@remote.example", subject);
        }
        Assert.Contains("with ESMTPSA", await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_plain_password_on_port_25_is_refused_before_and_inside_TLS()
    {
        foreach (var security in new[] { SecureSocketOptions.None, SecureSocketOptions.StartTls })
        {
            using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, security, MailClient.Outsider);
            Assert.DoesNotContain("PLAIN", client.Smtp.AuthenticationMechanisms);
            var reply = await client.TryLoginAsync(new SaslMechanismPlain(SeedSample.User, SeedSample.Password));
            output.WriteLine($"25 {security}, AUTH PLAIN (MailKit): {reply}");
            Assert.Matches("^(504|535) ", reply);
        }
    }

    [Fact]
    public async Task A_sender_without_a_domain_is_refused_with_504()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, SecureSocketOptions.None, MailClient.Outsider);

        var (code, reply) = await client.RefusedAsync("someone", LocalRecipient);

        output.WriteLine($"25 non-FQDN sender (MailKit): {reply}");
        Assert.True(code == 504, client.Describe($"expected 504, got {reply}"));
        Assert.Contains("Sender address rejected: need fully-qualified address", reply);
    }

    [Fact]
    public async Task A_recipient_without_a_domain_is_refused_with_504()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, SecureSocketOptions.None, MailClient.Outsider);

        var (code, reply) = await client.RefusedAsync("someone@example.org", "user");

        output.WriteLine($"25 non-FQDN recipient (MailKit): {reply}");
        Assert.True(code == 504, client.Describe($"expected 504, got {reply}"));
        Assert.Contains("Recipient address rejected: need fully-qualified address", reply);

        var swaks = await Swaks.RunAsync(Postfix, 25, MailClient.Outsider,
            "--from", "someone@example.org", "--to", "user", "--quit-after", "RCPT");
        Assert.Contains("504 5.5.2 <user>: Recipient address rejected: need fully-qualified address", swaks);
    }

    [Fact]
    public async Task An_invalid_HELO_name_is_refused_with_501()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, SecureSocketOptions.None, MailClient.Outsider, helo: "bad..example");

        var (code, reply) = await client.RefusedAsync("someone@example.org", LocalRecipient);

        output.WriteLine($"25 invalid HELO (MailKit): {reply}");
        Assert.True(code == 501, client.Describe($"expected 501, got {reply}"));
        Assert.Contains("Helo command rejected: Invalid name", reply);
    }

    [Fact]
    public async Task Pipelining_without_the_servers_consent_is_refused_with_503()
    {
        // HELO, not EHLO: the server never announced PIPELINING, and the client sends the whole
        // transaction in one write anyway, as spamware does.
        await using var raw = await RawSmtp.ConnectAsync(Postfix, 25, MailClient.Outsider);
        await raw.SendAsync($"HELO client.example.org\r\nMAIL FROM:<someone@example.org>\r\nRCPT TO:<{LocalRecipient}>\r\nDATA\r\n");

        var helo = await raw.ReadReplyAsync();
        var mail = await raw.ReadReplyAsync();
        var rcpt = await raw.ReadReplyAsync();

        output.WriteLine($"25 unauthorised pipelining (raw): HELO {helo.Code}, MAIL {mail.Code}, RCPT {rcpt}");
        Assert.True(rcpt.Code == 503, raw.Describe($"expected 503 at RCPT, got {rcpt}"));
        Assert.Contains("Improper use of SMTP command pipelining", rcpt.Text);
    }
}

[Collection(PostfixCollection.Name)]
public sealed class SeedRestrictionTests(SeedTrustingOnlyLocalhost sample, ITestOutputHelper output)
    : SeedRestrictionChecks(sample, output), IClassFixture<SeedTrustingOnlyLocalhost>
{
    [Fact]
    public async Task A_stranger_on_the_submission_port_is_refused_554_Client_host_rejected()
    {
        // smtpd_client_restrictions = permit_sasl_authenticated,permit_mynetworks,reject on 587
        // refuses any client that neither logged in nor is trusted, before the relay check.
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587, source: MailClient.Outsider);

        var (code, reply) = await client.RefusedAsync("someone@example.org", "victim@remote.example");

        Output.WriteLine($"587 stranger after STARTTLS, no AUTH, external recipient (MailKit): {reply}");
        Assert.True(code == 554, client.Describe($"expected 554, got {reply}"));
        Assert.Contains("Client host rejected: Access denied", reply);
    }
}

/// <summary>The same checks against the tutorial's own files imported by `mailsub import`: the
/// hand-written config and the seed sample behave alike.</summary>
[Collection(PostfixCollection.Name)]
public sealed class ImportedTutorialRestrictionTests(ImportedTutorial sample, ITestOutputHelper output)
    : SeedRestrictionChecks(sample, output), IClassFixture<ImportedTutorial>;

/// <summary>The seed tutorial's main.cf, master.cf and smtpd.conf (the Core tests' fixtures) as
/// `mailsub import` turns them into a resource, with the one user the files cannot list and the
/// same narrowing as <see cref="SeedTrustingOnlyLocalhost"/>: trusting only 127.0.0.1/32, so that
/// 127.0.0.5 is a stranger.</summary>
public sealed class ImportedTutorial : SampleInstance
{
    private static string Fixture(string file) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "Mailsub.Core.Tests", "Policy", "Fixtures", "tutorial", file));

    internal override MailSubmission Resource()
    {
        var imported = PostfixImport.Import(new ImportSource(Fixture("main.cf"), Fixture("master.cf"), Fixture("smtpd.conf")), "tutorial", "mail");
        Assert.False(imported.HasErrors, string.Join("; ", imported.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Message)));
        imported.Resource.Spec.Auth.Users.Add(new UserSpec { Name = SeedSample.User });
        return imported.Resource.Trusting("127.0.0.1/32");
    }

    internal override IReadOnlyDictionary<string, string> Users =>
        new Dictionary<string, string> { [SeedSample.User] = SeedSample.Password };
}
