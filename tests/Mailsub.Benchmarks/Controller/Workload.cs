using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;
using Mailsub.Operator;
using Mailsub.Runtime.Api;

namespace Mailsub.Benchmarks.Controller;

/// <summary>
/// One phase's input: a fresh namespace with alice's password Secret, a kubernetes.io/tls Secret
/// (spec.tls.secretName, so no cert-manager is needed) and N MailSubmissions of the modern
/// sample's shape (alice from the Secret, bob generated, two replicas, a PodDisruptionBudget).
/// </summary>
public static class Workload
{
    public const string TlsSecret = "mail-tls";
    private const string AlicePassword = "alice-secret-1";

    public static async Task<string> CreateNamespaceAsync(BenchApi api, string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await api.SendAsync(HttpMethod.Post, "/api/v1/namespaces",
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } }).ConfigureAwait(false);
        return name;
    }

    /// <summary>The Secrets and <paramref name="count"/> MailSubmissions, created before anything is timed.</summary>
    public static async Task CreateAsync(BenchApi api, string ns, int count, CancellationToken ct)
    {
        await CreateSecretAsync(api, ns, "alice-password", "Opaque", new() { ["password"] = AlicePassword }, ct).ConfigureAwait(false);
        await CreateSecretAsync(api, ns, TlsSecret, "kubernetes.io/tls", new()
        {
            ["tls.crt"] = "-----BEGIN CERTIFICATE-----\nbench\n-----END CERTIFICATE-----\n",
            ["tls.key"] = "-----BEGIN PRIVATE KEY-----\nbench\n-----END PRIVATE KEY-----\n",
        }, ct).ConfigureAwait(false);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, c) => await api.SendAsync(HttpMethod.Post, SubmissionKinds.SubmissionResource.CollectionPath(ns), Submission(i), ct: c)
                .ConfigureAwait(false)).ConfigureAwait(false);
    }

    public static string Name(int i) => $"msub-{i:D4}";

    private static JsonObject Submission(int i) => (JsonObject)JsonNode.Parse($$"""
        {
          "apiVersion": "mailsub.dev/v1alpha1",
          "kind": "MailSubmission",
          "metadata": { "name": "{{Name(i)}}" },
          "spec": {
            "hostname": "mail{{i}}.example.com",
            "auth": {
              "profile": "Modern",
              "users": [
                { "name": "alice", "passwordSecretRef": { "name": "alice-password", "key": "password" }, "allowedSenders": ["alice@example.com"] },
                { "name": "bob", "allowedSenders": ["bob@example.com", "@lists.example.com"] }
              ]
            },
            "tls": { "secretName": "{{TlsSecret}}" },
            "limits": { "messageSizeBytes": 26214400, "messagesPerMinutePerClient": 60, "connectionsPerMinutePerClient": 120 },
            "workload": { "replicas": 2 }
          }
        }
        """)!;

    private static Task CreateSecretAsync(BenchApi api, string ns, string name, string type, Dictionary<string, string> data, CancellationToken ct) =>
        api.SendAsync(HttpMethod.Post, WellKnownResources.Secrets.CollectionPath(ns), new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["type"] = type,
            ["data"] = new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value)))))),
        }, ct: ct);

    /// <summary>
    /// The floor's pre-rendered work for every MailSubmission of <paramref name="ns"/> as the server
    /// holds them (defaults applied, uids): exactly the bodies the operator applies (the core's
    /// builders, stamped by <see cref="ChildApplier.Stamp"/>), in its order, and the status it ends with.
    /// </summary>
    public static async Task<IReadOnlyList<FloorItem>> PrerenderAsync(BenchApi api, string ns, BuildOptions options, CancellationToken ct)
    {
        var list = await api.SendAsync(HttpMethod.Get, SubmissionKinds.SubmissionResource.CollectionPath(ns), null, ct: ct).ConfigureAwait(false);
        var items = new List<FloorItem>();
        foreach (var node in (JsonArray)list!["items"]!)
        {
            var submission = node.Deserialize(ApiJsonContext.Default.MailSubmission)!;
            submission.Metadata.NamespaceProperty ??= ns;
            var valid = SubmissionValidator.Validate(submission).Valid
                ?? throw new InvalidOperationException($"{submission.Metadata.Name} does not validate");
            var rendered = PostfixRenderer.Render(valid);
            var report = PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf));
            var generated = GeneratedPasswordsSecret.Logins(valid).ToDictionary(l => l, _ => UserPasswords.Generate(), StringComparer.Ordinal);
            var passwords = new Dictionary<string, string>(generated, StringComparer.Ordinal) { ["alice"] = AlicePassword };
            var bodies = new List<(ApiResource, JsonObject)>();
            void Add(IKubernetesObject<V1ObjectMeta> child)
            {
                var body = (JsonObject)ObjectJson.ToNode(child);
                ChildApplier.Stamp(submission, body);
                bodies.Add((ChildKind.ResourceOf(child.ApiVersion, child.Kind), body));
            }
            Add(GeneratedPasswordsSecret.Build(valid, generated));
            foreach (var child in ChildObjects.Build(valid, rendered, passwords, options))
            {
                Add(child);
            }
            items.Add(new FloorItem(submission, bodies, ReadyStatus(submission, valid, rendered, report, passwords.Count)));
        }
        return items;
    }

    /// <summary>
    /// The status the operator writes once the submission is Ready (SubmissionReconciler's
    /// conditions and messages, in its order), as the body of a status apply.
    /// </summary>
    private static JsonObject ReadyStatus(MailSubmission submission, ValidSubmission valid, RenderedConfig rendered, PolicyReport report, int users)
    {
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var generation = submission.Metadata.Generation;
        V1Condition Make(string type, string reason, string message) => new()
        {
            Type = type, Status = "True", Reason = reason, Message = message, ObservedGeneration = generation, LastTransitionTime = now,
        };
        var replicas = valid.Spec.Workload.Replicas;
        var status = new MailSubmissionStatus
        {
            ObservedGeneration = generation,
            Policy = report.Summary,
            ConfigHash = rendered.Hash,
            UsersSecretName = ChildNames.Users(valid),
            TlsSecretName = ChildNames.TlsSecret(valid),
            Conditions =
            [
                Make(ConditionTypes.Ready, "Ready", $"Serving with policy {report.Summary}; every policy condition is True and the Deployment is available."),
                .. report.Conditions.Select(c => Make(c.Type, c.Reason, c.Message)),
                Make(ConditionTypes.UsersReady, "UsersResolved", $"{users} SASL user(s) have passwords."),
                Make(ConditionTypes.Available, "MinimumReplicasAvailable", string.Create(CultureInfo.InvariantCulture, $"{replicas} of {replicas} Postfix replicas available.")),
            ],
        };
        return new JsonObject
        {
            ["apiVersion"] = MailSubmission.ApiVersionValue,
            ["kind"] = MailSubmission.KindValue,
            ["metadata"] = new JsonObject { ["name"] = submission.Metadata.Name, ["namespace"] = submission.Metadata.NamespaceProperty },
            ["status"] = JsonSerializer.SerializeToNode(status, ApiJsonContext.Default.MailSubmissionStatus),
        };
    }
}

/// <summary>One MailSubmission's floor work: its children's apply bodies in order, and its Ready status.</summary>
public sealed record FloorItem(MailSubmission Submission, IReadOnlyList<(ApiResource Resource, JsonObject Body)> Children, JsonObject Status);
