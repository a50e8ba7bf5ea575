using System.Net;
using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Mailsub.Testing.Smtp;

/// <summary>A MailKit session against an <see cref="ISmtpServer"/>, as a mail client opens
/// it, with the protocol transcript (secrets redacted) for assertions and failure messages.</summary>
public sealed class MailClient : IDisposable
{
    /// <summary>Another loopback address, outside trusted networks of 127.0.0.1/32.</summary>
    public static readonly IPAddress Outsider = IPAddress.Parse("127.0.0.5");

    private readonly MemoryStream _log = new();

    private MailClient(ISmtpServer server, string helo)
    {
        Server = server;
        Smtp = new SmtpClient(new ProtocolLogger(_log, leaveOpen: true)) { Timeout = 15_000, LocalDomain = helo };
        Smtp.ServerCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is not null)
                ServerThumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            return true; // the instance's self-signed test certificate
        };
    }

    public ISmtpServer Server { get; }
    public SmtpClient Smtp { get; }

    /// <summary>SHA-256 of the certificate the server presented, if TLS was used.</summary>
    public string? ServerThumbprint { get; private set; }

    public string Transcript
    {
        get
        {
            lock (_log)
                return Encoding.UTF8.GetString(_log.ToArray());
        }
    }

    /// <summary>The server's replies so far, one string per reply ("250 2.0.0 Ok"; for
    /// multi-line replies the last line).</summary>
    public IReadOnlyList<string> Replies =>
        Transcript.Split('\n')
            .Where(line => line.StartsWith("S: ", StringComparison.Ordinal) && line.Length > 6 && line[6] == ' ')
            .Select(line => line[3..].TrimEnd('\r'))
            .ToArray();

    public string LastReply => Replies.LastOrDefault() ?? "(no reply)";

    /// <summary>Connects to a rendered port: 465 with implicit TLS, others with STARTTLS unless
    /// <paramref name="security"/> says otherwise; from <paramref name="source"/> if given.</summary>
    public static async Task<MailClient> ConnectAsync(
        ISmtpServer server, int renderedPort, SecureSocketOptions? security = null,
        IPAddress? source = null, string helo = "client.example.org")
    {
        var client = new MailClient(server, helo);
        if (source is not null)
            client.Smtp.LocalEndPoint = new IPEndPoint(source, 0);
        var options = security ?? (renderedPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
        try
        {
            await client.Smtp.ConnectAsync(server.Host, server.Port(renderedPort), options);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            var why = client.Describe($"connecting to {renderedPort} ({options}) failed: {e.GetType().Name}: {e.Message}");
            client.Dispose();
            throw new Xunit.Sdk.XunitException(why);
        }
        return client;
    }

    public static MimeMessage Message(string from, string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("", from));
        message.To.Add(new MailboxAddress("", to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "sent by a Mailsub test" };
        return message;
    }

    /// <summary>Logs in; fails the test, with the transcript, when the server refuses.</summary>
    public async Task LoginAsync(SaslMechanism mechanism)
    {
        try
        {
            await Smtp.AuthenticateAsync(mechanism);
        }
        catch (Exception e) when (e is AuthenticationException or SmtpCommandException or NotSupportedException)
        {
            throw new Xunit.Sdk.XunitException(Describe($"login as {mechanism.Credentials.UserName} with {mechanism.MechanismName} failed: {e.Message}"));
        }
    }

    /// <summary>Tries to log in; returns the server's final reply either way.</summary>
    public async Task<string> TryLoginAsync(SaslMechanism mechanism)
    {
        try
        {
            await Smtp.AuthenticateAsync(mechanism);
        }
        catch (Exception e) when (e is AuthenticationException or SmtpCommandException)
        {
        }
        return LastReply;
    }

    /// <summary>Sends one message with this envelope; fails the test if any step is refused.</summary>
    public async Task SendAsync(string from, string to, string subject)
    {
        var message = Message(from, to, subject);
        try
        {
            await Smtp.SendAsync(message, MailboxAddress.Parse(from), [MailboxAddress.Parse(to)]);
        }
        catch (SmtpCommandException e)
        {
            throw new Xunit.Sdk.XunitException(Describe($"sending from {from} to {to} was refused: {(int)e.StatusCode} {e.Message}"));
        }
    }

    /// <summary>Sends with this envelope and returns the refusal: (status code, the server's
    /// reply). Fails the test when the message is accepted. MailKit pipelines MAIL and RCPT and
    /// resets after a refusal, so the reply is taken from the exception, not the last line.</summary>
    public async Task<(int Code, string Reply)> RefusedAsync(string from, string to)
    {
        // MailboxAddress.Parse refuses an address without a domain; the constructor takes it as given.
        var message = Message("test@example.org", "test@example.org", "refused");
        try
        {
            await Smtp.SendAsync(message, new MailboxAddress("", from), [new MailboxAddress("", to)]);
        }
        catch (SmtpCommandException e)
        {
            return ((int)e.StatusCode, $"{(int)e.StatusCode} {e.Message}");
        }
        catch (ServiceNotAuthenticatedException e)
        {
            // MailKit's name for a 530 to MAIL: the reply is in the transcript.
            var reply = Replies.LastOrDefault(r => r.StartsWith("530 ", StringComparison.Ordinal)) ?? e.Message;
            return (int.TryParse(reply.AsSpan(0, 3), out var code) ? code : 0, reply);
        }
        throw new Xunit.Sdk.XunitException(Describe($"a message from {from} to {to} was accepted"));
    }

    /// <summary>The test's context for an assertion message: what happened, the transcript and
    /// the instance's log tails.</summary>
    public string Describe(string what) =>
        $"{what}\n--- SMTP transcript (MailKit) ---\n{Transcript}\n{Server.Describe()}";

    public void Dispose()
    {
        if (Smtp.IsConnected)
        {
            try
            {
                Smtp.Disconnect(quit: true);
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
            {
                // The server may already have hung up (e.g. after a 554 Client host rejected).
            }
        }
        Smtp.Dispose();
    }
}
