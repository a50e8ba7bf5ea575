using System.Diagnostics;
using System.Text;

namespace Mailsub.Chart.Tests;

/// <summary>
/// The published NativeAOT `mailsub run` (MAILSUB_BIN names its folder; bin/ by default) as a child
/// process with its log kept; killed on dispose.
/// </summary>
public sealed class MailsubRun : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public MailsubRun(IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string Executable
    {
        get
        {
            var bin = Environment.GetEnvironmentVariable("MAILSUB_BIN");
            var exe = string.IsNullOrEmpty(bin) ? Tools.PathOf("bin", "mailsub") : Path.Combine(bin, "mailsub");
            Assert.True(File.Exists(exe), $"{exe} is missing: run make build (MAILSUB_BIN names the folder)");
            return exe;
        }
    }

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

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
