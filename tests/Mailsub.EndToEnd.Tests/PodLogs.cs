using System.Collections.Concurrent;
using System.Diagnostics;
using Mailsub.Chart.Tests;

namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// Follows the logs of every pod a selector matches, pods that come later included, so that what a
/// pod said while it stopped is still there after the pod is gone. One `kubectl logs -f` per pod,
/// all killed at dispose; the pod list is read once a second.
/// </summary>
public sealed class PodLogs : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Process> _followers = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    public PodLogs(NodeFixture node, string ns, string selector) => _watch = WatchAsync(node, ns, selector);

    /// <summary>Every line so far, each prefixed with its pod.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    private async Task WatchAsync(NodeFixture node, string ns, string selector)
    {
        var kubectl = await Tools.KubectlAsync();
        while (!_stop.IsCancellationRequested)
        {
            // Only pods whose containers run: `logs -f` on a pod still creating its container
            // fails at once, and that pod would never be followed.
            var pods = await node.TryKubectl("-n", ns, "get", "pods", "-l", selector, "-o",
                """jsonpath={range .items[?(@.status.phase=="Running")]}pod/{.metadata.name}{"\n"}{end}""");
            foreach (var pod in pods.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (_followers.ContainsKey(pod))
                    continue;
                var process = new Process
                {
                    StartInfo = new ProcessStartInfo(kubectl, (string[])["--kubeconfig", node.Kubeconfig, "-n", ns, "logs", "-f", pod, "--all-containers"])
                    {
                        RedirectStandardOutput = true,
                        RedirectStandardError = true,
                    },
                };
                var name = pod["pod/".Length..];
                process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue($"[{name}] {e.Data}"); };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue($"[{name}] {e.Data}"); };
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                _followers[pod] = process;
            }
            try
            {
                await Task.Delay(1000, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        foreach (var process in _followers.Values)
        {
            if (!process.HasExited)
                process.Kill();
            process.Dispose();
        }
        _stop.Dispose();
    }
}
