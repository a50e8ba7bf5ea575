using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mailsub.Core.Api;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// samples/modern.yaml with port 25 on, proxyProtocol V1V2 on all three listeners, trusting
/// 127.0.0.66/32 and 192.0.2.10/32 only; HAProxy in front of 25, 465 and 587, each with PROXY v1
/// and v2 frontends. Clients bind 127.0.0.66 (trusted) or 127.0.0.77 (a stranger) and HAProxy
/// announces that address; the raw header tests write the header themselves with addresses no
/// loopback client could have.
/// </summary>
public sealed class ProxiedModern : IAsyncLifetime
{
    public PostfixInstance Postfix { get; private set; } = null!;
    internal HaProxy HaProxy { get; private set; } = null!;

    internal static MailSubmission Resource()
    {
        var resource = Samples.Read("modern").WithSmtpListener().Trusting("127.0.0.66/32", "192.0.2.10/32");
        foreach (var listener in new[] { resource.Spec.Listeners.Submission, resource.Spec.Listeners.Submissions, resource.Spec.Listeners.Smtp })
            listener.ProxyProtocol = ProxyProtocol.V1V2;
        return resource;
    }

    public async Task InitializeAsync()
    {
        // No reverse lookups: the announced addresses (192.0.2.10, 198.51.100.7) must not become DNS queries off this machine.
        Postfix = await Samples.StartAsync(Resource(), new Dictionary<string, string> { ["alice"] = "alice-secret", ["bob"] = "bob-secret" },
            mainCf: new Dictionary<string, string> { ["smtpd_peername_lookup"] = "no" });
        HaProxy = await HaProxy.StartAsync(
            ("smtp-v1", Postfix.Port(25), "send-proxy"), ("smtp-v2", Postfix.Port(25), "send-proxy-v2"),
            ("submissions-v1", Postfix.Port(465), "send-proxy"), ("submissions-v2", Postfix.Port(465), "send-proxy-v2"),
            ("submission-v1", Postfix.Port(587), "send-proxy"), ("submission-v2", Postfix.Port(587), "send-proxy-v2"));
    }

    public async Task DisposeAsync()
    {
        if (HaProxy is not null)
            await HaProxy.DisposeAsync();
        if (Postfix is not null)
            await Postfix.DisposeAsync();
    }
}

/// <summary>The real client address behind a proxy: relay decisions judge the address the PROXY
/// header announces (HAProxy 2.6's send-proxy and send-proxy-v2, or a header written here), and a
/// connection without the header gets no SMTP at all.</summary>
[Collection(PostfixCollection.Name)]
public sealed class ProxyProtocolTests(ProxiedModern sample, ITestOutputHelper output) : IClassFixture<ProxiedModern>
{
    private static readonly IPAddress Trusted = IPAddress.Parse("127.0.0.66");
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.77");
    private const string Remote = "member@remote.example";

    private PostfixInstance Postfix => sample.Postfix;

    private Task<RawSmtp> ThroughHaProxy(string frontend, IPAddress source, bool implicitTls = false) =>
        RawSmtp.ConnectToAsync(Postfix, sample.HaProxy.Port(frontend), source, implicitTls: implicitTls);

    /// <summary>EHLO, MAIL, RCPT to a remote domain; the RCPT reply.</summary>
    private static async Task<SmtpReply> RelayAsync(RawSmtp smtp, bool ehlo = true)
    {
        if (ehlo)
            await smtp.CommandAsync("EHLO client.example.org");
        await smtp.CommandAsync("MAIL FROM:<list@example.com>");
        return await smtp.CommandAsync($"RCPT TO:<{Remote}>");
    }

    /// <summary>DATA after an accepted RCPT; waits for the message at the sink (the relayhost).</summary>
    private async Task DeliverAsync(RawSmtp smtp, string subject)
    {
        var data = await smtp.CommandAsync("DATA");
        Assert.True(data.Code == 354, smtp.Describe($"DATA answered {data}"));
        await smtp.SendAsync($"From: <list@example.com>\r\nTo: <{Remote}>\r\nSubject: {subject}\r\n\r\nrelayed behind a proxy\r\n.\r\n");
        var queued = await smtp.ReadReplyAsync();
        Assert.True(queued.Code == 250, smtp.Describe($"end of DATA answered {queued}"));
        await Postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
    }

    private async Task AssertLoggedClientAsync(IPAddress client)
    {
        // smtpd logs the announced client, never the proxy's 127.0.0.1.
        Assert.True(await Postfix.Output.WaitForAsync($"connect from unknown[{client}]", TimeSpan.FromSeconds(5)),
            $"smtpd did not log the client {client}\n{Postfix.Describe()}");
    }

    [Theory]
    [InlineData("smtp-v1")]
    [InlineData("smtp-v2")]
    public async Task A_trusted_client_behind_HAProxy_relays_on_port_25_without_AUTH(string frontend)
    {
        await using var smtp = await ThroughHaProxy(frontend, Trusted);
        var rcpt = await RelayAsync(smtp);

        output.WriteLine($"{frontend}, client {Trusted} (trusted), no AUTH, RCPT {Remote}: {rcpt}");
        Assert.True(rcpt.Code == 250, smtp.Describe($"expected 250, got {rcpt}"));
        await DeliverAsync(smtp, $"proxied trusted relay {frontend} {Guid.NewGuid()}");
        await AssertLoggedClientAsync(Trusted);
    }

    [Theory]
    [InlineData("smtp-v1")]
    [InlineData("smtp-v2")]
    public async Task A_stranger_behind_HAProxy_is_refused_relay_554(string frontend)
    {
        await using var smtp = await ThroughHaProxy(frontend, Stranger);
        var rcpt = await RelayAsync(smtp);

        output.WriteLine($"{frontend}, client {Stranger} (stranger), no AUTH, RCPT {Remote}: {rcpt}");
        Assert.True(rcpt.Code == 554, smtp.Describe($"expected 554, got {rcpt}"));
        Assert.Contains("Relay access denied", rcpt.Text);
    }

    [Theory]
    [InlineData("submissions-v1")]
    [InlineData("submissions-v2")]
    public async Task Implicit_TLS_on_465_works_behind_HAProxy_the_header_comes_before_the_handshake(string frontend)
    {
        await using (var trusted = await ThroughHaProxy(frontend, Trusted, implicitTls: true))
        {
            var rcpt = await RelayAsync(trusted);

            output.WriteLine($"{frontend}, TLS, client {Trusted} (trusted), no AUTH: greeting {trusted.Greeting}, RCPT {rcpt}");
            Assert.True(rcpt.Code == 250, trusted.Describe($"expected 250, got {rcpt}"));
            await DeliverAsync(trusted, $"proxied 465 {frontend} {Guid.NewGuid()}");
        }
        await AssertLoggedClientAsync(Trusted);

        await using (var stranger = await ThroughHaProxy(frontend, Stranger, implicitTls: true))
        {
            var refused = await RelayAsync(stranger);
            output.WriteLine($"{frontend}, TLS, client {Stranger} (stranger), no AUTH: RCPT {refused}");
            Assert.True(refused.Code == 554, stranger.Describe($"expected 554, got {refused}"));
            Assert.Contains("Client host rejected", refused.Text);
        }

        // The stranger that logs in may send: AUTH works through the proxy and inside its TLS.
        await using var alice = await ThroughHaProxy(frontend, Stranger, implicitTls: true);
        await alice.CommandAsync("EHLO client.example.org");
        var auth = await alice.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0alice-secret")));
        Assert.True(auth.Code == 235, alice.Describe($"expected 235, got {auth}"));
        await alice.CommandAsync("MAIL FROM:<alice@example.com>");
        var rcptAuthenticated = await alice.CommandAsync($"RCPT TO:<{Remote}>");
        output.WriteLine($"{frontend}, TLS, client {Stranger} after AUTH: {auth}, RCPT {rcptAuthenticated}");
        Assert.True(rcptAuthenticated.Code == 250, alice.Describe($"expected 250, got {rcptAuthenticated}"));
    }

    [Theory]
    [InlineData("submission-v1")]
    [InlineData("submission-v2")]
    public async Task STARTTLS_on_587_behind_HAProxy_refuses_a_stranger_and_relays_for_a_trusted_client(string frontend)
    {
        await using (var stranger = await ThroughHaProxy(frontend, Stranger))
        {
            await stranger.CommandAsync("EHLO client.example.org");
            await stranger.StartTlsAsync();
            var refused = await RelayAsync(stranger, ehlo: false);
            output.WriteLine($"{frontend}, STARTTLS, client {Stranger} (stranger), no AUTH: RCPT {refused}");
            Assert.True(refused.Code == 554, stranger.Describe($"expected 554, got {refused}"));
        }
        await using var trusted = await ThroughHaProxy(frontend, Trusted);
        await trusted.CommandAsync("EHLO client.example.org");
        await trusted.StartTlsAsync();
        var rcpt = await RelayAsync(trusted, ehlo: false);
        output.WriteLine($"{frontend}, STARTTLS, client {Trusted} (trusted), no AUTH: RCPT {rcpt}");
        Assert.True(rcpt.Code == 250, trusted.Describe($"expected 250, got {rcpt}"));
    }

    [Theory]
    [InlineData(1, "192.0.2.10", 250)]
    [InlineData(2, "192.0.2.10", 250)]
    [InlineData(1, "198.51.100.7", 554)]
    [InlineData(2, "198.51.100.7", 554)]
    public async Task A_header_written_by_hand_decides_with_the_address_it_announces(int version, string client, int expected)
    {
        // Straight to Postfix from 127.0.0.1, which is not trusted here: only the header's source counts.
        var header = ProxyHeader.Tcp4(version, IPAddress.Parse(client), 40025, IPAddress.Parse("203.0.113.25"), 25);
        await using var smtp = await RawSmtp.ConnectToAsync(Postfix, Postfix.Port(25), header: header);
        var rcpt = await RelayAsync(smtp);

        output.WriteLine($"raw PROXY v{version} header announcing {client}, no AUTH: RCPT {rcpt}");
        Assert.True(rcpt.Code == expected, smtp.Describe($"expected {expected}, got {rcpt}"));
        await AssertLoggedClientAsync(IPAddress.Parse(client));
    }

    /// <summary>A direct connection from a trusted address, no header: whatever smtpd sends until it closes, and when.</summary>
    private async Task<(string Received, TimeSpan After)> DirectAsync(int port, string? firstWords)
    {
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        tcp.Client.Bind(new IPEndPoint(Trusted, 0));
        await tcp.ConnectAsync(Postfix.Host, Postfix.Port(port)).WaitAsync(TimeSpan.FromSeconds(5));
        var stream = tcp.GetStream();
        if (firstWords is not null)
            await stream.WriteAsync(Encoding.ASCII.GetBytes(firstWords));
        var clock = Stopwatch.StartNew();
        var received = new MemoryStream();
        var buffer = new byte[512];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0 && received.Length < 4096)
                received.Write(buffer, 0, read);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            // Closed with the client's words unread: a reset, as good as a close here.
        }
        Assert.False(deadline.IsCancellationRequested, $"still open after 20 s\n{Postfix.Describe()}");
        return (Encoding.ASCII.GetString(received.ToArray()), clock.Elapsed);
    }

    [Fact]
    public async Task A_direct_connection_that_waits_without_a_header_gets_no_SMTP_and_is_closed_after_the_timeout()
    {
        var (received, after) = await DirectAsync(25, firstWords: null);

        output.WriteLine($"direct from {Trusted} (trusted), silent: \"{received.TrimEnd()}\", closed after {after.TotalSeconds:0.0} s");
        // smtpd_upstream_proxy_timeout = 5s, then Postfix's 421 "Server local error" and a close: never a 220.
        Assert.False(received.StartsWith("220", StringComparison.Ordinal), $"smtpd greeted a client that sent no header\n{Postfix.Describe()}");
        Assert.True(received.Length == 0 || received.StartsWith("421 ", StringComparison.Ordinal), $"expected nothing or a 421, got \"{received}\"");
        Assert.InRange(after, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(14));
    }

    [Theory]
    [InlineData(25)]
    [InlineData(587)]
    [InlineData(465)]
    public async Task A_direct_connection_that_speaks_first_without_a_header_is_dropped_at_once(int port)
    {
        var (received, after) = await DirectAsync(port, port == 465 ? "\x16\x03\x01\x00\x05hello" : "EHLO client.example.org\r\n");

        output.WriteLine($"direct from {Trusted} (trusted) on {port}, no header: \"{received.TrimEnd()}\", closed after {after.TotalSeconds:0.0} s");
        Assert.False(received.StartsWith("220", StringComparison.Ordinal), $"smtpd greeted a client that sent no header\n{Postfix.Describe()}");
        Assert.True(after < TimeSpan.FromSeconds(4), $"closed only after {after}: the timeout, not the bad header, dropped it");
    }
}

/// <summary>PROXY protocol headers for TCP over IPv4, as HAProxy's proxy-protocol.txt specifies
/// them: v1 a text line, v2 a binary header with the 12-byte signature.</summary>
internal static class ProxyHeader
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] Tcp4(int version, IPAddress source, int sourcePort, IPAddress destination, int destinationPort)
    {
        if (version == 1)
            return Encoding.ASCII.GetBytes($"PROXY TCP4 {source} {destination} {sourcePort} {destinationPort}\r\n");
        var header = new byte[16 + 12];
        V2Signature.CopyTo(header, 0);
        header[12] = 0x21; // version 2, command PROXY
        header[13] = 0x11; // AF_INET, STREAM
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), 12);
        source.GetAddressBytes().CopyTo(header, 16);
        destination.GetAddressBytes().CopyTo(header, 20);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(24), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(26), (ushort)destinationPort);
        return header;
    }
}
