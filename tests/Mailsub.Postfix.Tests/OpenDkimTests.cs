namespace Mailsub.Postfix.Tests;

public class OpenDkimTests
{
    [Fact]
    public void WithSettings_replaces_every_line_of_a_setting_whatever_its_case_and_keeps_the_rest()
    {
        var conf = "# comment\nBaseDirectory /a\nMode s\nsocket local:/x\nSocket local:/y\n\n";

        var edited = OpenDkim.WithSettings(conf, [new("BaseDirectory", "/state/opendkim"), new("Socket", "local:/state/s")]);

        Assert.Equal("# comment\nMode s\n# mailsub-entrypoint: the pod's own paths\nBaseDirectory /state/opendkim\nSocket local:/state/s\n", edited);
    }

    [Fact]
    public void The_milter_address_is_relative_to_the_queue_directory_where_the_socket_is()
    {
        var state = new StateLayout("/var/lib/mailsub");

        Assert.Equal("unix:opendkim/opendkim.sock", OpenDkim.MilterAddress);
        Assert.Equal(Path.Combine(state.QueueDir, "opendkim", "opendkim.sock"), state.OpenDkimSocket);
        Assert.Equal("./keys/s._domainkey.example.com", OpenDkim.KeyPath("s._domainkey.example.com"));
    }
}
