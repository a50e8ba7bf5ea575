namespace Mailsub.Entrypoint.Tests;

public class QueueStatusTests
{
    [Fact]
    public void Held_messages_do_not_count_as_deliverable()
    {
        var json =
            "{\"queue_name\": \"deferred\", \"queue_id\": \"A1\", \"recipients\": []}\n" +
            "{\"queue_name\": \"active\", \"queue_id\": \"B2\", \"recipients\": []}\n" +
            "{\"queue_name\": \"hold\", \"queue_id\": \"C3\", \"recipients\": []}\n";

        Assert.Equal(2, QueueStatus.Deliverable(json));
    }

    [Fact]
    public void An_empty_queue_prints_nothing()
    {
        Assert.Equal(0, QueueStatus.Deliverable(""));
    }

    [Fact]
    public void Messages_are_counted_per_queue()
    {
        var json =
            "{\"queue_name\": \"deferred\", \"queue_id\": \"A1\", \"recipients\": []}\n" +
            "{\"queue_name\": \"deferred\", \"queue_id\": \"A2\", \"recipients\": []}\n" +
            "{\"queue_name\": \"hold\", \"queue_id\": \"C3\", \"recipients\": []}\n";

        Assert.Equal(new Dictionary<string, int> { ["deferred"] = 2, ["hold"] = 1 }, QueueStatus.ByQueue(json));
    }
}
