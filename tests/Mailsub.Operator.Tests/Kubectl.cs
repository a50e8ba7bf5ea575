using System.Diagnostics;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>The real kubectl (hack/tools.sh's, in the cache) against the fixture's API server, bounded in time.</summary>
internal static class Kubectl
{
    public sealed record Result(int Code, string Output);

    /// <summary>`kubectl apply --dry-run=server` of one object, from a file of its own.</summary>
    public static async Task<Result> ApplyDryRunAsync(ControlPlaneFixture cp, System.Text.Json.Nodes.JsonObject body, string ns)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mailsub-kubectl-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, body.ToJsonString());
        try
        {
            return await RunAsync(cp, "apply", "--dry-run=server", "-n", ns, "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static async Task<Result> RunAsync(ControlPlaneFixture cp, params string[] args)
    {
        var cache = Environment.GetEnvironmentVariable("MAILSUB_CACHE") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mailsub");
        var info = new ProcessStartInfo(Path.Combine(cache, "tools", "bin", "kubectl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(cp.KubeconfigPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start (run hack/tools.sh)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("kubectl " + string.Join(' ', args) + " did not finish within 60 s");
        }
        return new Result(process.ExitCode, await stdout + await stderr);
    }
}
