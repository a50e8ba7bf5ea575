using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Mailsub.Runtime.Webhooks;

/// <summary>One request: the path and the body, read whole.</summary>
public readonly record struct HttpsRequest(string Method, string Path, ReadOnlyMemory<byte> Body);

/// <summary>The answer: a status code and a body (JSON unless said otherwise).</summary>
public readonly record struct HttpsResponse(int Status, ReadOnlyMemory<byte> Body, string ContentType = "application/json")
{
    public static HttpsResponse Text(int status, string text) => new(status, Encoding.UTF8.GetBytes(text + "\n"), "text/plain; charset=utf-8");
}

/// <summary>The bounds of <see cref="HttpsServer"/>.</summary>
public sealed record HttpsServerLimits
{
    /// <summary>
    /// Largest request body. Admission webhooks: an UPDATE review carries the object and the old
    /// object, each at most the API server's 3 MiB request limit (etcd holds 1.5 MiB), plus the
    /// envelope; 8 MiB refuses nothing the API server itself admits and bounds what one connection
    /// can make the process hold.
    /// </summary>
    public int MaxBodyBytes { get; init; } = 8 << 20;

    /// <summary>Request line and headers together (Go's client sends a few hundred bytes).</summary>
    public int MaxHeaderBytes { get; init; } = 16 << 10;

    /// <summary>Connections served at once; more wait in the kernel's backlog.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>TLS handshake, and a request from its first byte to its last.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a kept-alive connection may wait for its next request: longer than Go's
    /// IdleConnTimeout (90 s), so the API server closes first and never sends a POST on a
    /// connection this side is closing (Go does not retry a POST).
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(120);
}

/// <summary>
/// A minimal HTTP/1.1 server over <see cref="SslStream"/> for webhooks: POST with Content-Length,
/// keep-alive, no chunked bodies, no HTTP/2 (no ALPN offered, so Go's client speaks HTTP/1.1).
/// Written for the NativeAOT binary: HttpListener serves no TLS on Linux, and Kestrel would carry
/// ASP.NET Core's hosting into it (the size is in src/Mailsub.Operator/README.md). Malformed
/// requests get a 4xx with the reason and the connection is closed.
/// </summary>
public sealed class HttpsServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ServingCertificate _certificate;
    private readonly Func<HttpsRequest, CancellationToken, ValueTask<HttpsResponse>> _handler;
    private readonly HttpsServerLimits _limits;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public HttpsServer(IPEndPoint endpoint, ServingCertificate certificate, Func<HttpsRequest, CancellationToken, ValueTask<HttpsResponse>> handler,
        HttpsServerLimits? limits = null)
    {
        _certificate = certificate;
        _handler = handler;
        _limits = limits ?? new HttpsServerLimits();
        _slots = new SemaphoreSlim(_limits.MaxConnections);
        _listener = new TcpListener(endpoint);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _listener.Server.DualMode = true;
        }
        _listener.Start(backlog: 128);
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where it listens (the port, when 0 was asked for).</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Requests answered, malformed ones included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests refused before the handler saw them (malformed HTTP, a body over the limit).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    private long _requests;
    private long _malformed;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                _ = Task.Run(() => ServeAsync(client));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                _slots.Release(); // a connection reset before accept: try the next
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            client.NoDelay = true;
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                handshake.CancelAfter(_limits.RequestTimeout);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _certificate.Current(),
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = false,
                }, handshake.Token).ConfigureAwait(false);
            }
            var connection = new HttpConnection(tls, _limits);
            while (!_stop.IsCancellationRequested)
            {
                var read = await connection.ReadRequestAsync(_stop.Token).ConfigureAwait(false);
                if (read.Closed)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                if (read.Error is not null)
                {
                    Interlocked.Increment(ref _malformed);
                }
                var (response, keepAlive) = read.Error is { } error ? (error, false) : await HandleAsync(read).ConfigureAwait(false);
                await connection.WriteResponseAsync(response, keepAlive, _stop.Token).ConfigureAwait(false);
                if (!keepAlive)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or SocketException
            or ObjectDisposedException or System.Security.Cryptography.CryptographicException)
        {
            // The peer went away, timed out or failed the handshake: nothing to answer.
        }
        finally
        {
            client.Dispose();
            _slots.Release();
        }
    }

    /// <summary>The handler's answer; a handler that throws answers 500 (and the connection closes) rather than dropping it unanswered.</summary>
    private async Task<(HttpsResponse, bool)> HandleAsync(HttpConnection.ReadResult read)
    {
        try
        {
            return (await _handler(read.Request, _stop.Token).ConfigureAwait(false), read.KeepAlive);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (HttpsResponse.Text(500, "the handler failed: " + ex.GetType().Name), false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
