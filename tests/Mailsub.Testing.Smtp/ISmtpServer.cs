namespace Mailsub.Testing.Smtp;

/// <summary>Where a <see cref="MailClient"/> connects, and what to show when a session fails.</summary>
public interface ISmtpServer
{
    string Host { get; }

    /// <summary>The port that serves the rendered listener <paramref name="renderedPort"/>.</summary>
    int Port(int renderedPort);

    /// <summary>The server side of a failure: log tails, pod logs.</summary>
    string Describe();
}
