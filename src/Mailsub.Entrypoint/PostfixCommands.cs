using System.Diagnostics;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>The Postfix commands the entrypoint runs against one config directory.</summary>
internal sealed class PostfixCommands(PostfixTools tools)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);

    /// <summary>Runs "postfix check" and returns every warning and error it printed. It also
    /// creates the queue directories, so it must pass before master first starts.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(string configDir) =>
        await OnTerminalAsync(configDir, "check", statusMatters: true);

    /// <summary>The parts of "postfix check" that depend on the config files, for a running
    /// Postfix: the postfix command parses every global parameter (a bad number is fatal) and
    /// postconf reads main.cf and master.cf (unused or repeated parameters, bad fields). The
    /// full check takes 0.6-1.8 s on two busy cores, mostly post-install walking the queue that
    /// only the entrypoint changes; this takes about 0.2 s, which keeps a reload under 2 s.</summary>
    public async Task<IReadOnlyList<string>> QuickCheckAsync(string configDir)
    {
        var postconf = await ToolRunner.RunAsync(tools.Postconf, ["-c", configDir, "-n"], Quick);
        var problems = PostfixDiagnostics.Problems(postconf.StandardError);
        if (postconf.ExitCode != 0 && problems.Count == 0)
            problems = [$"postconf -n exited with status {postconf.ExitCode}: {postconf.Output.Trim()}"];
        // A config postconf rejects fails "postfix status" too, only seconds later.
        if (problems.Count > 0)
            return problems;
        // status exits 1 while master is still starting; only what it printed counts.
        return await OnTerminalAsync(configDir, "status", statusMatters: false);
    }

    /// <summary>Runs a postfix subcommand and returns every warning and error it printed.</summary>
    /// <remarks>Postfix reports a bad main.cf value ("bad numerical configuration") before it
    /// has read maillog_file, so the message goes to syslog, and to stderr only when stderr is
    /// a terminal. script(1) gives it one; the shell line is fixed text and the arguments
    /// travel in the environment, so nothing from the inputs is parsed by the shell.</remarks>
    private async Task<IReadOnlyList<string>> OnTerminalAsync(string configDir, string command, bool statusMatters)
    {
        var result = await ToolRunner.RunAsync(
            tools.Script,
            ["-q", "-e", "-c", "exec \"$MAILSUB_POSTFIX\" -c \"$MAILSUB_CONFIG\" \"$MAILSUB_COMMAND\"", "/dev/null"],
            Quick,
            environment: new Dictionary<string, string>
            {
                ["SHELL"] = "/bin/sh",
                ["MAILSUB_POSTFIX"] = tools.Postfix,
                ["MAILSUB_CONFIG"] = configDir,
                ["MAILSUB_COMMAND"] = command,
            });
        var problems = PostfixDiagnostics.Problems(result.Output);
        return statusMatters && result.ExitCode != 0 && problems.Count == 0
            ? [$"postfix {command} exited with status {result.ExitCode} and said nothing more: {result.Output.Trim()}"]
            : problems;
    }

    /// <summary>The values of main.cf parameters (defaults included) by name; with
    /// <paramref name="expand"/>, with $name references replaced. Empty when postconf fails.</summary>
    public async Task<(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Problems)> ValuesAsync(
        string configDir, bool expand, params string[] names)
    {
        string[] flags = expand ? ["-x", "-h"] : ["-h"];
        var result = await ToolRunner.RunAsync(tools.Postconf, [.. flags, "-c", configDir, .. names], Quick);
        var problems = PostfixDiagnostics.Problems(result.StandardError);
        // -h prints one value per line, in the order the names were given.
        var values = TextLines.Split(result.StandardOutput).Select(v => v.Trim()).ToArray();
        if (result.ExitCode != 0 || values.Length != names.Length)
            return (new Dictionary<string, string>(), problems.Count > 0 ? problems : [$"postconf could not read {string.Join(", ", names)}: {result.Output.Trim()}"]);
        return (names.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal), problems);
    }

    public Task<ToolResult> ReloadAsync(string configDir) =>
        ToolRunner.RunAsync(tools.Postfix, ["-c", configDir, "reload"], Quick);

    public Task<ToolResult> StopAsync(string configDir) =>
        ToolRunner.RunAsync(tools.Postfix, ["-c", configDir, "stop"], Quick);

    /// <summary>Asks the queue manager to try every deferred message now.</summary>
    public Task<ToolResult> FlushAsync(string configDir) =>
        ToolRunner.RunAsync(tools.Postqueue, ["-c", configDir, "-f"], Quick);

    /// <summary>The deliverable messages in the queue, or null when postqueue failed or hung: a
    /// queue that could not be read must not pass for an empty one, or a drain would stop master
    /// on mail.</summary>
    public async Task<int?> DeliverableCountAsync(string configDir) =>
        await QueueJsonAsync(configDir) is { } json ? QueueStatus.Deliverable(json) : null;

    /// <summary>Messages per queue, or null when postqueue failed or hung.</summary>
    public async Task<IReadOnlyDictionary<string, int>?> QueueDepthsAsync(string configDir) =>
        await QueueJsonAsync(configDir) is { } json ? QueueStatus.ByQueue(json) : null;

    private async Task<string?> QueueJsonAsync(string configDir)
    {
        try
        {
            var result = await ToolRunner.RunAsync(tools.Postqueue, ["-c", configDir, "-j"], Quick);
            return result.ExitCode == 0 ? result.StandardOutput : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts master itself in the foreground (<c>master -s</c>). Not
    /// <c>postfix start-fg</c>: that runs postfix-script, which starts <c>master -s</c> as a child;
    /// master makes itself a session leader, so a signal to the entrypoint's process group (what
    /// timeout, systemd and <c>kill -TERM -PGID</c> send) ended the script and left master
    /// serving, reparented to init. In its own session master hears only the entrypoint, which
    /// drains and stops it. Its stdout is a pipe that <see cref="LogStream"/> copies to the
    /// entrypoint's, counting the log on the way; stderr stays the container's.
    /// </summary>
    public async Task<Process> StartMasterAsync(string configDir)
    {
        var (values, problems) = await ValuesAsync(configDir, expand: true, "daemon_directory");
        if (problems.Count > 0)
            throw new InvalidOperationException($"cannot find Postfix's master: {string.Join("; ", problems)}");
        var start = new ProcessStartInfo(Path.Combine(values["daemon_directory"], "master")) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-s", "-c", configDir })
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start Postfix's master");
    }
}
