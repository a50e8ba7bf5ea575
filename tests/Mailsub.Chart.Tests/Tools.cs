using System.Diagnostics;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Chart.Tests;

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>The real helm and kubectl (hack/tools.sh, cached), lua5.4, and a way to run them.</summary>
public static class Tools
{
    private static readonly Lazy<Task<string>> BinDirectory = new(InstallAsync);

    public static string Root => ControlPlaneFixture.RepositoryRoot;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string ChartDirectory => PathOf("charts", "mailsub");

    public static async Task<string> HelmAsync() => Path.Combine(await BinDirectory.Value.ConfigureAwait(false), "helm");

    public static async Task<string> KubectlAsync() => Path.Combine(await BinDirectory.Value.ConfigureAwait(false), "kubectl");

    /// <summary>helm with the given arguments; fails the test unless it exits 0.</summary>
    public static async Task<string> Helm(string? kubeconfig, params string[] args)
    {
        var result = await RunAsync(await HelmAsync().ConfigureAwait(false), args, env: Env(kubeconfig)).ConfigureAwait(false);
        Assert.True(result.ExitCode == 0, $"helm {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Output}");
        return result.Stdout;
    }

    public static async Task<ToolResult> TryHelm(string? kubeconfig, params string[] args) =>
        await RunAsync(await HelmAsync().ConfigureAwait(false), args, env: Env(kubeconfig)).ConfigureAwait(false);

    public static async Task<string> Kubectl(string kubeconfig, string? stdin, params string[] args)
    {
        var result = await TryKubectl(kubeconfig, stdin, args).ConfigureAwait(false);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Output}");
        return result.Stdout;
    }

    public static async Task<ToolResult> TryKubectl(string kubeconfig, string? stdin, params string[] args) =>
        await RunAsync(await KubectlAsync().ConfigureAwait(false), ["--kubeconfig", kubeconfig, .. args], stdin).ConfigureAwait(false);

    private static Dictionary<string, string>? Env(string? kubeconfig)
    {
        // A private helm home per run: no repositories, no plugins, no cache from the machine.
        var home = Path.Combine(Path.GetTempPath(), "mailsub-helm-home-" + Environment.ProcessId);
        var env = new Dictionary<string, string>
        {
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        };
        if (kubeconfig is not null)
            env["KUBECONFIG"] = kubeconfig;
        return env;
    }

    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null,
        IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static async Task<string> InstallAsync()
    {
        var result = await RunAsync(PathOf("hack", "tools.sh"), [], timeout: TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"hack/tools.sh failed (exit {result.ExitCode}):\n{result.Stderr}");
        return result.Stdout.TrimEnd().Split('\n')[^1];
    }
}
