using System.Text.Json.Nodes;

namespace Mailsub.Operator.Tests;

/// <summary>MailSubmission bodies for the tests, one line each.</summary>
internal static class Submissions
{
    /// <summary>The modern sample's shape: alice from a referenced Secret, bob generated, cert-manager TLS.</summary>
    public static JsonObject Modern(string name, int messageSize = 26214400) => (JsonObject)JsonNode.Parse($$"""
        {
          "apiVersion": "mailsub.dev/v1alpha1",
          "kind": "MailSubmission",
          "metadata": { "name": "{{name}}" },
          "spec": {
            "hostname": "mail.example.com",
            "auth": {
              "profile": "Modern",
              "users": [
                { "name": "alice", "passwordSecretRef": { "name": "alice-password", "key": "password" }, "allowedSenders": ["alice@example.com"] },
                { "name": "bob", "allowedSenders": ["bob@example.com", "@lists.example.com"] }
              ]
            },
            "tls": { "issuerRef": { "name": "letsencrypt", "kind": "ClusterIssuer" }, "dnsNames": ["mail.example.com", "smtp.example.com"] },
            "limits": { "messageSizeBytes": {{messageSize}}, "messagesPerMinutePerClient": 60, "connectionsPerMinutePerClient": 120 },
            "workload": { "replicas": 2 }
          }
        }
        """)!;

    /// <summary>Passes the CRD schema, fails validation: host bits set in a trusted network.</summary>
    public static JsonObject HostBitsInCidr(string name)
    {
        var s = Modern(name);
        s["spec"]!["trustedNetworks"] = new JsonArray("127.0.0.0/8", "10.1.2.3/8");
        return s;
    }
}
