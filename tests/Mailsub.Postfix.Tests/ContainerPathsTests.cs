namespace Mailsub.Postfix.Tests;

public class ContainerPathsTests
{
    [Fact]
    public void The_rendered_config_and_the_entrypoint_name_the_same_state_files()
    {
        Assert.Equal("/var/lib/mailsub/queue", ContainerPaths.StateLayout.QueueDir);
        Assert.Equal("/var/lib/mailsub/sasldb2", ContainerPaths.StateLayout.SaslDb);
        Assert.Equal("/var/lib/mailsub/relay-credentials", ContainerPaths.StateLayout.RelayCredentials);
        Assert.Equal(ContainerPaths.SaslConfigFile,
            Path.GetRelativePath("/c", Path.Combine(StateLayout.SaslConfigDir("/c"), SmtpdConf.FileName)));
        Assert.Equal("/etc/mailsub/tls/tls.key", ContainerPaths.TlsKey);
    }
}
