using System.Diagnostics;
using k8s;
using k8s.Models;

namespace Mailsub.Testing.ControlPlane;

/// <summary>
/// One real Kubernetes 1.20 control plane (etcd, kube-apiserver, kube-controller-manager from
/// hack/controlplane) for a whole test run. Use it as an xunit collection fixture: declare in the
/// test assembly
/// <code>[CollectionDefinition(ControlPlaneFixture.Collection)] public sealed class ControlPlaneCollection : ICollectionFixture&lt;ControlPlaneFixture&gt;;</code>
/// and mark integration test classes <c>[Collection(ControlPlaneFixture.Collection)]</c> (they then
/// run one at a time, which the restart test needs). Each test takes its own namespace from
/// <see cref="CreateNamespaceAsync"/>. The API server keeps its address across
/// <see cref="RestartAsync"/>, so running clients reconnect to it.
/// </summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    public const string Collection = "ControlPlane";

    private static int _namespaces;
    private string? _dir;
    private string? _apiPort;

    /// <summary>Folder holding the kubeconfig, certs, etcd data and logs (deleted at the end).</summary>
    public string Directory => _dir ?? throw NotStarted();

    /// <summary>Admin kubeconfig (bearer token, CA data); valid across restarts.</summary>
    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public string ApiServerUrl { get; private set; } = "";

    /// <summary>A typed client with admin rights.</summary>
    public Kubernetes Client { get; private set; } = null!;

    /// <summary>How long the last start took (start.sh, until ready).</summary>
    public TimeSpan LastStartDuration { get; private set; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task InitializeAsync()
    {
        var bin = BinaryDirectory();
        _dir = Path.Combine(Path.GetTempPath(), "mailsub-cp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..6]);
        await StartAsync(bin, apiPort: null).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopQuietly();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_dir is null)
        {
            return;
        }
        await RunScriptAsync("stop.sh", [_dir], environment: null, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        _dir = null;
    }

    /// <summary>A fresh namespace, <c>prefix-N-random</c>, for one test.</summary>
    public async Task<string> CreateNamespaceAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}-{Guid.NewGuid().ToString("N")[..5]}".ToLowerInvariant();
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Stops the control plane (stop.sh); etcd data stays. Clients see connection errors until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => RunScriptAsync("stop.sh", [Directory], environment: null, TimeSpan.FromSeconds(60));

    /// <summary>Starts it again on the same folder and API server port (start.sh with MAILSUB_CP_API_PORT).</summary>
    public Task StartAgainAsync() => StartAsync(BinaryDirectory(), _apiPort);

    /// <summary>stop.sh then start.sh on the same folder: a restart of etcd and the API server, data kept.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartAgainAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The folder with kube-apiserver and etcd: MAILSUB_CP_BIN_DIR, else KUBEBUILDER_ASSETS, else
    /// build.sh's cache. Never builds (a cold build takes 15 min): fails with what to run instead.
    /// </summary>
    public static string BinaryDirectory()
    {
        var dir = Environment.GetEnvironmentVariable("MAILSUB_CP_BIN_DIR");
        if (string.IsNullOrEmpty(dir))
        {
            dir = Environment.GetEnvironmentVariable("KUBEBUILDER_ASSETS");
        }
        if (string.IsNullOrEmpty(dir))
        {
            var cache = Environment.GetEnvironmentVariable("MAILSUB_CACHE");
            if (string.IsNullOrEmpty(cache))
            {
                cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mailsub");
            }
            dir = Path.Combine(cache, "kubernetes-1.20.2", "bin");
        }
        foreach (var binary in new[] { "kube-apiserver", "etcd" })
        {
            if (!File.Exists(Path.Combine(dir, binary)))
            {
                throw new InvalidOperationException(
                    $"The integration tests need a local Kubernetes control plane, but {Path.Combine(dir, binary)} is missing. " +
                    $"Build it once with: {Path.Combine(RepositoryRoot, "hack", "controlplane", "build.sh")} " +
                    "(about 15 minutes cold; cached afterwards), or point MAILSUB_CP_BIN_DIR or KUBEBUILDER_ASSETS at a folder with kube-apiserver and etcd.");
            }
        }
        return dir;
    }

    private async Task StartAsync(string bin, string? apiPort)
    {
        var env = new Dictionary<string, string> { ["MAILSUB_CP_BIN_DIR"] = bin };
        if (apiPort is not null)
        {
            env["MAILSUB_CP_API_PORT"] = apiPort;
        }
        var watch = Stopwatch.StartNew();
        await RunScriptAsync("start.sh", [Directory], env, TimeSpan.FromMinutes(4)).ConfigureAwait(false);
        LastStartDuration = watch.Elapsed;

        var values = ReadEnvFile(Path.Combine(Directory, "env"));
        ApiServerUrl = values["MAILSUB_CP_APISERVER_URL"];
        _apiPort = new Uri(ApiServerUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Client?.Dispose();
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
    }

    private static Dictionary<string, string> ReadEnvFile(string path)
    {
        var values = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (!line.StartsWith("export ", StringComparison.Ordinal))
            {
                continue;
            }
            var eq = line.IndexOf('=');
            values[line[7..eq]] = line[(eq + 1)..].Trim('\'', '"');
        }
        return values;
    }

    private static async Task RunScriptAsync(string script, string[] args, Dictionary<string, string>? environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Path.Combine(RepositoryRoot, "hack", "controlplane", script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not run {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hack/controlplane/{script} did not finish within {timeout}.\n{await stderr.ConfigureAwait(false)}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"hack/controlplane/{script} failed (exit {process.ExitCode}):\n{await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        }
    }

    private void StopQuietly()
    {
        if (_dir is null)
        {
            return;
        }
        try
        {
            using var p = Process.Start(Path.Combine(RepositoryRoot, "hack", "controlplane", "stop.sh"), [_dir]);
            p?.WaitForExit(30_000);
        }
        catch (Exception)
        {
            // best effort at process exit
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "hack", "controlplane", "start.sh")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No hack/controlplane/start.sh above {AppContext.BaseDirectory}: run the tests from the repository.");
    }

    private static InvalidOperationException NotStarted() => new("The control plane is not started (InitializeAsync has not run).");
}
