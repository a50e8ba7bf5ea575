using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Mailsub.Testing.Postfix;

/// <summary>One GET /metrics from the entrypoint, as Prometheus reads it: each series line
/// (<c>name{label="value",...}</c> exactly as served) and its value.</summary>
public sealed class MetricsScrape
{
    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var space = line.LastIndexOf(' ');
            Series[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
    }

    public string Text { get; }

    public Dictionary<string, double> Series { get; } = new(StringComparer.Ordinal);

    /// <summary>The series' value; 0 when it is not served (yet).</summary>
    public double this[string series] => Series.GetValueOrDefault(series);

    /// <summary>GET /metrics over a plain socket, as a scraper would; throws unless it answers 200.</summary>
    public static async Task<MetricsScrape> GetAsync(string host, int port)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /metrics HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/plain\r\n\r\n"), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(timeout.Token);
        var body = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 ? response[(end + 4)..] : "";
        if (!response.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal) ||
            !response.Contains("Content-Type: text/plain; version=0.0.4", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"GET /metrics on {host}:{port} answered:\n{response}");
        }

        return new MetricsScrape(body);
    }

    /// <summary>Scrapes until <paramref name="series"/> reaches <paramref name="atLeast"/>
    /// (the log line that counts it is read a moment after the client's reply); returns the last scrape.</summary>
    public static async Task<MetricsScrape> WaitForAsync(string host, int port, string series, double atLeast, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var scrape = await GetAsync(host, port);
            if (scrape[series] >= atLeast || clock.Elapsed > timeout)
                return scrape;
            await Task.Delay(100);
        }
    }
}
