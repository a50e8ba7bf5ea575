namespace Mailsub.Chart.Tests;

/// <summary>
/// hack/node/detect.sh, the choice `make run` makes between the real node and the loopback mode,
/// run by bash. The machine checks (node_preflight: root, overlayfs, tools, iptables) are replaced by
/// stubs that pass or fail as each case says, so the decision is tested on any machine; node_busy
/// runs for real against a lock file this test holds and a bridge name.
/// </summary>
public class RunModeTests
{
    private const string Passes = "node_preflight() { :; }";
    private const string NotRoot = "node_preflight() { log 'cannot run a node: not root (containerd, kubelet, iptables and mounts need root)'; return 1; }";
    private const string Free = "node_busy() { return 1; }";
    private const string Busy = "node_busy() { echo 'another one-node cluster runs on this machine'; }";

    private static Task<ToolResult> Detect(string mode, params string[] stubs) =>
        Tools.RunAsync("bash", ["-c", $"set -euo pipefail; . hack/node/detect.sh; {string.Join("; ", stubs)}; node_run_mode"],
            env: new Dictionary<string, string> { ["MAILSUB_RUN_MODE"] = mode });

    /// <summary>MAILSUB_RUN_MODE, node_preflight, node_busy, and what detect.sh prints.</summary>
    public static TheoryData<string, string, string, string> Decisions => new()
    {
        // A machine that can run the node runs it.
        { "", Passes, Free, "node" },
        // One that cannot falls back and says why.
        { "", NotRoot, Free, "local cannot run a node: not root (containerd, kubelet, iptables and mounts need root)" },
        // Another node running is a reason to fall back, not a failure.
        { "", Passes, Busy, "local another one-node cluster runs on this machine" },
        // local overrides a machine that could.
        { "local", Passes, Free, "local MAILSUB_RUN_MODE=local" },
        { "node", Passes, Free, "node" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task Decides_node_or_local_with_the_reason(string mode, string preflight, string busy, string expected)
    {
        var result = await Detect(mode, preflight, busy);
        Assert.Equal((0, expected), (result.ExitCode, result.Stdout.Trim()));
    }

    [Theory]
    [InlineData(NotRoot, Free, "cannot run a node: not root")]
    [InlineData(Passes, Busy, "another one-node cluster")]
    public async Task Mode_node_refuses_with_the_reason_instead_of_falling_back(string preflight, string busy, string reason)
    {
        var result = await Detect("node", preflight, busy);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains($"MAILSUB_RUN_MODE=node, but {reason}", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_mode_is_an_error_that_names_the_choices()
    {
        var result = await Detect("docker", Passes, Free);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("use node, local, or leave it unset", result.Stderr);
    }

    [Fact]
    public async Task Node_busy_sees_a_held_lock_and_an_existing_bridge_without_taking_the_lock()
    {
        var lockFile = Path.Combine(Path.GetTempPath(), $"mailsub-run-mode-test-{Environment.ProcessId}.lock");
        File.WriteAllText(lockFile, "");
        try
        {
            // Free lock, no such bridge: not busy. An existing link (lo) stands for the bridge.
            var free = await Tools.RunAsync("bash", ["-c", $". hack/node/detect.sh; node_busy {lockFile} mailsub-test-none"]);
            Assert.Equal((1, ""), (free.ExitCode, free.Stdout));
            var bridge = await Tools.RunAsync("bash", ["-c", $". hack/node/detect.sh; node_busy {lockFile} lo"]);
            Assert.Equal(0, bridge.ExitCode);
            Assert.Contains("the bridge lo exists", bridge.Stdout);

            // Held with flock as start.sh holds the node lock (here by the shell that asks).
            var held = await Tools.RunAsync("bash", ["-c",
                $"exec 9>>{lockFile}; flock -n 9; . hack/node/detect.sh; node_busy {lockFile} mailsub-test-none"]);
            Assert.Equal(0, held.ExitCode);
            Assert.Contains($"another one-node cluster runs on this machine ({lockFile} is held", held.Stdout);
        }
        finally
        {
            File.Delete(lockFile);
        }
    }
}
