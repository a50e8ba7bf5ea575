using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mailsub.Core.Api;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>samples/modern.yaml with port 25 enabled too, trusting only 127.0.0.1/32 (the
/// test client; 127.0.0.5 is a stranger).</summary>
public sealed class ModernSampleWithPort25 : SampleInstance
{
    internal override MailSubmission Resource() =>
        Samples.Read("modern").WithSmtpListener().Trusting("127.0.0.1/32");

    internal override IReadOnlyDictionary<string, string> Users => new Dictionary<string, string>
    {
        ["alice"] = "alice-secret",
        ["bob"] = "bob-secret",
    };
}

/// <summary>The modern profile: PLAIN and LOGIN only inside TLS, on 587 (STARTTLS required),
/// 465 (implicit TLS) and 25 (STARTTLS optional), and the per-user sender addresses.</summary>
[Collection(PostfixCollection.Name)]
public sealed class ModernSubmissionTests(ModernSampleWithPort25 sample, ITestOutputHelper output)
    : IClassFixture<ModernSampleWithPort25>
{
    private PostfixInstance Postfix => sample.Postfix;

    [Theory]
    [InlineData(587)]
    [InlineData(25)]
    public async Task Auth_is_offered_only_after_STARTTLS_and_then_PLAIN_and_LOGIN_work(int port)
    {
        using (var plain = await MailClient.ConnectAsync(Postfix.AsServer(), port, SecureSocketOptions.None))
        {
            Assert.True(plain.Smtp.Capabilities.HasFlag(SmtpCapabilities.StartTLS), plain.Describe("no STARTTLS"));
            Assert.True(plain.Smtp.AuthenticationMechanisms.Count == 0, plain.Describe($"AUTH offered before STARTTLS on {port}"));
        }
        await using (var raw = await RawSmtp.ConnectAsync(Postfix, port))
        {
            await raw.CommandAsync("EHLO client.example.org");
            var auth = await raw.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0alice-secret")));
            output.WriteLine($"{port} AUTH PLAIN before STARTTLS (raw): {auth}");
            Assert.True(auth.Code is 503 or 530 or 538, raw.Describe($"AUTH before TLS answered {auth}"));
        }

        foreach (var mechanism in new SaslMechanism[]
                 {
                     new SaslMechanismPlain("alice", "alice-secret"),
                     new SaslMechanismLogin("alice", "alice-secret"),
                 })
        {
            using var client = await MailClient.ConnectAsync(Postfix.AsServer(), port);
            Assert.Equal(["LOGIN", "PLAIN"], client.Smtp.AuthenticationMechanisms.Order());
            await client.LoginAsync(mechanism);
            output.WriteLine($"{port} AUTH {mechanism.MechanismName} after STARTTLS (MailKit): {client.LastReply}");
            Assert.StartsWith("235 ", client.LastReply);
        }

        var swaks = await Swaks.RunAsync(Postfix, port, "--tls", "--auth", "LOGIN",
            "--auth-user", "alice", "--auth-password", "alice-secret", "--quit-after", "AUTH");
        Assert.Contains("235 2.7.0 Authentication successful", swaks);
    }

    [Fact]
    public async Task Mail_before_STARTTLS_on_587_is_refused_with_530()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587, SecureSocketOptions.None);

        var (code, reply) = await client.RefusedAsync("alice@example.com", "rcpt@remote.example");

        output.WriteLine($"587 MAIL before STARTTLS (MailKit): {reply}");
        Assert.True(code == 530, client.Describe($"expected 530, got {reply}"));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("alice@example.com")]
    public async Task Alice_logs_in_with_or_without_the_domain_and_a_wrong_password_gets_535(string login)
    {
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587))
        {
            await client.LoginAsync(new SaslMechanismPlain(login, "alice-secret"));
            Assert.StartsWith("235 ", client.LastReply);
        }
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587))
        {
            var reply = await client.TryLoginAsync(new SaslMechanismPlain(login, "wrong"));
            output.WriteLine($"587 AUTH PLAIN {login} wrong password (MailKit): {reply}");
            Assert.True(reply.StartsWith("535 ", StringComparison.Ordinal), client.Describe($"expected 535, got {reply}"));
        }
    }

    [Fact]
    public async Task Implicit_TLS_on_465_logs_in_and_relays()
    {
        var subject = $"via 465 {Guid.NewGuid()}";
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 465))
        {
            Assert.True(client.Smtp.IsSecure);
            await client.LoginAsync(new SaslMechanismPlain("alice", "alice-secret"));
            output.WriteLine($"465 AUTH PLAIN (MailKit, implicit TLS): {client.LastReply}");
            await client.SendAsync("alice@example.com", "friend@remote.example", subject);
        }
        var relayed = await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
        Assert.Contains("with ESMTPSA", relayed);

        var swaks = await Swaks.RunAsync(Postfix, 465, "--tlsc", "--auth", "PLAIN",
            "--auth-user", "bob", "--auth-password", "bob-secret",
            "--from", "bob@example.com", "--to", "friend@remote.example", "--header", $"Subject: swaks {subject}");
        Assert.Contains("235 2.7.0 Authentication successful", swaks);
        await Postfix.Sink.WaitForMessageAsync($"swaks {subject}", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_plaintext_client_on_465_gets_no_banner()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Postfix.Host, Postfix.Port(465));
        var buffer = new byte[512];
        var read = 0;
        try
        {
            read = await tcp.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            // Nothing arrived: smtpd waits for a TLS ClientHello.
        }

        var seen = Encoding.ASCII.GetString(buffer, 0, read);
        output.WriteLine($"465 plaintext client, 2 s: {(read == 0 ? "nothing received" : $"'{seen}'")}");
        Assert.False(seen.StartsWith("220", StringComparison.Ordinal), $"465 greeted in plaintext: {seen}\n{Postfix.Describe()}");
    }

    [Theory]
    [InlineData(465)]
    [InlineData(587)]
    public async Task A_stranger_without_AUTH_on_a_submission_port_is_refused_554_Client_host_rejected(int port)
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), port, source: MailClient.Outsider);

        var (code, reply) = await client.RefusedAsync("someone@example.org", "victim@remote.example");

        output.WriteLine($"{port} stranger, no AUTH (MailKit): {reply}");
        Assert.True(code == 554, client.Describe($"expected 554, got {reply}"));
        Assert.Contains("Client host rejected: Access denied", reply);
    }

    [Fact]
    public async Task A_stranger_without_AUTH_on_port_25_may_not_relay()
    {
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 25, source: MailClient.Outsider);

        var (code, reply) = await client.RefusedAsync("someone@example.org", "victim@remote.example");

        output.WriteLine($"25 stranger after STARTTLS, no AUTH (MailKit): {reply}");
        Assert.True(code == 554, client.Describe($"expected 554, got {reply}"));
        Assert.Contains("Relay access denied", reply);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("alice@example.com")]
    public async Task Alice_may_send_as_alice_but_not_as_bob(string login)
    {
        var subject = $"as {login} {Guid.NewGuid()}";
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587);
        await client.LoginAsync(new SaslMechanismPlain(login, "alice-secret"));

        await client.SendAsync("alice@example.com", "friend@remote.example", subject);
        var (code, reply) = await client.RefusedAsync("bob@example.com", "friend@remote.example");

        output.WriteLine($"587 {login} sending as bob@example.com (MailKit): {reply}");
        Assert.True(code == 553, client.Describe($"expected 553, got {reply}"));
        Assert.Contains("Sender address rejected: not owned by user", reply);
        await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Bob_may_send_from_his_list_domain()
    {
        var subject = $"bob for the list {Guid.NewGuid()}";
        using var client = await MailClient.ConnectAsync(Postfix.AsServer(), 465);
        await client.LoginAsync(new SaslMechanismLogin("bob", "bob-secret"));

        await client.SendAsync("announce@lists.example.com", "member@remote.example", subject);

        await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
    }
}
