using System.Text.Json;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>Reads <c>postqueue -j</c> output.</summary>
public static class QueueStatus
{
    /// <summary>Messages that could still be delivered: everything but the hold queue, which
    /// only an administrator releases.</summary>
    public static int Deliverable(string postqueueJson) =>
        ByQueue(postqueueJson).Where(q => q.Key != "hold").Sum(q => q.Value);

    /// <summary>Messages per queue_name (active, deferred, hold, incoming, maildrop); a queue
    /// with none is absent.</summary>
    public static IReadOnlyDictionary<string, int> ByQueue(string postqueueJson)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in TextLines.Split(postqueueJson))
        {
            if (line.Length == 0)
                continue;
            using var message = JsonDocument.Parse(line);
            var queue = message.RootElement.TryGetProperty("queue_name", out var name) ? name.GetString() ?? "" : "";
            counts[queue] = counts.GetValueOrDefault(queue) + 1;
        }
        return counts;
    }
}
