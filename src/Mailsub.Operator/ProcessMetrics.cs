using System.Globalization;
using Prometheus;

namespace Mailsub.Operator;

/// <summary>
/// The process families of client_golang's process collector (which controller-runtime registers
/// and its dashboards read: process_cpu_seconds_total, process_resident_memory_bytes, …), read from
/// Linux's /proc as it does, and the .NET runtime's in place of Go's (dotnet_*, under prometheus-net's
/// DotNetStats names). DotNetStats itself is not used: it lacks process_resident_memory_bytes,
/// process_open_fds and process_max_fds, and would claim the names this collector fills. A file that
/// cannot be read leaves its families out of that scrape, as client_golang does.
/// </summary>
internal static class ProcessMetrics
{
    // procfs' USER_HZ: /proc reports CPU times in these ticks on every Linux architecture.
    private const double TicksPerSecond = 100;

    public static void Register(CollectorRegistry registry, IMetricFactory f)
    {
        var cpu = f.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var openFds = f.CreateGauge("process_open_fds", "Number of open file descriptors.");
        var maxFds = f.CreateGauge("process_max_fds", "Maximum number of open file descriptors.");
        var vsize = f.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
        var maxVsize = f.CreateGauge("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.");
        var rss = f.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var start = f.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
        var received = f.CreateCounter("process_network_receive_bytes_total", "Number of bytes received by the process over the network.");
        var sent = f.CreateCounter("process_network_transmit_bytes_total", "Number of bytes sent by the process over the network.");
        var threads = f.CreateGauge("process_num_threads", "Total number of threads");
        var collections = f.CreateCounter("dotnet_collection_count_total", "GC collection count", new CounterConfiguration { LabelNames = ["generation"] });
        var generations = new Counter.Child[GC.MaxGeneration + 1];
        for (var g = 0; g < generations.Length; g++)
        {
            generations[g] = collections.WithLabels(g.ToString(CultureInfo.InvariantCulture));
        }
        var managed = f.CreateGauge("dotnet_total_memory_bytes", "Total known allocated memory");

        registry.AddBeforeCollectCallback(() =>
        {
            if (Read("/proc/self/stat") is { } statText && Read("/proc/stat") is { } system)
            {
                var stat = ProcStat.Parse(statText);
                cpu.IncTo(stat.CpuTicks / TicksPerSecond);
                vsize.Set(stat.VirtualBytes);
                rss.Set(stat.ResidentPages * (double)Environment.SystemPageSize);
                threads.Set(stat.Threads);
                start.Set(ProcStat.BootTime(system) + stat.StartTicks / TicksPerSecond);
            }
            if (Count("/proc/self/fd") is { } fds)
            {
                openFds.Set(fds);
            }
            if (Read("/proc/self/limits") is { } limits)
            {
                maxFds.Set(ProcStat.SoftLimit(limits, "Max open files"));
                maxVsize.Set(ProcStat.SoftLimit(limits, "Max address space"));
            }
            if (Read("/proc/self/net/netstat") is { } netstat)
            {
                var (octetsIn, octetsOut) = ProcStat.IpOctets(netstat);
                received.IncTo(octetsIn);
                sent.IncTo(octetsOut);
            }
            for (var g = 0; g < generations.Length; g++)
            {
                generations[g].IncTo(GC.CollectionCount(g));
            }
            managed.Set(GC.GetTotalMemory(forceFullCollection: false));
        });
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? Count(string directory)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(directory).Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>The parts of /proc files the process families read (proc(5)).</summary>
internal readonly record struct ProcStat(double CpuTicks, double StartTicks, double VirtualBytes, double ResidentPages, int Threads)
{
    /// <summary>/proc/[pid]/stat: utime+stime (fields 14, 15), num_threads (20), starttime (22), vsize (23), rss (24).</summary>
    public static ProcStat Parse(string stat)
    {
        // Field 2, the command, is in parentheses and may hold spaces and parentheses itself.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int n) => double.Parse(fields[n - 3], CultureInfo.InvariantCulture);
        return new ProcStat(Field(14) + Field(15), Field(22), Field(23), Field(24), (int)Field(20));
    }

    /// <summary>/proc/stat's btime: boot time in seconds since the epoch (starttime counts from it).</summary>
    public static double BootTime(string stat) =>
        Line(stat, "btime ") is { } line ? double.Parse(line.AsSpan(6), CultureInfo.InvariantCulture) : 0;

    /// <summary>/proc/[pid]/limits: a limit's soft value ("unlimited": the largest, as procfs reads it).</summary>
    public static double SoftLimit(string limits, string name)
    {
        var soft = Line(limits, name)?[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return soft is not [var value, ..] ? 0 : value == "unlimited" ? ulong.MaxValue : double.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>/proc/[pid]/net/netstat's IpExt InOctets and OutOctets (a line of names, then a line of values).</summary>
    public static (double Received, double Sent) IpOctets(string netstat)
    {
        string[]? names = null;
        foreach (var line in netstat.Split('\n'))
        {
            if (!line.StartsWith("IpExt: ", StringComparison.Ordinal))
            {
                continue;
            }
            if (names is null)
            {
                names = line.Split(' ');
                continue;
            }
            var values = line.Split(' ');
            double Value(string name) => Array.IndexOf(names, name) is var i and > 0 && i < values.Length
                ? double.Parse(values[i], CultureInfo.InvariantCulture) : 0;
            return (Value("InOctets"), Value("OutOctets"));
        }
        return (0, 0);
    }

    /// <summary>The first line that starts with <paramref name="prefix"/>.</summary>
    private static string? Line(string text, string prefix)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
        return null;
    }
}
