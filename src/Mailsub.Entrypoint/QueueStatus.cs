using System.Text.Json;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>Reads <c>postqueue -j</c> output.</summary>
public static class QueueStatus
{
    /// <summary>Messages that could still be delivered: everything but the hold queue, which
    /// only an administrator releases.</summary>
    public static int Deliverable(string postqueueJson)
    {
        var count = 0;
        foreach (var line in TextLines.Split(postqueueJson))
        {
            if (line.Length == 0)
                continue;
            using var message = JsonDocument.Parse(line);
            if (!message.RootElement.TryGetProperty("queue_name", out var queue) || queue.GetString() != "hold")
                count++;
        }
        return count;
    }
}
