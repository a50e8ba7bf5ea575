using System.Diagnostics;

namespace Mailsub.Cli.Tests;

/// <summary>The published NativeAOT executable: $MAILSUB_BIN/mailsub, else bin/mailsub in the repository.</summary>
public static class MailsubBinary
{
    public static string Root => RepositoryRoot.Path;

    public static string Path
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("MAILSUB_BIN") ?? System.IO.Path.Combine(Root, "bin");
            var path = System.IO.Path.Combine(dir, "mailsub");
            Assert.True(File.Exists(path), $"{path} does not exist: run `make build` first (it publishes the NativeAOT binary)");
            return path;
        }
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), $"mailsub {string.Join(' ', args)} did not exit in 30 s");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
