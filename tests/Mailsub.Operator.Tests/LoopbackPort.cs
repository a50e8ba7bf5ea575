using System.Net;
using System.Net.Sockets;

namespace Mailsub.Operator.Tests;

/// <summary>Ports for the operator's metrics and probe listeners.</summary>
internal static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 the kernel just handed out and nobody listens on.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
