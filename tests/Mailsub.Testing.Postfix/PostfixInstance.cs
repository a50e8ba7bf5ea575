using System.Diagnostics;
using System.Text;
using Mailsub.Postfix;

namespace Mailsub.Testing.Postfix;

/// <summary>A private Postfix run by the real mailsub-entrypoint: its inputs are projected
/// volumes in a temp directory, its inet services listen on free 127.0.0.1 ports, and it relays
/// everything to its own <see cref="SmtpSink"/>. Disposing stops all of it.</summary>
public sealed class PostfixInstance : IAsyncDisposable
{
    private readonly PostfixInstanceOptions _options;
    private readonly Dictionary<string, string> _rendered = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _ports = [];
    private Process? _entrypoint;

    private PostfixInstance(PostfixInstanceOptions options, string root, SmtpSink sink)
    {
        _options = options;
        Root = root;
        Sink = sink;
        Config = new ProjectedVolume(Path.Combine(root, "config"));
        Users = new ProjectedVolume(Path.Combine(root, "users"));
        Tls = new ProjectedVolume(Path.Combine(root, "tls"));
        Relay = new ProjectedVolume(Path.Combine(root, "relay"));
        Dkim = new ProjectedVolume(Path.Combine(root, "dkim"));
        StateDirectory = Path.Combine(root, "state");
    }

    /// <summary>The address every service listens on.</summary>
    public string Host => "127.0.0.1";

    public string Root { get; }
    public ProjectedVolume Config { get; }
    public ProjectedVolume Users { get; }
    public ProjectedVolume Tls { get; }

    /// <summary>The --relay Secret; used only when the options name relay credentials.</summary>
    public ProjectedVolume Relay { get; }

    /// <summary>The --dkim Secret; used only when the options name DKIM keys.</summary>
    public ProjectedVolume Dkim { get; }
    public string StateDirectory { get; }
    public SmtpSink Sink { get; }

    /// <summary>The certificate the TLS volume holds now.</summary>
    public TlsMaterial CurrentTls { get; private set; } = null!;

    /// <summary>Postfix's log (the entrypoint's stdout).</summary>
    public ProcessOutput Output { get; } = new();

    /// <summary>The entrypoint's own reports (its stderr).</summary>
    public ProcessOutput Errors { get; } = new();

    /// <summary>The entrypoint's --health port: /livez, /readyz (no --check listeners) and /metrics.</summary>
    public int HealthPort { get; } = LoopbackPorts.Free();

    public Task<MetricsScrape> ScrapeAsync() => MetricsScrape.GetAsync(Host, HealthPort);

    /// <summary>Scrapes until <paramref name="series"/> is at least <paramref name="atLeast"/>, for up to 10 s; returns the last scrape.</summary>
    public Task<MetricsScrape> WaitForMetricAsync(string series, double atLeast) =>
        MetricsScrape.WaitForAsync(Host, HealthPort, series, atLeast, TimeSpan.FromSeconds(10));

    /// <summary>Rendered inet port to the port it listens on here.</summary>
    public IReadOnlyDictionary<int, int> Ports => _ports;

    public int Port(int renderedPort) =>
        _ports.TryGetValue(renderedPort, out var port)
            ? port
            : throw new ArgumentException($"master.cf has no inet service {renderedPort}; it has {string.Join(", ", _ports.Keys)}");

    public bool HasExited => _entrypoint?.HasExited ?? true;

    /// <summary>The running master daemon's pid; null when none runs.</summary>
    /// <remarks>Found as the process named master working in this instance's queue directory:
    /// master.pid cannot be read from .NET, which asks for a shared lock on a file master holds
    /// an exclusive lock on.</remarks>
    public int? MasterProcessId => QueueProcesses().Where(p => p.Name == "master").Select(p => (int?)p.Pid).FirstOrDefault();

    /// <summary>Starts the sink and the entrypoint and waits until every inet service listens.
    /// Throws, with the entrypoint's output, when it does not come up.</summary>
    public static async Task<PostfixInstance> StartAsync(PostfixInstanceOptions options)
    {
        Prerequisites.Require();
        var root = Directory.CreateTempSubdirectory("mailsub-postfix-").FullName;
        // Postfix daemons run as user postfix and must reach sasldb and the data directory
        // below this; a temp directory starts out 0700.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var sink = await SmtpSink.StartAsync(Path.Combine(root, "sink"));
        var instance = new PostfixInstance(options, root, sink);
        try
        {
            foreach (var name in new[] { "main.cf", "master.cf", "smtpd.conf" })
                instance._rendered[name] = File.ReadAllText(Path.Combine(options.ConfigDirectory, name));
            // spec.dkim's files, when rendered, go into the ConfigMap as they are.
            foreach (var name in new[] { OpenDkim.ConfFileName, OpenDkim.KeyTableFileName, OpenDkim.SigningTableFileName })
            {
                if (File.Exists(Path.Combine(options.ConfigDirectory, name)))
                    instance._rendered[name] = File.ReadAllText(Path.Combine(options.ConfigDirectory, name));
            }
            instance.WriteConfig();
            instance.SetUsers(options.Users);
            instance.SetTls(options.Tls ?? TlsMaterial.SelfSigned("mail.example.test"));
            if (options.RelayCredentials is { } relay)
                instance.SetRelayCredentials(relay);
            if (options.DkimKeys is { } keys)
                instance.SetDkimKeys(keys);
            await instance.LaunchAsync();
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>The config file as last given, before ports and relayhost were rewritten.</summary>
    public string RenderedConfig(string name) => _rendered[name];

    /// <summary>Replaces rendered config files (main.cf, master.cf, smtpd.conf) in the mounted
    /// ConfigMap in one update, with this instance's ports and relayhost applied.</summary>
    public void WriteConfig(params (string Name, string RenderedText)[] files)
    {
        foreach (var (name, text) in files)
            _rendered[name] = text;
        WriteConfig();
    }

    public void WriteConfig(string name, string renderedText) => WriteConfig((name, renderedText));

    /// <summary>Sets main.cf parameters on top of the current rendered main.cf.</summary>
    public void SetMainCfParameters(params (string Name, string Value)[] parameters) =>
        WriteConfig("main.cf", MainCf.WithParameters(
            RenderedConfig("main.cf"),
            parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)).ToArray(),
            "a test"));

    public void SetUsers(IReadOnlyDictionary<string, string> users) =>
        Users.Write(users.ToDictionary(u => u.Key, u => Encoding.UTF8.GetBytes(u.Value)));

    /// <summary>Replaces the --relay Secret (keys username and password).</summary>
    public void SetRelayCredentials(IReadOnlyDictionary<string, string> credentials) =>
        Relay.Write(credentials.ToDictionary(c => c.Key, c => Encoding.UTF8.GetBytes(c.Value)));

    /// <summary>Replaces the --dkim Secret (key name to PEM private key).</summary>
    public void SetDkimKeys(IReadOnlyDictionary<string, string> keys) =>
        Dkim.Write(keys.ToDictionary(k => k.Key, k => Encoding.UTF8.GetBytes(k.Value)));

    /// <summary>The running OpenDKIM's pid (its PidFile in the state directory), or null.</summary>
    public int? OpenDkimProcessId =>
        File.Exists(Path.Combine(StateDirectory, "opendkim", "opendkim.pid"))
        && int.TryParse(File.ReadAllText(Path.Combine(StateDirectory, "opendkim", "opendkim.pid")).Trim(), out var pid)
        && Directory.Exists($"/proc/{pid}")
            ? pid
            : null;

    public void SetTls(TlsMaterial tls)
    {
        Tls.Write(tls.Files);
        CurrentTls = tls;
    }

    /// <summary>Sends SIGTERM and waits for the entrypoint to exit; returns its exit code.</summary>
    public Task<int> StopAsync(TimeSpan timeout) => SignalAndWaitAsync("TERM", group: false, timeout);

    /// <summary>Sends <paramref name="signal"/> to the entrypoint's whole process group (it leads
    /// one of its own), as timeout(1), systemd and <c>kill -TERM -PGID</c> do; returns its exit code.</summary>
    public Task<int> SignalGroupAsync(string signal, TimeSpan timeout) => SignalAndWaitAsync(signal, group: true, timeout);

    /// <summary>Processes working in this instance's queue directory (every Postfix daemon does), as "pid name".</summary>
    public IReadOnlyList<string> PostfixProcesses() => QueueProcesses().Select(p => $"{p.Pid} {p.Name}").ToArray();

    private IEnumerable<(int Pid, string Name)> QueueProcesses()
    {
        var queue = Path.Combine(StateDirectory, "queue");
        var found = new List<(int, string)>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(proc), out var pid) && new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget == queue)
                    found.Add((pid, File.ReadAllText(Path.Combine(proc, "comm")).Trim()));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being looked at.
            }
        }
        return found;
    }

    private async Task<int> SignalAndWaitAsync(string signal, bool group, TimeSpan timeout)
    {
        if (_entrypoint is null)
            throw new InvalidOperationException("not started");
        if (!_entrypoint.HasExited)
            await Signal(signal, group ? ["--", $"-{_entrypoint.Id}"] : [_entrypoint.Id.ToString()]);
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _entrypoint.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the entrypoint did not exit within {timeout.TotalSeconds:0} s of SIG{signal}\n{Describe()}");
        }
        return _entrypoint.ExitCode;
    }

    /// <summary>The entrypoint's state and recent output, for assertion messages.</summary>
    public string Describe()
    {
        var state = _entrypoint is null ? "not started"
            : _entrypoint.HasExited ? $"exited with {_entrypoint.ExitCode}"
            : $"running as pid {_entrypoint.Id}";
        return $"entrypoint {state}; state in {StateDirectory}\n" +
               $"--- entrypoint stderr (last 40 lines) ---\n{Errors.Tail()}\n" +
               $"--- Postfix log (last 40 lines) ---\n{Output.Tail()}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_entrypoint is { HasExited: false })
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(_options.GraceSeconds + 20));
            }
            catch (TimeoutException)
            {
                _entrypoint.Kill(entireProcessTree: true);
            }
        }
        // A master left behind by a killed entrypoint leads its own process group.
        if (MasterProcessId is { } master)
            await Signal("KILL", "--", $"-{master}");
        _entrypoint?.Dispose();
        await Sink.DisposeAsync();
        if (Environment.GetEnvironmentVariable("MAILSUB_KEEP_TEST_DIRS") != "1")
            Directory.Delete(Root, recursive: true);
    }

    private void WriteConfig()
    {
        var masterCf = _rendered["master.cf"];
        var renames = new Dictionary<string, string>();
        foreach (var service in MasterCf.Parse(masterCf).Services.Where(s => s.IsInet).Select(s => s.Name))
        {
            if (!int.TryParse(service, out var rendered))
                continue;
            if (!_ports.TryGetValue(rendered, out var port))
                _ports[rendered] = port = LoopbackPorts.Free();
            renames[service] = port.ToString();
        }
        var mainParameters = new Dictionary<string, string> { ["relayhost"] = Sink.Relayhost };
        foreach (var (name, value) in _options.MainCfParameters)
            mainParameters[name] = value;

        // Other ConfigMap keys (QueueHandoff's peer file) go as they are.
        var files = _rendered.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value));
        files["main.cf"] = Encoding.UTF8.GetBytes(MainCf.WithParameters(_rendered["main.cf"], mainParameters.ToArray(), "Mailsub.Testing.Postfix"));
        files["master.cf"] = Encoding.UTF8.GetBytes(MasterCf.WithInetServicesRenamed(masterCf, renames));
        Config.Write(files);
    }

    private async Task LaunchAsync()
    {
        var (fileName, prefix) = ResolveEntrypoint(_options.Entrypoint);
        // In a process group of its own (setsid execs it, same pid), as in a container or under
        // systemd, so a test can signal the whole group without signalling itself.
        var start = new ProcessStartInfo(Prerequisites.Find("setsid"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { fileName }.Concat(prefix).Concat([
            "--config", Config.Path, "--users", Users.Path, "--tls", Tls.Path, "--state", StateDirectory,
            "--listen", Host, "--grace", _options.GraceSeconds.ToString(), "--health", HealthPort.ToString(),
            .. _options.RelayCredentials is null ? Array.Empty<string>() : ["--relay", Relay.Path],
            .. _options.DkimKeys is null ? Array.Empty<string>() : ["--dkim", Dkim.Path]]))
        {
            start.ArgumentList.Add(argument);
        }
        _entrypoint = Process.Start(start)!;
        _entrypoint.OutputDataReceived += (_, e) => Output.Add(e.Data);
        _entrypoint.ErrorDataReceived += (_, e) => Errors.Add(e.Data);
        _entrypoint.BeginOutputReadLine();
        _entrypoint.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        foreach (var port in _ports.Values)
        {
            var left = _options.StartTimeout - clock.Elapsed;
            if (!await LoopbackPorts.WaitForListenerAsync(Host, port, left, () => _entrypoint.HasExited))
            {
                throw new InvalidOperationException(
                    $"Postfix did not listen on {Host}:{port} within {_options.StartTimeout.TotalSeconds:0} s\n{Describe()}");
            }
        }
    }

    private static (string FileName, string[] Prefix) ResolveEntrypoint(string? configured)
    {
        var path = configured
            ?? Environment.GetEnvironmentVariable("MAILSUB_ENTRYPOINT")
            ?? Path.Combine(AppContext.BaseDirectory, "mailsub-entrypoint.dll");
        if (!File.Exists(path))
            throw new InvalidOperationException($"entrypoint not found at {path}; build src/Mailsub.Entrypoint or set MAILSUB_ENTRYPOINT");
        return path.EndsWith(".dll", StringComparison.Ordinal)
            ? (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [path])
            : (path, []);
    }

    private static async Task Signal(string signal, params string[] targets)
    {
        var start = new ProcessStartInfo(Prerequisites.Find("kill")) { RedirectStandardError = true };
        start.ArgumentList.Add($"-{signal}");
        foreach (var target in targets)
            start.ArgumentList.Add(target);
        using var kill = Process.Start(start)!;
        await kill.WaitForExitAsync();
    }
}
