using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;

namespace Mailsub.Acceptance.Tests;

/// <summary>A private Postfix on loopback as the server a <see cref="MailClient"/> talks to.</summary>
internal static class PostfixServer
{
    public static ISmtpServer AsServer(this PostfixInstance postfix) => new Server(postfix);

    private sealed class Server(PostfixInstance postfix) : ISmtpServer
    {
        public string Host => postfix.Host;

        public int Port(int renderedPort) => postfix.Port(renderedPort);

        public string Describe() => postfix.Describe();
    }
}
