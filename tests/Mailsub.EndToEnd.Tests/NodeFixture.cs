using System.Diagnostics;
using System.Text.Json.Nodes;
using Mailsub.Chart.Tests;

namespace Mailsub.EndToEnd.Tests;

[CollectionDefinition(NodeFixture.Collection)]
public sealed class NodeCollection : ICollectionFixture<NodeFixture>;

/// <summary>
/// One real node for the whole run: the images built from the Dockerfiles' final stages
/// (hack/node/images.sh), the cluster (hack/node/start.sh), the chart installed with helm as a user
/// would (the operator's own image, two replicas with leader election, in-cluster config through
/// the <c>kubernetes</c> Service), and an smtp-sink pod every MailSubmission relays to, so no mail
/// leaves the node (hack/node/install.sh, which make run shares). Disposal runs hack/node/stop.sh,
/// which fails when anything is left behind.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public const string Collection = "Node";
    public const string OperatorNamespace = "mailsub-system";
    public const string Release = "mailsub";
    public const string SinkNamespace = "sink";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"mailsub-e2e-{Environment.ProcessId}");

    public string Kubeconfig => Path.Combine(_dir, "node", "cp", "kubeconfig");
    public string ContainerdSocket => Path.Combine(_dir, "node", "containerd", "containerd.sock");
    public string PostfixImage { get; private set; } = "";
    public string OperatorImage { get; private set; } = "";

    /// <summary>ClusterIP of the smtp-sink Service, port <see cref="Sink.Port"/>.</summary>
    public string SinkAddress { get; private set; } = "";

    /// <summary>What each step took, for the test output and the benchmark.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Timings => _timings;

    private readonly Dictionary<string, TimeSpan> _timings = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed; nothing may stay behind.
            await StopNodeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        var nodeBin = LastLine(await Step("build node binaries", "hack/controlplane/build.sh", ["--node"], TimeSpan.FromMinutes(60)));
        var bin = Environment.GetEnvironmentVariable("MAILSUB_BIN") is { Length: > 0 } b ? b : Tools.PathOf("bin");
        var images = (await Step("build images", "hack/node/images.sh", [Path.Combine(_dir, "images")], TimeSpan.FromMinutes(15),
                new() { ["MAILSUB_BIN"] = bin, ["MAILSUB_NODE_BIN"] = nodeBin }))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length == 3)
            .ToDictionary(fields => fields[0], fields => (Ref: fields[1], Tarball: fields[2]));
        PostfixImage = images["postfix"].Ref;
        OperatorImage = images["operator"].Ref;
        await Step("start the node", "hack/node/start.sh", [Path.Combine(_dir, "node"), .. images.Values.Select(i => i.Tarball)],
            TimeSpan.FromMinutes(5), new() { ["MAILSUB_CP_BIN_DIR"] = nodeBin });

        // cert-manager's CRDs (no cert-manager controller runs here: tests play it), the chart, the sink;
        // the same script make run uses.
        SinkAddress = LastLine(await Step("install CRDs, chart (operator pods Ready) and sink", "hack/node/install.sh",
            [Path.Combine(_dir, "node"), PostfixImage, OperatorImage], TimeSpan.FromMinutes(6)));
    }

    public async Task DisposeAsync()
    {
        var stop = await StopNodeAsync();
        File.WriteAllText(Path.Combine(_dir, "stop.log"), stop.Output);
        if (stop.ExitCode != 0)
            throw new InvalidOperationException($"hack/node/stop.sh left something behind (exit {stop.ExitCode}); node logs in {_dir}:\n{stop.Output}");
        // The network rule: nothing the node ran may have been caught by a guard.
        var caught = System.Text.RegularExpressions.Regex.Match(stop.Output, @"guards caught (\d+) packet");
        if (!caught.Success || caught.Groups[1].Value != "0")
            throw new InvalidOperationException($"the node's network guards caught traffic (must be 0); node logs in {_dir}:\n{stop.Output}");
        if (Environment.GetEnvironmentVariable("MAILSUB_E2E_KEEP") != "1")
            Directory.Delete(_dir, recursive: true);
    }

    private Task<ToolResult> StopNodeAsync() =>
        Tools.RunAsync(Tools.PathOf("hack", "node", "stop.sh"), [Path.Combine(_dir, "node")], timeout: TimeSpan.FromMinutes(3));

    public Task<string> Kubectl(string? stdin, params string[] args) => Tools.Kubectl(Kubeconfig, stdin, args);

    public Task<ToolResult> TryKubectl(params string[] args) => Tools.TryKubectl(Kubeconfig, null, args);

    public Task<string> Helm(params string[] args) => Tools.Helm(Kubeconfig, args);

    public async Task<JsonObject> GetJson(params string[] args) =>
        (JsonObject)JsonNode.Parse(await Kubectl(null, ["get", .. args, "-o", "json"]))!;

    /// <summary>Polls <paramref name="check"/> every 200 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<TimeSpan> Eventually(Func<Task<bool>> check, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await check())
        {
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"{what}: not true after {timeout.TotalSeconds:0} s");
            await Task.Delay(200);
        }
        return watch.Elapsed;
    }

    private async Task<string> Step(string name, string script, string[] args, TimeSpan timeout, Dictionary<string, string>? env = null)
    {
        var watch = Stopwatch.StartNew();
        var result = await Tools.RunAsync(Tools.PathOf(script.Split('/')), args, env: env, timeout: timeout);
        _timings[name] = watch.Elapsed;
        File.AppendAllText(Path.Combine(_dir, "steps.log"), $"### {name} ({watch.Elapsed.TotalSeconds:0.0} s, exit {result.ExitCode})\n{result.Stderr}\n");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{name}: {script} exited {result.ExitCode}:\n{result.Stderr}");
        return result.Stdout;
    }

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1];
}
