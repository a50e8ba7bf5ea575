using System.Diagnostics;
using System.Text;
using Mailsub.Testing.Postfix;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// HAProxy from Debian (/usr/sbin/haproxy) in TCP mode on loopback, in the foreground (-db) as
/// this test's own child: each frontend forwards to a Postfix port and announces the client it
/// accepted with <c>send-proxy</c> (PROXY v1) or <c>send-proxy-v2</c>. A client bound to
/// 127.0.0.x is announced as 127.0.0.x, which is how a test chooses the client address.
/// </summary>
internal sealed class HaProxy : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/haproxy";
    private readonly Process _process;
    private readonly string _directory;
    private readonly Dictionary<string, int> _ports;

    private HaProxy(Process process, string directory, Dictionary<string, int> ports)
    {
        _process = process;
        _directory = directory;
        _ports = ports;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    /// <summary>What haproxy wrote (its startup warnings and errors; -db logs nothing else here).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The loopback port of a frontend.</summary>
    public int Port(string frontend) => _ports[frontend];

    /// <param name="frontends">Name, the Postfix port it forwards to, and the server option (send-proxy or send-proxy-v2).</param>
    public static async Task<HaProxy> StartAsync(params (string Name, int Backend, string SendProxy)[] frontends)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException("haproxy is not installed (apt-get install haproxy)");
        var ports = frontends.ToDictionary(f => f.Name, _ => LoopbackPorts.Free());
        var config = new StringBuilder("""
            global
                maxconn 64
            defaults
                mode tcp
                timeout connect 5s
                timeout client 30s
                timeout server 30s

            """);
        foreach (var (name, backend, sendProxy) in frontends)
        {
            config.Append($"listen {name}\n    bind 127.0.0.1:{ports[name]}\n    server postfix 127.0.0.1:{backend} {sendProxy}\n");
        }
        var directory = Directory.CreateTempSubdirectory("mailsub-haproxy-").FullName;
        var file = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(file, config.ToString());

        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-db", "-f", file })
            start.ArgumentList.Add(argument);
        var haproxy = new HaProxy(Process.Start(start)!, directory, ports);
        haproxy._process.OutputDataReceived += (_, e) => { if (e.Data is not null) haproxy._output.Enqueue(e.Data); };
        haproxy._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) haproxy._output.Enqueue(e.Data); };
        haproxy._process.BeginOutputReadLine();
        haproxy._process.BeginErrorReadLine();
        try
        {
            foreach (var port in ports.Values)
            {
                if (!await LoopbackPorts.WaitForListenerAsync("127.0.0.1", port, TimeSpan.FromSeconds(15), () => haproxy._process.HasExited))
                    throw new InvalidOperationException($"haproxy did not listen on 127.0.0.1:{port}\n{config}\n{haproxy.Output}");
            }
            return haproxy;
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops this haproxy (its own pid only) and removes its configuration.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
