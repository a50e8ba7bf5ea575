using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mailsub.Testing.Postfix;

/// <summary>Free ports on 127.0.0.1, and waiting for a server to listen on one.</summary>
public static class LoopbackPorts
{
    /// <summary>A port the kernel just handed out and nobody listens on. Another process could
    /// take it before it is used; the kernel hands out ports in turn, so in practice that takes
    /// tens of thousands of binds in between.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until a TCP connect to host:port succeeds; false on timeout.</summary>
    public static async Task<bool> WaitForListenerAsync(string host, int port, TimeSpan timeout, Func<bool>? giveUp = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (giveUp?.Invoke() == true)
                return false;
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(host, port).WaitAsync(TimeSpan.FromSeconds(2));
                return true;
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }

    /// <summary>True when something accepts connections on host:port right now.</summary>
    public static bool IsListening(string host, int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(host, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
