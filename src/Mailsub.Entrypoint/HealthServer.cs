using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>A listener the readiness check talks SMTP to: <c>587</c>, <c>465/tls</c> for
/// implicit TLS, and <c>/proxy</c> after either when smtpd expects a PROXY protocol header first.</summary>
public sealed record ListenerCheck(int Port, bool ImplicitTls, bool Proxy = false)
{
    public static ListenerCheck? Parse(string text)
    {
        var proxy = text.EndsWith("/proxy", StringComparison.Ordinal);
        if (proxy)
            text = text[..^6];
        var tls = text.EndsWith("/tls", StringComparison.Ordinal);
        return int.TryParse(tls ? text[..^4] : text, out var port) && port is > 0 and < 65536 ? new ListenerCheck(port, tls, proxy) : null;
    }

    public override string ToString() =>
        (ImplicitTls ? $"{Port}/tls" : Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) + (Proxy ? "/proxy" : "");
}

/// <summary>
/// The kubelet's probes, answered over plain HTTP on <c>--health PORT</c>. A tcpSocket probe
/// proves only that master holds the port: master keeps it while every smtpd it spawns dies at
/// start (and throttles the service), and a probe that opens 465 without TLS makes smtpd log an
/// SSL_accept error each time. So <c>/readyz</c> does what a client does on each listener: connect,
/// TLS first on an implicit-TLS port, read the 220 banner, QUIT. It turns false the moment a drain
/// begins, so the Service stops sending clients before the listeners close. <c>/livez</c> is true
/// while master runs, draining or not: a long drain must not be killed as a hung container.
/// <c>/metrics</c> serves the pod's own numbers (<see cref="PostfixMetrics"/>) in Prometheus' text
/// format on the same port, for a PodMonitor: one server, one port the pod already opens.
/// </summary>
internal sealed class HealthServer : IDisposable
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly TcpListener _listener;
    private readonly IReadOnlyList<ListenerCheck> _checks;
    private readonly Func<bool> _masterAlive;
    private readonly Func<CancellationToken, Task<string>>? _metrics;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _checking = new(1, 1);
    private volatile bool _draining;
    private (DateTime At, string? Failure) _last = (DateTime.MinValue, null);

    public HealthServer(int port, IReadOnlyList<ListenerCheck> checks, Func<bool> masterAlive,
        Func<CancellationToken, Task<string>>? metrics = null)
    {
        _checks = checks;
        _masterAlive = masterAlive;
        _metrics = metrics;
        // IPv4 only: the kubelet probes the pod's IPv4 address, and some pods have no IPv6 at all.
        _listener = new TcpListener(IPAddress.Any, port);
        _listener.Start();
        _ = ServeAsync();
    }

    /// <summary>From now on /readyz answers 503: the pod leaves its Services' endpoints.</summary>
    public void Drain() => _draining = true;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _checking.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(CheckTimeout * (_checks.Count + 1));
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync(timeout.Token) ?? "";
            var path = requestLine.Split(' ') is [_, var p, ..] ? p : "";
            await SkipHeadersAsync(reader, timeout.Token);
            var contentType = "text/plain";
            var (code, body) = path switch
            {
                "/livez" => _masterAlive() ? (200, "ok\n") : (503, "Postfix master is not running\n"),
                "/readyz" => await ReadinessAsync(timeout.Token),
                "/metrics" when _metrics is not null => (200, await _metrics(timeout.Token)),
                _ => (404, _metrics is null ? "try /livez or /readyz\n" : "try /livez, /readyz or /metrics\n"),
            };
            if (path == "/metrics" && code == 200)
                contentType = "text/plain; version=0.0.4; charset=utf-8";
            var response = $"HTTP/1.1 {code} {(code == 200 ? "OK" : code == 404 ? "Not Found" : "Service Unavailable")}\r\n" +
                $"Content-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(response), timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            // The prober gave up or went away; it asks again.
        }
    }

    /// <summary>Reads the request headers up to the empty line before the answer: closing a socket
    /// with unread input sends a reset, which can make the client drop the answer it has not read.</summary>
    private static async Task SkipHeadersAsync(StreamReader reader, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await reader.ReadLineAsync(ct) is not { Length: > 0 })
                return;
        }
    }

    private async Task<(int, string)> ReadinessAsync(CancellationToken ct)
    {
        if (_draining)
            return (503, "draining: the listeners are closing\n");
        if (!_masterAlive())
            return (503, "Postfix master is not running\n");
        // Probes from several kubelet workers and a busy period share one round of checks.
        await _checking.WaitAsync(ct);
        try
        {
            if (DateTime.UtcNow - _last.At > CacheFor)
                _last = (DateTime.UtcNow, await FirstFailureAsync(ct));
        }
        finally
        {
            _checking.Release();
        }
        return _last.Failure is { } failure ? (503, failure + "\n") : (200, "ok\n");
    }

    private async Task<string?> FirstFailureAsync(CancellationToken ct)
    {
        foreach (var check in _checks)
        {
            if (await BannerProblemAsync(check, ct) is { } problem)
                return $"{check}: {problem}";
        }
        return null;
    }

    /// <summary>Null when the listener greets with 220; otherwise what went wrong.</summary>
    internal static async Task<string?> BannerProblemAsync(ListenerCheck check, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, check.Port, timeout.Token);
            Stream stream = tcp.GetStream();
            // Without the header smtpd waits smtpd_upstream_proxy_timeout and drops the probe; a
            // v1 header naming loopback on both ends says what the connection really is.
            if (check.Proxy)
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 127.0.0.1 127.0.0.1 {((IPEndPoint)tcp.Client.LocalEndPoint!).Port} {check.Port}\r\n"), timeout.Token);
            if (check.ImplicitTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
                stream = tls;
            }
            await using (stream)
            {
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                string? line;
                do
                {
                    line = await reader.ReadLineAsync(timeout.Token);
                }
                while (line is not null && line.StartsWith("220-", StringComparison.Ordinal));
                if (line is null || !line.StartsWith("220", StringComparison.Ordinal))
                    return line is null ? "closed without a banner (smtpd died at start?)" : $"greeted with \"{line}\"";
                await stream.WriteAsync("QUIT\r\n"u8.ToArray(), timeout.Token);
                await reader.ReadLineAsync(timeout.Token);
                return null;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no banner within {CheckTimeout.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
