namespace Mailsub.Benchmarks;

/// <summary>CPU time used by one Postfix instance: its master daemon, the daemons it runs now,
/// and those that have exited (a reaped child's time is added to its parent's cutime and cstime).</summary>
public static class PostfixCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Seconds of user and system time so far. Take the difference of two readings.</summary>
    public static double Seconds(int masterPid) => ByDaemon(masterPid).Values.Sum();

    /// <summary>The same, by daemon name ("smtpd", "cleanup", ...); exited daemons are counted
    /// under "exited" (master's children time).</summary>
    public static IReadOnlyDictionary<string, double> ByDaemon(int masterPid)
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string name, long ticks) =>
            seconds[name] = seconds.GetValueOrDefault(name) + ticks / TicksPerSecond;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || Stat(pid) is not { } stat)
                continue;
            if (pid == masterPid)
            {
                Add("master", stat.UserTime + stat.SystemTime);
                Add("exited", stat.ChildrenUserTime + stat.ChildrenSystemTime);
            }
            else if (stat.ParentPid == masterPid)
            {
                Add(stat.Name, stat.UserTime + stat.SystemTime);
            }
        }
        return seconds;
    }

    private sealed record ProcessStat(string Name, int ParentPid, long UserTime, long SystemTime, long ChildrenUserTime, long ChildrenSystemTime);

    private static ProcessStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // exited meanwhile
        }
        // The command name is in parentheses and may hold spaces; fields follow the last ')'.
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        return new ProcessStat(text[(open + 1)..close], int.Parse(fields[1]), long.Parse(fields[11]), long.Parse(fields[12]),
            long.Parse(fields[13]), long.Parse(fields[14]));
    }
}
