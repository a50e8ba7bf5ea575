using System.Diagnostics;

namespace Mailsub.Rendering.PostfixTests;

/// <summary>
/// src/Mailsub.Core/Validation/postfix-parameters.txt (the names extraConfig may use, and the
/// types its values are checked against) is what hack/postfix-parameters.sh prints for the real
/// Postfix 3.7 installed here.
/// </summary>
public class ParameterTableTests
{
    [Fact]
    public async Task Parameter_table_matches_the_installed_postfix()
    {
        PostfixCommands.RequireVersion37();
        var script = Path.Combine(RepositoryRoot.Path, "hack", "postfix-parameters.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = "/usr/sbin:/sbin:" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var generated = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{script} failed: {await stderr}");
        var committed = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Mailsub.Core", "Validation", "postfix-parameters.txt"));
        Assert.True(generated == committed,
            "postfix-parameters.txt is stale for the installed Postfix: run hack/postfix-parameters.sh > src/Mailsub.Core/Validation/postfix-parameters.txt");
    }
}
