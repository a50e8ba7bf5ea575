using System.Diagnostics;
using System.Runtime.InteropServices;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>Runs Postfix for the life of the container: installs the first config, starts
/// master in the foreground, applies changes to the mounted inputs, and drains on SIGTERM.</summary>
internal sealed class Supervisor
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ServiceDrainDelay = TimeSpan.FromSeconds(3);
    // How long a stopping pod waits for the relay before it hands what is left to a peer: a
    // relay that answers delivers a small queue well within it.
    private static readonly TimeSpan RelayDrain = TimeSpan.FromSeconds(5);

    private readonly EntrypointOptions _options;
    private readonly StateLayout _state;
    private readonly PostfixCommands _postfix;
    private readonly RuntimeConfigStore _store;
    private readonly RuntimeInstaller _installer;
    private readonly PostfixMetrics _metrics = new();
    private readonly OpenDkimSigner _signer;

    public Supervisor(EntrypointOptions options, PostfixTools tools)
    {
        _options = options;
        _state = new StateLayout(options.StateDir);
        _postfix = new PostfixCommands(tools);
        _store = new RuntimeConfigStore(_state);
        _installer = new RuntimeInstaller(options, _state, _postfix, new SaslDbBuilder(tools), _store);
        _signer = new OpenDkimSigner(options, _state);
    }

    /// <summary>Returns the process exit code.</summary>
    public async Task<int> RunAsync()
    {
        using var stopping = new CancellationTokenSource();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stopping.Cancel();
        }

        PrepareStateDirectories();
        var inputs = await ReadInputsAsync();
        var problems = await _installer.InstallAsync(ApplyPlan.Between(EmptyInputs, inputs), inputs, postfixRunning: false);
        if (problems.Count == 0)
            problems = await _signer.InstallAsync(inputs);
        if (problems.Count > 0)
        {
            Report.Error("the configuration is not valid, so Postfix was not started. Fix the " +
                $"MailSubmission resource (or the files in {string.Join(", ", InputDirectories)}) " +
                "and the pod will retry when it restarts:", problems);
            return 1;
        }

        // The signer first: smtpd's first client would otherwise get 4xx for want of its socket.
        await _signer.ApplyAsync(inputs, changed: false);
        // "postfix check" just passed on this very config, so master is started directly.
        using var master = await _postfix.StartMasterAsync(_state.ConfigLink);
        var log = LogStream.CopyAsync(master.StandardOutput.BaseStream, Console.OpenStandardOutput(), _metrics.Count);
        Report.Info($"started Postfix with {_state.ConfigLink} (pid {master.Id})");
        using var health = _options.HealthPort is { } port
            ? new HealthServer(port, _options.Checks ?? [], () => !master.HasExited,
                async _ => _metrics.Render(await _postfix.QueueDepthsAsync(_state.ConfigLink)))
            : null;

        var attempted = inputs.Fingerprint;
        var appliedInputs = inputs;
        using var timer = new PeriodicTimer(PollInterval);
        var masterExit = master.WaitForExitAsync();
        while (!stopping.IsCancellationRequested)
        {
            Task tick = timer.WaitForNextTickAsync(stopping.Token).AsTask();
            await Task.WhenAny(tick, masterExit);
            if (masterExit.IsCompleted)
            {
                await FinishLogAsync(log);
                Report.Error($"Postfix master exited with status {master.ExitCode}; the log lines above say why. " +
                    "Exiting so that the container is restarted.");
                await _signer.StopAsync();
                return 1;
            }
            if (stopping.IsCancellationRequested)
                break;
            await _signer.KeepRunningAsync(appliedInputs);

            InputSnapshot current;
            try
            {
                current = Read();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // Kubernetes was swapping a volume; the next tick sees it whole.
            }
            if (current.Fingerprint == attempted)
                continue;
            attempted = current.Fingerprint;

            var plan = ApplyPlan.Between(appliedInputs, current);
            if (plan.IsEmpty)
            {
                Report.Info("the mounted files are back to what Postfix runs; nothing to change");
                continue;
            }
            var took = Stopwatch.StartNew();
            try
            {
                problems = await _installer.InstallAsync(plan, current, postfixRunning: true);
                if (problems.Count == 0 && plan.Signer)
                    problems = await _signer.InstallAsync(current);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
            {
                // A running Postfix is worth more than an entrypoint that crashed over a change.
                problems = [$"{e.GetType().Name}: {e.Message}"];
            }
            if (problems.Count > 0)
            {
                _metrics.ConfigRejected();
                Report.Error("the changed configuration was rejected; Postfix keeps serving the " +
                    "previous one. Fix the MailSubmission resource (or the mounted files); the " +
                    "entrypoint retries as soon as they change again:", problems);
                continue;
            }
            appliedInputs = current;
            _metrics.ConfigApplied();
            if (plan.Signer)
                await _signer.ApplyAsync(current, changed: true);
            if (plan.Reload)
                await ReloadAsync("installed the changed configuration");
            Report.Info($"applied the changes ({Describe(plan)}) in {took.Elapsed.TotalSeconds:0.00} s");
        }

        if (health is not null)
        {
            // The Service drops a terminating pod at once, but kube-proxy applies that a moment
            // later (1-2 s measured on the end-to-end node): serve a little longer, not ready,
            // so no client meets a closed port.
            health.Drain();
            Report.Info($"stopping: not ready any more; serving {ServiceDrainDelay.TotalSeconds:0} s more while the Service forgets this pod");
            await Task.Delay(ServiceDrainDelay);
        }
        var exitCode = await DrainAndStopAsync(master, appliedInputs);
        await FinishLogAsync(log);
        return exitCode;
    }

    /// <summary>Waits for the last log lines master's daemons wrote to reach stdout; a daemon
    /// that outlived master and still holds the pipe is not waited for long.</summary>
    private static async Task FinishLogAsync(Task log)
    {
        try
        {
            await log.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            // What was read is on stdout already.
        }
    }

    private IEnumerable<string> InputDirectories =>
        new[] { _options.ConfigDir, _options.UsersDir, _options.TlsDir, _options.RelayDir, _options.DkimDir }.OfType<string>();

    private static string Describe(ApplyPlan plan) => string.Join(", ", new[]
    {
        plan.RebuildConfig ? "config" : null,
        plan.RebuildSaslDb ? "users" : null,
        plan.Reload ? "reload" : null,
        plan.Signer ? "signer" : null,
    }.OfType<string>());

    private static readonly InputSnapshot EmptyInputs =
        new(DirectorySnapshot.Empty, DirectorySnapshot.Empty, DirectorySnapshot.Empty, DirectorySnapshot.Empty, DirectorySnapshot.Empty);

    private InputSnapshot Read() => new(
        ProjectedDirectory.Read(_options.ConfigDir),
        ProjectedDirectory.Read(_options.UsersDir),
        ProjectedDirectory.Read(_options.TlsDir),
        _options.RelayDir is { } relay ? ProjectedDirectory.Read(relay) : DirectorySnapshot.Empty,
        _options.DkimDir is { } dkim ? ProjectedDirectory.Read(dkim) : DirectorySnapshot.Empty);

    private async Task<InputSnapshot> ReadInputsAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Read();
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(100);
            }
        }
    }

    private void PrepareStateDirectories()
    {
        // The queue must be owned by root and not group or world writable, or "postfix check"
        // warns; "postfix check" itself creates its subdirectories and data_directory.
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                   UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                   UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(_state.Root, mode);
        Directory.CreateDirectory(_state.QueueDir, mode);
    }

    private async Task<bool> ReloadAsync(string what)
    {
        var result = await _postfix.ReloadAsync(_state.ConfigLink);
        _metrics.Reloaded(result.ExitCode == 0);
        if (result.ExitCode != 0)
        {
            Report.Error($"{what}, but \"postfix reload\" failed (status {result.ExitCode}): {result.Output.Trim()}. " +
                "Postfix will use it when it next starts.");
        }

        return result.ExitCode == 0;
    }

    /// <summary>Closes the listeners and delivers the queue to the relay; what the relay does not
    /// take within <see cref="RelayDrain"/> goes to a peer (<see cref="QueueHandoff"/>), until the
    /// grace period ends. Then stops master and waits for it.</summary>
    private async Task<int> DrainAndStopAsync(Process master, InputSnapshot inputs)
    {
        var deadline = Stopwatch.StartNew();
        Report.Info($"stopping: closing the SMTP listeners and delivering the queue for up to {_options.Grace.TotalSeconds:0} s");
        if (_store.Active is { } active)
        {
            var closed = _store.Write(active with { MasterCf = MasterCf.WithoutInetServices(active.MasterCf) });
            _store.Activate(closed, active);
            if (await ReloadAsync("removed the SMTP listeners from master.cf"))
                Report.Info("closed the SMTP listeners");
        }

        await _postfix.FlushAsync(_state.ConfigLink);
        var left = await WaitForEmptyQueueAsync(master, deadline, RelayDrain);
        if (left is not 0 && await HandOffAsync(left, inputs))
            left = await WaitForEmptyQueueAsync(master, deadline, _options.Grace, flush: true);
        if (left is null)
        {
            Report.Error($"the queue in {_state.QueueDir} could not be read (postqueue -j failed until the grace period's end), so what it " +
                "still holds goes with this pod's volume. Check the log above for the postqueue or showq error.");
        }
        else if (left > 0)
        {
            Report.Error($"{left} message(s) still queued in {_state.QueueDir} go with this pod's volume: neither the relay host " +
                "nor a peer took them in time. Keep a second replica running (spec.workload.replicas) and the relay host reachable, " +
                "or raise the pod's terminationGracePeriodSeconds.");
        }

        if (!master.HasExited)
            await _postfix.StopAsync(_state.ConfigLink);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await master.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Report.Error("Postfix master did not stop within 10 s of \"postfix stop\"; killing it");
            master.Kill(entireProcessTree: true);
            await _signer.StopAsync();
            return 1;
        }
        Report.Info("Postfix stopped");
        await _signer.StopAsync();
        return 0;
    }

    /// <summary>Waits until the queue is empty, master is gone or <paramref name="until"/> has passed since <paramref name="since"/>; returns what is left, null when the queue could not be read.</summary>
    /// <param name="flush">Flush again every 2 s: right after a reload the new queue manager may not
    /// have heard the first flush, and deferred mail would wait for its next scan (14 s measured).</param>
    private async Task<int?> WaitForEmptyQueueAsync(Process master, Stopwatch since, TimeSpan until, bool flush = false)
    {
        var flushed = Stopwatch.StartNew();
        var left = await _postfix.DeliverableCountAsync(_state.ConfigLink);
        while (left is not 0 && since.Elapsed + PollInterval < until && !master.HasExited)
        {
            await Task.Delay(PollInterval);
            if (flush && flushed.Elapsed >= TimeSpan.FromSeconds(2))
            {
                await _postfix.FlushAsync(_state.ConfigLink);
                flushed.Restart();
            }
            left = await _postfix.DeliverableCountAsync(_state.ConfigLink);
        }
        return left;
    }

    /// <summary>Points every route of the queue at the peers Service and flushes; false when there is no peer to go to.</summary>
    private async Task<bool> HandOffAsync(int? left, InputSnapshot inputs)
    {
        if (QueueHandoff.ParsePeer(inputs.Config.Text(QueueHandoff.PeerFileName)) is not { } peer
            || inputs.Tls.Text(TlsFiles.Certificate) is not { Length: > 0 } || _store.Active is not { } active)
        {
            Report.Info($"{Count(left)} message(s) not delivered yet, and no peer is known to hand them to (the ConfigMap has no {QueueHandoff.PeerFileName}, or there is no certificate)");
            return false;
        }
        var parameters = QueueHandoff.ClientParameters(peer, Path.Combine(_options.TlsDir, TlsFiles.Key), Path.Combine(_options.TlsDir, TlsFiles.Certificate));
        var handoff = _store.Write(active with
        {
            MainCf = MainCf.WithParameters(active.MainCf, parameters, "mailsub-entrypoint: draining, the queue goes to a peer"),
            MasterCf = QueueHandoff.ClientMasterCf(active.MasterCf),
        });
        _store.Activate(handoff, active);
        if (!await ReloadAsync("pointed the queue at a peer"))
            return false;
        await _postfix.FlushAsync(_state.ConfigLink);
        Report.Info($"handing {Count(left)} message(s) the relay host has not taken to a peer at {peer}");
        return true;
    }

    private static string Count(int? messages) => messages?.ToString() ?? "an unknown number of";
}
