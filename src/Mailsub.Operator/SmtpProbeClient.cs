using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Mailsub.Core.Api;
using Mailsub.Core.Probe;
using Mailsub.Postfix;

namespace Mailsub.Operator;

/// <summary>Bounds of one listener's dialogue: every step has its own, and the whole dialogue one more.</summary>
public sealed record ProbeTimeouts
{
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Each reply, and the TLS handshake.</summary>
    public TimeSpan Reply { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Listener { get; init; } = TimeSpan.FromSeconds(45);
}

/// <summary>
/// The live probe's own SMTP client (TcpClient and SslStream: no library, so the binary stays
/// NativeAOT-small and every command is the probe's choice). It walks one listener through the
/// dialogue <see cref="ListenerProbe"/> plans and records each reply in a
/// <see cref="ListenerObservation"/>; <see cref="ProbeChecks"/> judges. It never sends DATA and
/// never authenticates: MAIL FROM:&lt;&gt;, RCPT, RSET and QUIT only, so nothing it does can be
/// delivered.
/// </summary>
public static class SmtpProbeClient
{
    public static async Task<ListenerObservation> ProbeAsync(ListenerProbe probe, string host, int port, ProbeTimeouts timeouts, CancellationToken ct)
    {
        var seen = new ListenerObservation();
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(ct);
        whole.CancelAfter(timeouts.Listener);
        using var tcp = new TcpClient(host.Contains(':') ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(whole.Token);
            connect.CancelAfter(timeouts.Connect);
            await tcp.ConnectAsync(host, port, connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            seen.ConnectError = e is OperationCanceledException ? $"no TCP connection to {host}:{port} within {timeouts.Connect.TotalSeconds:0} s" : $"{host}:{port}: {e.Message}";
            return seen;
        }
        var local = (IPEndPoint)tcp.Client.LocalEndPoint!;
        seen.Source = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
        var session = new Session(tcp.GetStream(), timeouts.Reply, whole.Token);
        try
        {
            await RunAsync(probe, seen, session, local, (IPEndPoint)tcp.Client.RemoteEndPoint!).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or ProtocolViolation
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            seen.Error = e is OperationCanceledException ? $"no reply within {timeouts.Reply.TotalSeconds:0} s (after: {session.LastSent ?? "connect"})"
                : e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        return seen;
    }

    private static async Task RunAsync(ListenerProbe probe, ListenerObservation seen, Session smtp, IPEndPoint local, IPEndPoint remote)
    {
        if (probe.Listener.ProxyProtocol == ProxyProtocol.V1V2)
        {
            // The listener drops a connection without the header; it names the probe itself as the client.
            var family = local.AddressFamily == AddressFamily.InterNetworkV6 ? "TCP6" : "TCP4";
            await smtp.SendAsync($"PROXY {family} {local.Address} {remote.Address} {local.Port} {remote.Port}").ConfigureAwait(false);
        }
        if (probe.ImplicitTls)
        {
            seen.Tls = await smtp.StartTlsAsync(probe.Hostname).ConfigureAwait(false);
        }
        seen.Banner = await smtp.ReadReplyAsync().ConfigureAwait(false);
        if (seen.Banner.Code != 220)
        {
            return;
        }
        var ehlo = $"EHLO {ListenerProbe.ProbeName}.example";
        if (probe.ImplicitTls)
        {
            seen.EhloInTls = await smtp.CommandAsync(ehlo).ConfigureAwait(false);
        }
        else
        {
            seen.EhloBeforeTls = await smtp.CommandAsync(ehlo).ConfigureAwait(false);
        }
        if (probe.StartTls)
        {
            seen.MailBeforeTls = await smtp.CommandAsync("MAIL FROM:<>").ConfigureAwait(false);
            await smtp.CommandAsync("RSET").ConfigureAwait(false);
            seen.StartTls = await smtp.CommandAsync("STARTTLS").ConfigureAwait(false);
            if (seen.StartTls.Code != 220)
            {
                return;
            }
            seen.Tls = await smtp.StartTlsAsync(probe.Hostname).ConfigureAwait(false);
            seen.EhloInTls = await smtp.CommandAsync(ehlo).ConfigureAwait(false);
        }
        foreach (var (_, recipient) in probe.RelayAttempts)
        {
            var mail = await smtp.CommandAsync("MAIL FROM:<>").ConfigureAwait(false);
            var rcpt = mail.Accepted ? await smtp.CommandAsync($"RCPT TO:<{recipient}>").ConfigureAwait(false) : null;
            seen.Relay.Add(new RelayAttempt(recipient, mail, rcpt));
            if (mail.Code == 421 || rcpt?.Code == 421)
            {
                return; // the server is closing the connection
            }
            await smtp.CommandAsync("RSET").ConfigureAwait(false);
        }
        await smtp.CommandAsync("QUIT").ConfigureAwait(false);
    }

    /// <summary>
    /// Wider than .NET's default (forward-secret AEAD only): the probe must see what the server
    /// picks when a client also allows CBC and static RSA, as the Legacy profile and many
    /// clients do; a server that keeps to its profile still negotiates an AEAD suite (Postfix
    /// prefers its own order, tls_preempt_cipherlist). No anonymous suite: OpenSSL's client
    /// refuses them at its default security level.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static CipherSuitesPolicy Offered { get; } = new(
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256, TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
    ]);

    private sealed class ProtocolViolation(string message) : Exception(message);

    /// <summary>One connection: replies bounded in line length and count (<see cref="SmtpReplyReader"/>), each within its timeout.</summary>
    private sealed class Session(Stream stream, TimeSpan replyTimeout, CancellationToken ct) : IAsyncDisposable
    {
        private readonly SmtpReplyReader _replies = new();
        private Stream _stream = stream;

        public string? LastSent { get; private set; }

        public async Task SendAsync(string line)
        {
            LastSent = line.StartsWith("PROXY ", StringComparison.Ordinal) ? "PROXY header" : line;
            using var step = Step();
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), step.Token).ConfigureAwait(false);
            await _stream.FlushAsync(step.Token).ConfigureAwait(false);
        }

        public async Task<SmtpReply> CommandAsync(string command)
        {
            await SendAsync(command).ConfigureAwait(false);
            return await ReadReplyAsync().ConfigureAwait(false);
        }

        public async Task<TlsSession> StartTlsAsync(string hostname)
        {
            // Any certificate is taken: the probe compares the one served with the TLS Secret's
            // by fingerprint, which says more than a chain check from wherever the operator runs.
            byte[]? served = null;
            var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, certificate, _, _) =>
            {
                served = certificate?.GetRawCertData();
                return true;
            });
            _stream = tls;
            using var step = Step();
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = hostname, CipherSuitesPolicy = OperatingSystem.IsWindows() ? null : Offered }, step.Token)
                .ConfigureAwait(false);
            return new TlsSession(ProtocolOf(tls.SslProtocol), NameOf(tls.SslProtocol), tls.NegotiatedCipherSuite.ToString(),
                served is null ? null : ListenerProbe.Sha256(served));
        }

        public async Task<SmtpReply> ReadReplyAsync()
        {
            using var step = Step();
            try
            {
                var reply = await _replies.ReadAsync(_stream, step.Token).ConfigureAwait(false);
                return new SmtpReply(reply.Code, reply.Lines);
            }
            catch (Exception e) when (e is SmtpReplyException or EndOfStreamException)
            {
                throw new ProtocolViolation($"{e.Message} (after: {LastSent ?? "connect"})");
            }
        }

        private CancellationTokenSource Step()
        {
            var step = CancellationTokenSource.CreateLinkedTokenSource(ct);
            step.CancelAfter(replyTimeout);
            return step;
        }

        public ValueTask DisposeAsync() => _stream.DisposeAsync();
    }

#pragma warning disable SYSLIB0039, CS0618 // TLSv1 and TLSv1.1 are named to be judged, not offered
    private static TlsProtocol? ProtocolOf(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls => TlsProtocol.TLSv1,
        SslProtocols.Tls11 => TlsProtocol.TLSv1_1,
        SslProtocols.Tls12 => TlsProtocol.TLSv1_2,
        SslProtocols.Tls13 => TlsProtocol.TLSv1_3,
        _ => null,
    };
#pragma warning restore SYSLIB0039, CS0618

    private static string NameOf(SslProtocols protocol) => ProtocolOf(protocol) is { } p ? EnumValues.NameOf(p) : protocol.ToString();
}
