using System.Diagnostics;

namespace Mailsub.Rendering.PostfixTests;

/// <summary>The installed Postfix's command-line tools. A missing Postfix fails the tests, it does not skip them.</summary>
internal static class PostfixCommands
{
    private static readonly string[] Directories = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

    public static Result Postconf(params string[] args) => Run("postconf", args);
    public static Result Postmap(params string[] args) => Run("postmap", args);
    public static Result Postfix(params string[] args) => Run("postfix", args);

    /// <summary>The Postfix the tests run against must be the one postfix-parameters.txt lists.</summary>
    public static void RequireVersion37()
    {
        var version = Postconf("-d", "-h", "mail_version").Stdout.Trim();
        Assert.True(version.StartsWith("3.7.", StringComparison.Ordinal),
            $"these tests check against Postfix 3.7 (the image's); found {version}. Regenerate postfix-parameters.txt for another version.");
    }

    private static Result Run(string command, string[] args)
    {
        var path = Directories.Select(d => Path.Combine(d, command)).FirstOrDefault(File.Exists);
        Assert.True(path is not null,
            $"Postfix is not installed: no {command} in {string.Join(", ", Directories)}. Install Postfix 3.7 (Debian 12: apt-get install postfix) to run Mailsub.Rendering.PostfixTests.");
        var start = new ProcessStartInfo(path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout, stderr.Result);
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);
}
