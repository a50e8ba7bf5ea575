using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mailsub.Benchmarks.Controller;

/// <summary>
/// The published NativeAOT <c>bin/mailsub run</c> as a child process, watching one namespace,
/// with its metrics and probes on free loopback ports. Times its log lines against the moment it
/// was spawned, reads its memory from /proc and its own counters from /metrics.
/// </summary>
public sealed class OperatorUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Stopwatch _sinceSpawn;
    private readonly TaskCompletionSource<double> _firstReconcile = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<double> _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly int _metricsPort;
    private readonly StreamWriter _log;

    private OperatorUnderTest(Process process, Stopwatch sinceSpawn, int metricsPort, string logPath)
    {
        _process = process;
        _sinceSpawn = sinceSpawn;
        _metricsPort = metricsPort;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
    }

    /// <summary>Where its output goes (kept after the run, for a look at what it did).</summary>
    public string LogPath { get; }

    /// <summary>Spawns the operator; <paramref name="clock"/> is started (or restarted) right before the spawn.</summary>
    public static OperatorUnderTest Start(string exe, string kubeconfig, string ns, int workers, Stopwatch clock)
    {
        var metricsPort = FreePort();
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "run", "--kubeconfig", kubeconfig, "--namespace", ns, "--workers", workers.ToString(CultureInfo.InvariantCulture),
            "--metrics-bind-address", $"127.0.0.1:{metricsPort}", "--health-probe-bind-address", $"127.0.0.1:{FreePort()}",
            // The benchmark marks Deployments available: the probe would dial cluster IPs no one serves here.
            "--live-probe=false",
        })
        {
            info.ArgumentList.Add(arg);
        }
        clock.Restart();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {exe}");
        var op = new OperatorUnderTest(process, clock, metricsPort, Path.Combine(Path.GetTempPath(), $"mailsub-bench-{ns}.log"));
        process.OutputDataReceived += (_, e) => op.Line(e.Data);
        process.ErrorDataReceived += (_, e) => op.Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return op;
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }
        var at = _sinceSpawn.Elapsed.TotalSeconds;
        lock (_output)
        {
            _output.Add(line);
            _log.WriteLine(line);
        }
        if (line.Contains(" msg=reconciled ", StringComparison.Ordinal))
        {
            // The line ends the reconcile; its duration_ms says when it began.
            var duration = line.IndexOf(" duration_ms=", StringComparison.Ordinal) is var i and >= 0
                && double.TryParse(line[(i + 13)..].Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? ms / 1000 : 0;
            if (_firstReconcile.TrySetResult(at))
            {
                FirstReconcileBegan = at - duration;
            }
        }
        else if (line.Contains(" msg=discovered ", StringComparison.Ordinal))
        {
            Discovered = at;
        }
        else if (line.Contains(" msg=\"caches synced\"", StringComparison.Ordinal))
        {
            _synced.TrySetResult(at);
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Seconds from spawn to the first "reconciled" log line.</summary>
    public Task<double> FirstReconcile => _firstReconcile.Task;

    /// <summary>Seconds from spawn to the start of the first reconcile (its log line less its duration).</summary>
    public double FirstReconcileBegan { get; private set; } = double.NaN;

    /// <summary>Seconds from spawn to "discovered" (configuration read, API discovery done).</summary>
    public double Discovered { get; private set; } = double.NaN;

    /// <summary>Seconds from spawn to "caches synced" (every informer listed).</summary>
    public Task<double> CachesSynced => _synced.Task;

    public int ReconciledLines
    {
        get
        {
            lock (_output)
            {
                return _output.Count(l => l.Contains(" msg=reconciled ", StringComparison.Ordinal));
            }
        }
    }

    public string Tail(int lines = 30)
    {
        lock (_output)
        {
            return string.Join('\n', _output.Skip(Math.Max(0, _output.Count - lines)));
        }
    }

    /// <summary>VmRSS and VmHWM (peak) in MiB, from /proc/PID/status.</summary>
    public (double Rss, double Peak) Memory()
    {
        double rss = double.NaN, peak = double.NaN;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024.0;
            }
        }
        return (rss, peak);

        static double Kib(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>The operator's own /metrics, summed by metric name (labels dropped).</summary>
    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync(CancellationToken ct = default)
    {
        var text = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{_metricsPort}/metrics"), ct).ConfigureAwait(false);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var nameEnd = line.IndexOfAny([' ', '{']);
            var valueStart = line.LastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= 0
                || !double.TryParse(line[(valueStart + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }
            var name = line[..nameEnd];
            values[name] = values.GetValueOrDefault(name) + value;
        }
        return values;
    }

    /// <summary>Waits until the work queue is empty and no worker is busy, twice in a row; returns the seconds waited.</summary>
    public async Task<double> WaitIdleAsync(TimeSpan limit, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var quietReads = 0;
        while (watch.Elapsed < limit)
        {
            var m = await MetricsAsync(ct).ConfigureAwait(false);
            quietReads = m.GetValueOrDefault("workqueue_depth") == 0 && m.GetValueOrDefault("controller_runtime_active_workers") == 0
                ? quietReads + 1 : 0;
            if (quietReads >= 2)
            {
                break;
            }
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        return watch.Elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15); // SIGTERM: a graceful stop, as the kubelet sends
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        _process.Dispose();
        _http.Dispose();
        lock (_output)
        {
            _log.Dispose();
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
