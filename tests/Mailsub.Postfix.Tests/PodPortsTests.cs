namespace Mailsub.Postfix.Tests;

public class PodPortsTests
{
    [Theory]
    [InlineData(PodPorts.Health, "health")]
    [InlineData(QueueHandoff.Port, "queue handoff")]
    [InlineData(587, null)]
    [InlineData(465, null)]
    [InlineData(25, null)]
    public void The_pod_keeps_its_health_and_handoff_ports_and_no_listener_port(int port, string? use)
    {
        Assert.Equal(use, PodPorts.OwnUse(port));
    }
}
