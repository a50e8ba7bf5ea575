using System.Diagnostics;
using System.Text;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>
/// OpenDKIM beside Postfix, when the config directory holds opendkim.conf (spec.dkim): installs
/// the rendered files and the keys under <see cref="StateLayout.OpenDkimDir"/>, runs opendkim in
/// the foreground, starts it again when it exits, re-reads a changed config with SIGUSR1 (no
/// restart, so key rotation is live), and stops it last. While it is down, smtpd answers the
/// submission listeners' clients with 4xx (milter_default_action=tempfail).
/// </summary>
internal sealed class OpenDkimSigner(EntrypointOptions options, StateLayout state)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SocketWait = TimeSpan.FromSeconds(10);
    private const string User = "opendkim";
    private const string Group = "postfix";

    private Process? _process;
    private string? _binary;

    private string ConfPath => Path.Combine(state.OpenDkimDir, OpenDkim.ConfFileName);
    private string KeysDir => Path.Combine(state.OpenDkimDir, OpenDkim.KeysDirName);

    public bool Running => _process is { HasExited: false };

    /// <summary>Whether this config wants a signer.</summary>
    public static bool Wanted(InputSnapshot inputs) => inputs.Config[OpenDkim.ConfFileName] is not null;

    /// <summary>Installs the files of <paramref name="inputs"/> and checks them with
    /// <c>opendkim -n</c>; returns the problems (none: installed). Without opendkim.conf, nothing.</summary>
    public async Task<IReadOnlyList<string>> InstallAsync(InputSnapshot inputs)
    {
        if (!Wanted(inputs))
            return [];
        _binary ??= PostfixTools.Locate("opendkim");
        if (_binary is null)
            return ["the config has opendkim.conf (spec.dkim), but this image has no opendkim program: use the Mailsub Postfix image, or install Debian's opendkim"];
        if (PosixCalls.IdOf("/etc/passwd", User) is not { } uid || PosixCalls.IdOf("/etc/group", Group) is not { } gid)
            return [$"spec.dkim needs the user {User} and the group {Group} (Debian's opendkim and postfix packages create them)"];

        var keyTable = inputs.Config.Text(OpenDkim.KeyTableFileName) ?? "";
        var problems = MissingKeys(keyTable, inputs.Dkim);
        if (problems.Count > 0)
            return problems;

        var directoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(state.OpenDkimDir, directoryMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Directory.CreateDirectory(KeysDir, directoryMode);
        PosixCalls.Own(KeysDir, uid, gid);
        // smtpd (user postfix) connects to the socket; nobody else needs to see it.
        Directory.CreateDirectory(state.OpenDkimSocketDir, directoryMode | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);
        PosixCalls.Own(state.OpenDkimSocketDir, uid, gid);

        foreach (var (name, content) in inputs.Dkim.Files)
            Replace(Path.Combine(KeysDir, name), content, UnixFileMode.UserRead | UnixFileMode.UserWrite, uid, gid);
        foreach (var stale in Directory.EnumerateFiles(KeysDir).Where(f => !inputs.Dkim.Files.ContainsKey(Path.GetFileName(f))))
            File.Delete(stale);

        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Replace(Path.Combine(state.OpenDkimDir, OpenDkim.KeyTableFileName), Encoding.UTF8.GetBytes(keyTable), readable, 0, 0);
        Replace(Path.Combine(state.OpenDkimDir, OpenDkim.SigningTableFileName), inputs.Config[OpenDkim.SigningTableFileName] ?? [], readable, 0, 0);
        var conf = OpenDkim.WithSettings(inputs.Config.Text(OpenDkim.ConfFileName)!,
        [
            new("BaseDirectory", state.OpenDkimDir),
            new("Socket", "local:" + state.OpenDkimSocket),
            new("PidFile", Path.Combine(state.OpenDkimDir, "opendkim.pid")),
        ]);
        Replace(ConfPath, Encoding.UTF8.GetBytes(conf), readable, 0, 0);

        var check = await ToolRunner.RunAsync(_binary, ["-n", "-x", ConfPath], Quick);
        return check.ExitCode == 0
            ? []
            : [$"opendkim -n rejected {OpenDkim.ConfFileName} (status {check.ExitCode}): {check.Output.Trim()}"];
    }

    /// <summary>Starts opendkim if it should run and does not, and waits for its socket; stops it
    /// when the config no longer wants it; otherwise makes it re-read its files.</summary>
    public async Task ApplyAsync(InputSnapshot inputs, bool changed)
    {
        if (!Wanted(inputs))
        {
            await StopAsync();
            return;
        }
        if (!Running)
        {
            await StartAsync();
        }
        else if (changed)
        {
            // opendkim(8): SIGUSR1 re-reads the configuration file, and with it the tables and keys.
            PosixCalls.Signal(_process!.Id, PosixCalls.SigUsr1);
            Report.Info("told OpenDKIM to re-read its configuration and keys (SIGUSR1)");
        }
    }

    /// <summary>Starts opendkim again if it exited, as Kubernetes would restart a container.</summary>
    public async Task KeepRunningAsync(InputSnapshot inputs)
    {
        if (_process is not { HasExited: true } exited || !Wanted(inputs))
            return;
        Report.Error($"OpenDKIM exited with status {exited.ExitCode}; submissions get 4xx until it runs again. Starting it again.");
        exited.Dispose();
        _process = null;
        await StartAsync();
    }

    public async Task StopAsync()
    {
        if (_process is not { } process)
            return;
        _process = null;
        if (!process.HasExited)
        {
            PosixCalls.Signal(process.Id, PosixCalls.SigTerm);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
        Report.Info("OpenDKIM stopped");
    }

    private async Task StartAsync()
    {
        var start = new ProcessStartInfo(_binary!) { UseShellExecute = false };
        foreach (var argument in new[] { "-f", "-x", ConfPath })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start opendkim");
        var waited = Stopwatch.StartNew();
        while (!File.Exists(state.OpenDkimSocket) && !_process.HasExited && waited.Elapsed < SocketWait)
            await Task.Delay(50);
        if (File.Exists(state.OpenDkimSocket))
            Report.Info($"started OpenDKIM (pid {_process.Id}), signing through {state.OpenDkimSocket}");
        else
            Report.Error($"OpenDKIM (pid {_process.Id}) has no socket at {state.OpenDkimSocket} after {waited.Elapsed.TotalSeconds:0.0} s; submissions get 4xx until it has");
    }

    /// <summary>Every key file the KeyTable names ("./keys/NAME") must be in the dkim directory.</summary>
    private List<string> MissingKeys(string keyTable, DirectorySnapshot keys)
    {
        var problems = new List<string>();
        var prefix = OpenDkim.KeyPath("");
        foreach (var line in TextLines.Split(keyTable))
        {
            if (TextLines.IsBlankOrComment(line))
                continue;
            var path = line[(line.LastIndexOf(':') + 1)..].Trim();
            var name = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : null;
            if (name is null)
                problems.Add($"{OpenDkim.KeyTableFileName}: \"{line}\" names no key under {prefix}");
            else if (keys[name] is not { Length: > 0 })
                problems.Add($"{options.DkimDir ?? "--dkim"}: has no key {name}, which the KeyTable signs with; the operator writes it to the dkim Secret");
        }
        return problems;
    }

    private static void Replace(string path, byte[] content, UnixFileMode mode, int uid, int gid)
    {
        var temporary = path + ".new";
        File.WriteAllBytes(temporary, []);
        File.SetUnixFileMode(temporary, mode);
        PosixCalls.Own(temporary, uid, gid);
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
