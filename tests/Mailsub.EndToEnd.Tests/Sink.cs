namespace Mailsub.EndToEnd.Tests;

/// <summary>
/// Postfix's smtp-sink in a pod of the Postfix image: the relay host of every MailSubmission in
/// these tests, so accepted mail ends inside the node. Each message becomes a file in /sink; the
/// Subject lines say which arrived.
/// </summary>
public static class Sink
{
    public const int Port = 2525;

    public static string Manifest(string image) => $$$"""
        apiVersion: v1
        kind: Namespace
        metadata: {name: {{{NodeFixture.SinkNamespace}}}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: sink, namespace: {{{NodeFixture.SinkNamespace}}}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: sink}}
          template:
            metadata: {labels: {app: sink}}
            spec:
              automountServiceAccountToken: false
              enableServiceLinks: false
              terminationGracePeriodSeconds: 1
              containers:
              - name: sink
                image: {{{image}}}
                imagePullPolicy: Never
                command: ["/usr/sbin/smtp-sink", "-u", "nobody", "-d", "/sink/%d%H%M%S.", "0.0.0.0:{{{Port}}}", "64"]
                ports: [{containerPort: {{{Port}}}, protocol: TCP}]
                readinessProbe: {tcpSocket: {port: {{{Port}}}}, periodSeconds: 1}
                volumeMounts: [{name: sink, mountPath: /sink}]
              volumes: [{name: sink, emptyDir: {}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: sink, namespace: {{{NodeFixture.SinkNamespace}}}}
        spec:
          selector: {app: sink}
          ports: [{name: smtp, port: {{{Port}}}, targetPort: {{{Port}}}, protocol: TCP}]
        """;

    /// <summary>The Subject of every message the sink has received.</summary>
    public static async Task<IReadOnlyList<string>> SubjectsAsync(NodeFixture node)
    {
        var output = await node.Kubectl(null, "-n", NodeFixture.SinkNamespace, "exec", "deploy/sink", "--",
            "sh", "-c", "grep -rh '^Subject: ' /sink || true");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l["Subject: ".Length..].TrimEnd('\r')).ToArray();
    }
}
