namespace Mailsub.Core.Policy;

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
        var services = new List<MasterService>();
        var problems = new List<ConfigProblem>();
        foreach (var (line, logical) in LogicalLines.Read(text, FileName, problems))
        {
            var tokens = Tokenize(logical, out var unbalanced);
            if (unbalanced)
            {
                problems.Add(new ConfigProblem(FileName, line, $"unbalanced '{{' in \"{LogicalLines.Shorten(logical)}\": Postfix refuses to start"));
                continue;
            }
            if (tokens.Count < 8)
            {
                problems.Add(new ConfigProblem(FileName, line, $"bad field count ({tokens.Count} of at least 8) in \"{LogicalLines.Shorten(logical)}\": Postfix refuses to start"));
                continue;
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
                if (name.Length == 0 || name.Any(char.IsWhiteSpace))
                    problems.Add(new ConfigProblem(FileName, line, $"-o needs name=value (or {{ name = value }}), not \"{LogicalLines.Shorten(option)}\": Postfix refuses to start the {tokens[0]} service"));
                else
                    options.Add(new MasterOption(name, option[(equals + 1)..].Trim()));
            }
            services.Add(new MasterService(tokens[0], tokens[1], tokens[2], tokens[3], tokens[4],
                tokens[5], tokens[6], tokens[7], arguments, options, line));
        }
        return new MasterCf(services, problems);
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
public sealed record MasterOption(string Name, string Value);

/// <summary>One master.cf service. Fields keep their text, so "-" still means "the default".</summary>
public sealed record MasterService(
    string Name,
    string Type,
    string Private,
    string Unprivileged,
    string Chroot,
    string Wakeup,
    string MaxProcesses,
    string Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<MasterOption> Options,
    int Line)
{
    public bool IsInet => Type == "inet";

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
