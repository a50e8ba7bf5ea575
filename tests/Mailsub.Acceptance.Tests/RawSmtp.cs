using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Mailsub.Postfix;
using Mailsub.Testing.Postfix;

namespace Mailsub.Acceptance.Tests;

/// <summary>One SMTP reply: its code and its lines (the text after "NNN-" / "NNN ").</summary>
internal sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public string Text => string.Join(" | ", Lines);

    public override string ToString() => $"{Code} {Text}";
}

/// <summary>A hand-driven SMTP dialogue over a TCP socket, for what no client library does on
/// purpose: commands before STARTTLS, AUTH with mechanisms the server did not offer, HELO with
/// an invalid name, pipelining without the server's consent.</summary>
internal sealed class RawSmtp : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StringBuilder _transcript = new();
    private readonly SmtpReplyReader _replies;
    private Stream _stream;

    private RawSmtp(TcpClient tcp, PostfixInstance postfix)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _replies = new SmtpReplyReader { LineRead = line => _transcript.Append("S: ").Append(line).Append('\n') };
        Postfix = postfix;
    }

    public PostfixInstance Postfix { get; }
    public SmtpReply Greeting { get; private set; } = null!;
    public string Transcript => _transcript.ToString();

    public static Task<RawSmtp> ConnectAsync(PostfixInstance postfix, int renderedPort, IPAddress? source = null) =>
        ConnectToAsync(postfix, postfix.Port(renderedPort), source);

    /// <summary>Connects to any loopback port of the test (Postfix itself, or a proxy in front of
    /// it) and reads the greeting: after <paramref name="header"/> (a PROXY protocol header) when
    /// given, and after a TLS handshake when <paramref name="implicitTls"/>.</summary>
    public static async Task<RawSmtp> ConnectToAsync(PostfixInstance postfix, int port, IPAddress? source = null,
        byte[]? header = null, bool implicitTls = false)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var tcp = new TcpClient(AddressFamily.InterNetwork);
        if (source is not null)
            tcp.Client.Bind(new IPEndPoint(source, 0));
        try
        {
            await tcp.ConnectAsync(postfix.Host, port, deadline.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        var smtp = new RawSmtp(tcp, postfix);
        try
        {
            if (header is not null)
            {
                await smtp._stream.WriteAsync(header, deadline.Token);
                smtp._transcript.Append($"(PROXY header, {header.Length} bytes)\n");
            }
            if (implicitTls)
            {
                var tls = new SslStream(smtp._stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mail.example.test" }, deadline.Token);
                smtp._stream = tls;
                smtp._transcript.Append("(TLS established)\n");
            }
            smtp.Greeting = await smtp.ReadReplyAsync();
            return smtp;
        }
        catch
        {
            await smtp.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one command line and reads its reply.</summary>
    public async Task<SmtpReply> CommandAsync(string command)
    {
        await SendAsync(command + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Sends text as it is, in one write.</summary>
    public async Task SendAsync(string text)
    {
        foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
            _transcript.Append("C: ").Append(line).Append('\n');
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await _stream.FlushAsync();
    }

    /// <summary>STARTTLS, then the TLS handshake (any certificate accepted) and a new EHLO.</summary>
    public async Task<SmtpReply> StartTlsAsync(string helo = "client.example.org")
    {
        var reply = await CommandAsync("STARTTLS");
        if (reply.Code != 220)
            throw new Xunit.Sdk.XunitException(Describe($"STARTTLS answered {reply}"));
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mail.example.test" });
        _stream = tls;
        _transcript.Append("(TLS established)\n");
        return await CommandAsync($"EHLO {helo}");
    }

    public async Task<SmtpReply> ReadReplyAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            var reply = await _replies.ReadAsync(_stream, deadline.Token);
            return new SmtpReply(reply.Code, reply.Lines);
        }
        catch (SmtpReplyException e)
        {
            throw new Xunit.Sdk.XunitException(Describe(e.Message));
        }
        catch (EndOfStreamException e)
        {
            throw new IOException($"{e.Message}\n{Transcript}", e);
        }
    }

    public string Describe(string what) =>
        $"{what}\n--- SMTP transcript (raw) ---\n{Transcript}\n{Postfix.Describe()}";

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
