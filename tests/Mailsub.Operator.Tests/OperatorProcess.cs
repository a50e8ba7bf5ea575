using System.Diagnostics;
using System.Text;

namespace Mailsub.Operator.Tests;

/// <summary>The published NativeAOT `mailsub run` as a child process (MAILSUB_BIN: the bin folder).</summary>
internal sealed class OperatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public OperatorProcess(string kubeconfig, params string[] args)
    {
        var bin = Environment.GetEnvironmentVariable("MAILSUB_BIN");
        var exe = string.IsNullOrEmpty(bin) ? "" : Path.Combine(bin, "mailsub");
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"MAILSUB_BIN must point at the folder of the NativeAOT `mailsub` (found '{exe}'): run make build");
        }
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Without a kubelet the Services' cluster IPs lead nowhere, and tests talk only to loopback:
        // the live probe is off unless a test turns it on (with --probe-target to a loopback Postfix).
        var probe = args.Any(a => a.StartsWith("--live-probe", StringComparison.Ordinal)) ? [] : new[] { "--live-probe=false" };
        foreach (var a in new[] { "run", "--kubeconfig", kubeconfig }.Concat(probe).Concat(args))
        {
            info.ArgumentList.Add(a);
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as the kubelet sends on pod deletion; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        _ = Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
