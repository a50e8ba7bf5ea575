using System.Diagnostics;
using System.Net;
using Mailsub.Testing.Postfix;

namespace Mailsub.Acceptance.Tests;

/// <summary>swaks, the SMTP test tool an administrator reaches for; its transcript shows the
/// server's exact replies.</summary>
internal static class Swaks
{
    public static async Task<string> RunAsync(PostfixInstance postfix, int renderedPort, IPAddress? source, params string[] arguments)
    {
        const string swaks = "/usr/bin/swaks";
        if (!File.Exists(swaks))
            throw new InvalidOperationException("swaks is not installed (apt-get install swaks; `make deps` does it)");
        var start = new ProcessStartInfo(swaks) { RedirectStandardOutput = true, RedirectStandardError = true };
        var common = new List<string> { "--server", $"{postfix.Host}:{postfix.Port(renderedPort)}", "--timeout", "15" };
        if (source is not null)
            common.AddRange(["--local-interface", source.ToString()]);
        foreach (var argument in common.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return await output + await errors;
    }

    public static Task<string> RunAsync(PostfixInstance postfix, int renderedPort, params string[] arguments) =>
        RunAsync(postfix, renderedPort, null, arguments);

    /// <summary>The server's replies in a swaks transcript ("&lt;- 235 ...", "&lt;~* 535 ..."),
    /// the last line of each.</summary>
    public static IReadOnlyList<string> Replies(string transcript) =>
        transcript.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith('<'))
            .Select(line => line.TrimStart('<', '-', '*', '~', ' '))
            .Where(line => line.Length >= 4 && line[3] == ' ')
            .ToArray();
}
