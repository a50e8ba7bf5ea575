namespace Mailsub.Operator.Tests;

/// <summary>The /proc files the process families read, as Linux writes them (proc(5)).</summary>
public sealed class ProcStatTests
{
    [Fact]
    public void Stat_fields_are_counted_after_a_command_that_holds_spaces_and_parentheses()
    {
        var stat = ProcStat.Parse("22192 (mail (sub) x) R 22190 22190 12891 0 -1 4194304 100 0 0 0 250 125 0 0 20 0 7 0 2763848 3133440 383 "
            + "18446744073709551615 94738506788864 94738506808745 140731826751536 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94738506824752 "
            + "94738506826368 94739395903488 140731826760164 140731826760184 140731826760184 140731826761707 0\n");

        Assert.Equal(new ProcStat(CpuTicks: 375, StartTicks: 2763848, VirtualBytes: 3133440, ResidentPages: 383, Threads: 7), stat);
    }

    [Fact]
    public void Boot_time_soft_limits_and_ip_octets()
    {
        Assert.Equal(1796283085, ProcStat.BootTime("cpu  1 2 3\nintr 5\nbtime 1796283085\nprocesses 9\n"));

        const string limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max processes             96363                96363                processes
            Max open files            20000                1048576              files
            Max address space         unlimited            unlimited            bytes
            """;
        Assert.Equal(20000, ProcStat.SoftLimit(limits, "Max open files"));
        Assert.Equal(ulong.MaxValue, ProcStat.SoftLimit(limits, "Max address space"));

        Assert.Equal((2769534534d, 1515959489d),
            ProcStat.IpOctets("TcpExt: SyncookiesSent\nTcpExt: 0\nIpExt: InNoRoutes InOctets OutOctets\nIpExt: 0 2769534534 1515959489\n"));
        Assert.Equal((0d, 0d), ProcStat.IpOctets("TcpExt: SyncookiesSent\nTcpExt: 0\n"));
    }
}
