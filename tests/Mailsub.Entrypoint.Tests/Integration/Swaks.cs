using System.Diagnostics;
using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>swaks, the SMTP test tool an administrator would reach for, whose transcript shows
/// the server's exact reply codes.</summary>
internal static class Swaks
{
    public static async Task<string> RunAsync(PostfixInstance postfix, int renderedPort, params string[] arguments)
    {
        var swaks = File.Exists("/usr/bin/swaks")
            ? "/usr/bin/swaks"
            : throw new InvalidOperationException("swaks is not installed (apt-get install swaks)");
        var start = new ProcessStartInfo(swaks) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--server", postfix.Host, "--port", postfix.Port(renderedPort).ToString(), "--timeout", "15" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return await output + await errors;
    }
}
