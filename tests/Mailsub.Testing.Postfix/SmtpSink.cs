using System.Diagnostics;

namespace Mailsub.Testing.Postfix;

/// <summary>Postfix's smtp-sink on a free loopback port, keeping every message it accepts as
/// a file, so a test can see what Postfix relayed without anything leaving the machine.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    public string Directory { get; }

    /// <summary>The relayhost value that sends all mail here.</summary>
    public string Relayhost => $"[{Host}]:{Port}";

    /// <summary>Starts a sink writing into <paramref name="directory"/>, on
    /// <paramref name="port"/> or a free one.</summary>
    public static async Task<SmtpSink> StartAsync(string directory, int? port = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        // smtp-sink refuses to run as root and writes as the user it switches to.
        await Run("chown", "postfix", directory);
        var listenPort = port ?? LoopbackPorts.Free();
        var start = new ProcessStartInfo(Prerequisites.Find("smtp-sink"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-u", "postfix", "-d", Path.Combine(directory, "%H%M%S."), $"127.0.0.1:{listenPort}", "100" })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        var sink = new SmtpSink(process, directory, listenPort);
        if (!await LoopbackPorts.WaitForListenerAsync("127.0.0.1", listenPort, TimeSpan.FromSeconds(10), () => process.HasExited))
        {
            var errors = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
            await sink.DisposeAsync();
            throw new InvalidOperationException($"smtp-sink did not listen on 127.0.0.1:{listenPort}: {errors}");
        }
        return sink;
    }

    /// <summary>The messages received so far, as smtp-sink dumped them (X- lines describing the
    /// SMTP transaction, then the message). A message being received may be incomplete.</summary>
    public IReadOnlyList<string> Messages() =>
        System.IO.Directory.EnumerateFiles(Directory).Order().Select(File.ReadAllText).ToArray();

    /// <summary>Waits for a message containing <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForMessageAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Messages().FirstOrDefault(m => m.Contains(text, StringComparison.Ordinal)) is { } message)
                return message;
            await Task.Delay(100);
        }
        throw new TimeoutException(
            $"no message containing '{text}' reached the sink at {Relayhost} within {timeout.TotalSeconds:0} s; " +
            $"it holds {Messages().Count} message(s) in {Directory}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static async Task Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(Prerequisites.Find(program)) { RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {errors}");
    }
}
