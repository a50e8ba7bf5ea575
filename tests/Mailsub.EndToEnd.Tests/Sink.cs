namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// Postfix's smtp-sink in a pod of the Postfix image: the relay host of every MailSubmission in
/// these tests, so accepted mail ends inside the node. Each message becomes a file in /sink; the
/// Subject lines say which arrived. hack/node/sink.yaml is its manifest (namespace sink, port 2525).
/// </summary>
public static class Sink
{
    public const int Port = 2525;

    /// <summary>The Subject of every message the sink has received.</summary>
    public static async Task<IReadOnlyList<string>> SubjectsAsync(NodeFixture node)
    {
        var output = await node.Kubectl(null, "-n", NodeFixture.SinkNamespace, "exec", "deploy/sink", "--",
            "sh", "-c", "grep -rh '^Subject: ' /sink || true");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l["Subject: ".Length..].TrimEnd('\r')).ToArray();
    }
}
