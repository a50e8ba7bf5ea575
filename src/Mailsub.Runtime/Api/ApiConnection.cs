using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;

namespace Mailsub.Runtime.Api;

/// <summary>
/// One HTTP connection pool to the API server, built from a kubeconfig (bearer token or token
/// provider, basic auth, client certificate, CA data). Its HttpClient has no overall timeout, so
/// a watch can stream for as long as the server keeps it open; every other request gets
/// <see cref="RequestTimeout"/>. TCP keep-alive finds dead peers of idle watches.
/// </summary>
public sealed class ApiConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly Func<CancellationToken, ValueTask<AuthenticationHeaderValue?>> _authorization;

    /// <summary>For tests and custom transports: requests go to <paramref name="handler"/>.</summary>
    public ApiConnection(Uri baseUri, HttpMessageHandler handler,
        Func<CancellationToken, ValueTask<AuthenticationHeaderValue?>>? authorization = null)
    {
        BaseUri = baseUri;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _authorization = authorization ?? (_ => ValueTask.FromResult<AuthenticationHeaderValue?>(null));
    }

    public Uri BaseUri { get; }

    /// <summary>Timeout of a request that is not a watch (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <param name="wrapTransport">client-go's rest.Config.WrapTransport: a handler put in front of
    /// the TLS one (request logging, fault injection in tests).</param>
    public static ApiConnection FromConfig(KubernetesClientConfiguration config, Func<HttpMessageHandler, HttpMessageHandler>? wrapTransport = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrEmpty(config.Host))
        {
            throw new ArgumentException("The Kubernetes configuration has no server address.", nameof(config));
        }

        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectCallback = ConnectWithKeepAliveAsync,
        };
        var caCerts = config.SslCaCerts;
        var skipVerify = config.SkipTlsVerify;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            ValidateServerCertificate(cert, errors, caCerts, skipVerify);
        if (!string.IsNullOrEmpty(config.TlsServerName))
        {
            handler.SslOptions.TargetHost = config.TlsServerName;
        }
        var clientCert = LoadClientCertificate(config);
        if (clientCert is not null)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { clientCert };
        }

        return new ApiConnection(new Uri(config.Host.TrimEnd('/') + "/"), wrapTransport?.Invoke(handler) ?? handler, Authorization(config));
    }

    /// <summary>
    /// Sends a request with the credentials. <paramref name="streaming"/> requests (watches) get no
    /// timeout and return once the headers are in; others are bounded by <see cref="RequestTimeout"/>
    /// and a timeout surfaces as <see cref="TimeoutException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool streaming, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= await _authorization(cancellationToken).ConfigureAwait(false);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (streaming)
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri?.AbsolutePath} did not answer within {RequestTimeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Sends a request and throws <see cref="KubeApiException"/> unless it succeeded.</summary>
    public async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, bool streaming, CancellationToken cancellationToken)
    {
        var method = request.Method.Method;
        var path = request.RequestUri is { } uri ? PathOf(uri) : "";
        var response = await SendAsync(request, streaming, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ToExceptionAsync(response, method, path, cancellationToken).ConfigureAwait(false);
        }
    }

    public Uri Resolve(string pathAndQuery) => new(BaseUri, pathAndQuery.TrimStart('/'));

    public void Dispose() => _http.Dispose();

    internal static string PathOf(Uri uri) => uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];

    /// <summary>Builds the typed exception from an error response (a Status body, if any).</summary>
    internal static async Task<KubeApiException> ToExceptionAsync(HttpResponseMessage response, string verb, string path, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            body = [];
        }
        var status = StatusBody.TryParse(body);
        return KubeApiException.Create((int)response.StatusCode, status.Reason ?? response.ReasonPhrase, verb, path,
            status.Message, status.Causes);
    }

    private static Func<CancellationToken, ValueTask<AuthenticationHeaderValue?>> Authorization(KubernetesClientConfiguration config)
    {
        if (config.TokenProvider is { } provider)
        {
            return async ct => await provider.GetAuthenticationHeaderAsync(ct).ConfigureAwait(false);
        }
        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            var header = new AuthenticationHeaderValue("Bearer", config.AccessToken);
            return _ => ValueTask.FromResult<AuthenticationHeaderValue?>(header);
        }
        if (!string.IsNullOrEmpty(config.Username))
        {
            var basic = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(config.Username + ":" + config.Password)));
            return _ => ValueTask.FromResult<AuthenticationHeaderValue?>(basic);
        }
        return _ => ValueTask.FromResult<AuthenticationHeaderValue?>(null);
    }

    private static X509Certificate2? LoadClientCertificate(KubernetesClientConfiguration config)
    {
        string? certPem = null, keyPem = null;
        if (!string.IsNullOrEmpty(config.ClientCertificateData) && !string.IsNullOrEmpty(config.ClientCertificateKeyData))
        {
            certPem = Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData));
            keyPem = Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData));
        }
        else if (!string.IsNullOrEmpty(config.ClientCertificateFilePath) && !string.IsNullOrEmpty(config.ClientKeyFilePath))
        {
            certPem = File.ReadAllText(config.ClientCertificateFilePath);
            keyPem = File.ReadAllText(config.ClientKeyFilePath);
        }
        return certPem is null ? null : X509Certificate2.CreateFromPem(certPem, keyPem);
    }

    private static bool ValidateServerCertificate(X509Certificate? certificate, SslPolicyErrors errors,
        X509Certificate2Collection? caCerts, bool skipVerify)
    {
        if (skipVerify || errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || caCerts is not { Count: > 0 } || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }
        // Chain errors only: check the chain against the kubeconfig's CA alone.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(caCerts);
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static async ValueTask<Stream> ConnectWithKeepAliveAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The parts of a metav1.Status the runtime reports: reason, code, message, causes.</summary>
internal readonly record struct StatusBody(int? Code, string? Reason, string? Message, IReadOnlyList<string> Causes)
{
    public static StatusBody TryParse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return new StatusBody(null, null, null, []);
        }
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            return From(doc.RootElement);
        }
        catch (JsonException)
        {
            return new StatusBody(null, null, null, []);
        }
    }

    public static StatusBody From(JsonElement status)
    {
        if (status.ValueKind != JsonValueKind.Object)
        {
            return new StatusBody(null, null, null, []);
        }
        int? code = status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
        var reason = status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var message = status.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var causes = new List<string>();
        if (status.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Object
            && d.TryGetProperty("causes", out var cs) && cs.ValueKind == JsonValueKind.Array)
        {
            foreach (var cause in cs.EnumerateArray())
            {
                var field = cause.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                var why = cause.TryGetProperty("reason", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;
                causes.Add($"{field ?? "(object)"}: {why ?? "(unspecified)"}");
            }
        }
        return new StatusBody(code, reason, message, causes);
    }
}
