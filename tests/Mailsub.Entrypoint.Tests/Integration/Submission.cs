using System.Diagnostics;
using System.Security.Cryptography;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using MimeKit;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>MailKit as a mail client would use it against a <see cref="PostfixInstance"/>.</summary>
internal static class Submission
{
    /// <summary>Connects to a rendered port: 465 with implicit TLS, others with STARTTLS.</summary>
    public static async Task<SmtpClient> ConnectAsync(
        PostfixInstance postfix, int renderedPort, Action<string>? serverThumbprint = null,
        SecureSocketOptions? security = null)
    {
        var client = new SmtpClient { Timeout = 15_000, LocalDomain = "client.example.test" };
        client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is not null)
                serverThumbprint?.Invoke(certificate.GetCertHashString(HashAlgorithmName.SHA256));
            return true;
        };
        var options = security ?? (renderedPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
        await client.ConnectAsync(postfix.Host, postfix.Port(renderedPort), options);
        return client;
    }

    public static MimeMessage Message(string from, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("rcpt@remote.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "sent by Mailsub.Entrypoint.Tests" };
        return message;
    }

    /// <summary>Logs in on a new STARTTLS session; returns null on success, else the failure.</summary>
    public static async Task<string?> TryLoginAsync(PostfixInstance postfix, SaslMechanism mechanism, int renderedPort = 587)
    {
        using var client = await ConnectAsync(postfix, renderedPort);
        try
        {
            await client.AuthenticateAsync(mechanism);
            return null;
        }
        catch (AuthenticationException e)
        {
            return e.Message;
        }
        finally
        {
            await client.DisconnectAsync(quit: true);
        }
    }

    /// <summary>Retries <paramref name="probe"/> until it returns true; the time it took, or
    /// null on timeout.</summary>
    public static async Task<TimeSpan?> EventuallyAsync(Func<Task<bool>> probe, TimeSpan timeout, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await probe())
                return clock.Elapsed;
            await Task.Delay(50);
        }
        return null;
    }
}
