using System.Net.Sockets;
using System.Text;
using MailKit.Security;
using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>One Postfix started by the entrypoint from the modern sample's config, shared by the tests
/// that only read from it.</summary>
public sealed class ModernPostfix : IAsyncLifetime
{
    public PostfixInstance Postfix { get; private set; } = null!;

    public async Task InitializeAsync() => Postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());

    public async Task DisposeAsync()
    {
        if (Postfix is not null)
            await Postfix.DisposeAsync();
    }
}

/// <summary>Submission through the real Postfix and Cyrus SASL, as a mail client sees it.</summary>
[Collection(PostfixCollection.Name)]
public sealed class SubmissionTests(ModernPostfix fixture) : IClassFixture<ModernPostfix>
{
    private PostfixInstance Postfix => fixture.Postfix;

    [Fact]
    public async Task The_submission_port_greets_with_the_configured_banner()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Postfix.Host, Postfix.Port(587));
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);

        var banner = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal($"220 {Fixtures.Modern.Hostname} ESMTP Postfix", banner);
    }

    [Theory]
    [InlineData(587)]
    [InlineData(465)]
    public async Task Authenticated_mail_reaches_the_relay(int port)
    {
        var subject = $"relay test via {port} {Guid.NewGuid()}";
        using var client = await Submission.ConnectAsync(Postfix, port);
        Assert.True(client.IsSecure);

        await client.AuthenticateAsync(new SaslMechanismPlain("alice", "alice-secret"));
        await client.SendAsync(Submission.Message(Fixtures.Modern.Address("alice"), subject));
        await client.DisconnectAsync(quit: true);

        var relayed = await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
        Assert.Contains($"X-Mail-Args: <{Fixtures.Modern.Address("alice")}>", relayed);
        Assert.Contains("with ESMTPSA", relayed);
    }

    [Theory]
    [InlineData("PLAIN", "alice")]
    [InlineData("PLAIN", "alice@example.com")]
    [InlineData("LOGIN", "alice")]
    [InlineData("LOGIN", "alice@example.com")]
    public async Task A_user_logs_in_with_or_without_the_domain(string mechanism, string login)
    {
        SaslMechanism sasl = mechanism == "PLAIN" ? new SaslMechanismPlain(login, "alice-secret") : new SaslMechanismLogin(login, "alice-secret");

        Assert.Null(await Submission.TryLoginAsync(Postfix, sasl));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_535()
    {
        var transcript = await Swaks.RunAsync(Postfix, 587,
            "-tls", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "wrong", "--quit-after", "AUTH");

        Assert.Contains("535 5.7.8", transcript);
    }

    [Fact]
    public async Task Without_ca_crt_Postfix_gets_no_CA_file()
    {
        var mainCf = await File.ReadAllTextAsync(Path.Combine(Postfix.StateDirectory, "etc", "main.cf"));

        Assert.Contains("\nsmtpd_tls_CAfile = \n", mainCf);
    }

    [Fact]
    public async Task No_authentication_is_offered_before_starttls()
    {
        var transcript = await Swaks.RunAsync(Postfix, 587, "--quit-after", "EHLO");

        Assert.Contains("250-STARTTLS", transcript);
        Assert.DoesNotContain("AUTH", transcript);
    }
}
