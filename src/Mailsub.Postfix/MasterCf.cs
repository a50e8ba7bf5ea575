namespace Mailsub.Postfix;

/// <summary>
/// master.cf as Postfix reads it: one service per logical line (continuations start with
/// whitespace), eight fields, then the command's arguments with their `-o name=value` or
/// `-o { name = value }` parameter overrides.
/// </summary>
public sealed class MasterCf
{
    public const string FileName = "master.cf";

    private MasterCf(IReadOnlyList<MasterService> services, IReadOnlyList<ConfigProblem> problems)
    {
        Services = services;
        Problems = problems;
    }

    /// <summary>Services in file order.</summary>
    public IReadOnlyList<MasterService> Services { get; }

    public IReadOnlyList<ConfigProblem> Problems { get; }

    public static MasterCf Parse(string text)
    {
        var problems = new List<ConfigProblem>();
        var services = new List<MasterService>();
        foreach (var logical in LogicalLines.Read(TextLines.Split(text), FileName, problems))
        {
            if (Service(logical, problems) is { } service)
                services.Add(service);
        }
        return new MasterCf(services, problems);
    }

    /// <summary>The text without its inet services, so that a reload makes master close every
    /// listening socket while the queue manager and delivery agents keep running.</summary>
    public static string WithoutInetServices(string text) => WithoutServices(text, service => service.IsInet);

    /// <summary>The text without the services <paramref name="drop"/> selects; a service's
    /// continuation lines ("-o ...") go with it. A reload then makes master stop those services
    /// and send SIGTERM to their running processes.</summary>
    public static string WithoutServices(string text, Func<MasterService, bool> drop)
    {
        var lines = TextLines.Split(text);
        var dropped = new List<LogicalLine>();
        foreach (var logical in LogicalLines.Read(lines, FileName, []))
        {
            if (Service(logical, []) is { } service && drop(service))
                dropped.Add(logical);
        }
        return LogicalLines.Without(lines, dropped);
    }

    /// <summary>Renames inet services by the map (e.g. "587" to "40123"), leaving every other
    /// line as it was.</summary>
    public static string WithInetServicesRenamed(string text, IReadOnlyDictionary<string, string> names)
    {
        var lines = TextLines.Split(text);
        foreach (var logical in LogicalLines.Read(lines, FileName, []))
        {
            ref var first = ref lines[logical.Line - 1];
            if (Service(logical, []) is { IsInet: true } service && names.TryGetValue(service.Name, out var renamed)
                && first.StartsWith(service.Name, StringComparison.Ordinal))
            {
                first = renamed + first[service.Name.Length..];
            }
        }
        return TextLines.Join(lines);
    }

    /// <summary>The service a logical line defines, or null (and a problem) when Postfix would refuse it.</summary>
    private static MasterService? Service(LogicalLine logical, List<ConfigProblem> problems)
    {
        var line = logical.Line;
        var text = logical.Text;
        var tokens = Tokenize(text, out var unbalanced);
        if (unbalanced)
        {
            problems.Add(new ConfigProblem(FileName, line, $"unbalanced '{{' in \"{LogicalLines.Shorten(text)}\": Postfix refuses to start"));
            return null;
        }
        if (tokens.Count < 8)
        {
            problems.Add(new ConfigProblem(FileName, line, $"bad field count ({tokens.Count} of at least 8) in \"{LogicalLines.Shorten(text)}\": Postfix refuses to start"));
            return null;
        }
        var arguments = new List<string>();
        var options = new List<MasterOption>();
        for (var i = 8; i < tokens.Count; i++)
        {
            if (tokens[i] != "-o")
            {
                arguments.Add(tokens[i]);
                continue;
            }
            var option = i + 1 < tokens.Count ? tokens[++i] : "";
            var equals = option.IndexOf('=');
            var name = equals > 0 ? option[..equals].Trim() : "";
            if (name.Length == 0 || LogicalLines.HasWhitespace(name))
                problems.Add(new ConfigProblem(FileName, line, $"-o needs name=value (or {{ name = value }}), not \"{LogicalLines.Shorten(option)}\": Postfix refuses to start the {tokens[0]} service"));
            else
                options.Add(new MasterOption(name, option[(equals + 1)..].Trim()));
        }
        return new MasterService(tokens[0], tokens[1], tokens[2], tokens[3], tokens[4],
            tokens[5], tokens[6], tokens[7], arguments, options, line);
    }

    /// <summary>Whitespace-separated fields; `{ ... }` is one field (braces may nest), trimmed inside.</summary>
    private static List<string> Tokenize(string line, out bool unbalanced)
    {
        var tokens = new List<string>();
        unbalanced = false;
        var i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
                continue;
            }
            if (line[i] == '{')
            {
                var depth = 0;
                var end = i;
                for (; end < line.Length; end++)
                {
                    if (line[end] == '{')
                        depth++;
                    else if (line[end] == '}' && --depth == 0)
                        break;
                }
                if (end == line.Length)
                {
                    unbalanced = true;
                    return tokens;
                }
                tokens.Add(line[(i + 1)..end].Trim());
                i = end + 1;
                continue;
            }
            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
                i++;
            tokens.Add(line[start..i]);
        }
        return tokens;
    }
}

/// <summary>A `-o name=value` override: the service reads it in place of main.cf's value.</summary>
public sealed class MasterOption(string name, string value)
{
    public string Name { get; } = name;
    public string Value { get; } = value;
}

/// <summary>One master.cf service. Fields keep their text, so "-" still means "the default".</summary>
/// <remarks>This, <see cref="MasterOption"/>, <see cref="MainCfParameter"/> and
/// <see cref="ConfigProblem"/> are classes, not records: nothing compares them, and the
/// entrypoint's NativeAOT binary would carry each record's generated Equals, GetHashCode and ToString.</remarks>
public sealed class MasterService(
    string name,
    string type,
    string @private,
    string unprivileged,
    string chroot,
    string wakeup,
    string maxProcesses,
    string command,
    IReadOnlyList<string> arguments,
    IReadOnlyList<MasterOption> options,
    int line)
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string Private { get; } = @private;
    public string Unprivileged { get; } = unprivileged;
    public string Chroot { get; } = chroot;
    public string Wakeup { get; } = wakeup;
    public string MaxProcesses { get; } = maxProcesses;
    public string Command { get; } = command;
    public IReadOnlyList<string> Arguments { get; } = arguments;
    public IReadOnlyList<MasterOption> Options { get; } = options;

    /// <summary>The physical line the service starts on.</summary>
    public int Line { get; } = line;

    public bool IsInet => Type == "inet";

    /// <summary>A delivery service of the SMTP client, smtp(8) (Postfix's own smtp and relay).</summary>
    public bool IsSmtpClient => Type == "unix" && Command == "smtp";

    /// <summary>The TCP port of an inet service: numeric, or the IANA name Postfix resolves through /etc/services.</summary>
    public int? Port => !IsInet ? null : PortOf(Name[(Name.LastIndexOf(':') + 1)..]);

    /// <summary>How findings name the service: its port for an inet service on all addresses, else name/type as postconf -P does.</summary>
    public string Label => Port is { } port && !Name.Contains(':') ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Name}/{Type}";

    private static int? PortOf(string service) => service switch
    {
        "smtp" => 25,
        "submission" => 587,
        "submissions" or "smtps" => 465,
        _ => int.TryParse(service, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null,
    };
}
