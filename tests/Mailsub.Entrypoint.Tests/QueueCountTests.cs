namespace Mailsub.Entrypoint.Tests;

/// <summary>A drain stops master once the queue reads empty, so a postqueue that fails (showq
/// not answering, a reload under way) must read as unknown, not as an empty queue.</summary>
public class QueueCountTests
{
    private static PostfixTools With(string postqueue) =>
        new("postfix", "postconf", postqueue, "saslpasswd2", "script", "chgrp");

    [Fact]
    public async Task A_postqueue_that_fails_gives_no_count_rather_than_zero()
    {
        Assert.Null(await new PostfixCommands(With("/bin/false")).DeliverableCountAsync("/nonexistent"));
    }

    [Fact]
    public async Task A_postqueue_that_succeeds_gives_its_count()
    {
        var dir = Directory.CreateTempSubdirectory("mailsub-postqueue-").FullName;
        try
        {
            var script = Path.Combine(dir, "postqueue");
            File.WriteAllText(script, "#!/bin/sh\necho '{\"queue_name\": \"deferred\", \"queue_id\": \"A1\"}'\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Assert.Equal(1, await new PostfixCommands(With(script)).DeliverableCountAsync(dir));
            Assert.Equal(0, await new PostfixCommands(With("/bin/true")).DeliverableCountAsync(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
