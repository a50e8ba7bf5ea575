namespace Mailsub.Entrypoint;

/// <summary>Parses <c>mailsub-entrypoint --config DIR --users DIR --tls DIR --state DIR
/// [--relay DIR] [--dkim DIR] [--listen ADDRESS] [--grace SECONDS] [--health PORT --check PORT[/tls][/proxy]...]</c>.</summary>
public static class CommandLine
{
    public const string Usage =
        "usage: mailsub-entrypoint [--config DIR] [--users DIR] [--tls DIR] [--state DIR]\n" +
        "                          [--relay DIR] [--dkim DIR] [--listen ADDRESS] [--grace SECONDS]\n" +
        "                          [--health PORT [--check PORT[/tls][/proxy]]...]\n" +
        $"  --config DIR      main.cf, master.cf, smtpd.conf (default {EntrypointOptions.DefaultConfigDir})\n" +
        $"  --users DIR       one file per login, content = password (default {EntrypointOptions.DefaultUsersDir})\n" +
        $"  --tls DIR         tls.crt, tls.key, optional ca.crt (default {EntrypointOptions.DefaultTlsDir})\n" +
        $"  --state DIR       queue, sasldb and runtime config (default {EntrypointOptions.DefaultStateDir})\n" +
        "  --relay DIR       username, password for SMTP AUTH to relayhost (default: none)\n" +
        "  --dkim DIR        DKIM private keys, one file per KeyTable name (default: none)\n" +
        "  --listen ADDRESS  overrides inet_interfaces\n" +
        "  --grace SECONDS   how long SIGTERM waits for the queue to drain (default 25)\n" +
        "  --health PORT     answer the kubelet's probes on PORT: /livez (master runs), /readyz (each\n" +
        "                    --check listener greets with 220; false from the start of a drain),\n" +
        "                    and Prometheus: /metrics (counted from Postfix's log, the queue, reloads)\n" +
        "  --check PORT      a listener /readyz talks SMTP to; PORT/tls for implicit TLS (465/tls),\n" +
        "                    /proxy when it expects a PROXY protocol header first (587/proxy, 465/tls/proxy)\n";

    /// <summary>Returns the options, or an error message meant for stderr next to
    /// <see cref="Usage"/>, or neither when help was asked for. Relative paths are resolved
    /// against <paramref name="currentDirectory"/>.</summary>
    public static (EntrypointOptions? Options, string? Error) Parse(
        IReadOnlyList<string> args, string currentDirectory)
    {
        var config = EntrypointOptions.DefaultConfigDir;
        var users = EntrypointOptions.DefaultUsersDir;
        var tls = EntrypointOptions.DefaultTlsDir;
        var state = EntrypointOptions.DefaultStateDir;
        string? relay = null;
        string? dkim = null;
        string? listen = null;
        var grace = EntrypointOptions.DefaultGrace;
        int? health = null;
        List<ListenerCheck> checks = [];

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
                return (null, null);
            if (i + 1 >= args.Count)
                return (null, $"{name} needs a value");
            var value = args[++i];
            switch (name)
            {
                case "--config": config = value; break;
                case "--users": users = value; break;
                case "--tls": tls = value; break;
                case "--state": state = value; break;
                case "--relay": relay = value; break;
                case "--dkim": dkim = value; break;
                case "--listen":
                    if (string.IsNullOrWhiteSpace(value))
                        return (null, "--listen needs an address such as 127.0.0.1 or all");
                    listen = value;
                    break;
                case "--grace":
                    if (!int.TryParse(value, out var seconds) || seconds < 0)
                        return (null, $"--grace takes a whole number of seconds, not '{value}'");
                    grace = TimeSpan.FromSeconds(seconds);
                    break;
                case "--health":
                    if (!int.TryParse(value, out var port) || port is < 1 or > 65535)
                        return (null, $"--health takes a TCP port, not '{value}'");
                    health = port;
                    break;
                case "--check":
                    if (ListenerCheck.Parse(value) is not { } check)
                        return (null, $"--check takes a listener port such as 587, 465/tls or 587/proxy, not '{value}'");
                    checks.Add(check);
                    break;
                default:
                    return (null, $"unknown option '{name}'");
            }
        }

        if (checks.Count > 0 && health is null)
            return (null, "--check needs --health PORT (the checks answer the kubelet's readiness probe)");

        return (new EntrypointOptions(
            Path.GetFullPath(config, currentDirectory),
            Path.GetFullPath(users, currentDirectory),
            Path.GetFullPath(tls, currentDirectory),
            Path.GetFullPath(state, currentDirectory),
            listen,
            grace,
            relay is null ? null : Path.GetFullPath(relay, currentDirectory),
            health,
            checks.Count > 0 ? checks : null,
            dkim is null ? null : Path.GetFullPath(dkim, currentDirectory)), null);
    }
}
