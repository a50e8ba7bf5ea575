using System.Net;
using System.Text;

namespace Mailsub.Operator;

/// <summary>/healthz (the process serves) and /readyz (every informer has synced, leader or not).</summary>
public sealed class ProbeServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<bool> _ready;
    private readonly CancellationTokenSource _stop = new();

    public ProbeServer(string address, Func<bool> ready)
    {
        var (host, port) = BindAddress.Parse(address);
        _listener.Prefixes.Add($"http://{host}:{port}/");
        _ready = ready;
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            var (code, text) = context.Request.Url?.AbsolutePath switch
            {
                "/healthz" => (200, "ok"),
                "/readyz" => _ready() ? (200, "ok") : (503, "informers not synced"),
                _ => (404, "not found"),
            };
            try
            {
                context.Response.StatusCode = code;
                var bytes = Encoding.UTF8.GetBytes(text + "\n");
                context.Response.ContentType = "text/plain";
                await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
