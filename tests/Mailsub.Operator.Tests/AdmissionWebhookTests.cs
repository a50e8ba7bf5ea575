using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Serialization;
using Mailsub.Runtime.Kinds;
using Mailsub.Runtime.Webhooks;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>
/// The validating admission webhook on the real kube-apiserver 1.20: a ValidatingWebhookConfiguration
/// whose clientConfig.url is the in-process operator's https://127.0.0.1:PORT, with a CA the test
/// made. Bad input is refused before it is stored, valid input is stored with its warnings, and
/// failurePolicy decides what happens while no webhook answers. Each configuration selects only
/// its test's namespace (a label) and is deleted at the end, so the other tests are not judged by it.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class AdmissionWebhookTests(ControlPlaneFixture cp)
{
    private static readonly string Corpus = Path.Combine(ControlPlaneFixture.RepositoryRoot, "tests", "Mailsub.Core.Tests", "Validation", "bad");

    [Fact]
    public async Task Bad_input_corpus_is_refused_with_its_fields_and_nothing_is_stored()
    {
        await using var setup = await WebhookSetup.StartAsync(cp);
        var (cluster, ns) = (setup.Cluster, setup.Namespace);
        var sent = 0;
        var failures = new List<string>();
        foreach (var file in Directory.GetFiles(Corpus, "*.yaml").Order())
        {
            var text = File.ReadAllText(file);
            var expected = text.Split('\n')[0].Replace("# expect: ", "").Trim();
            if (Readable(text) is not { } body)
            {
                continue; // not one YAML mapping (expect: <input>): no client can send it as an object
            }
            body["metadata"] ??= new JsonObject();
            if (body["metadata"] is JsonObject meta)
            {
                meta["namespace"] = ns;
            }
            if (PrunedByTheApiServer.Contains(Path.GetFileName(file)))
            {
                var kubectl = await Kubectl.ApplyDryRunAsync(cp, body, ns);
                Assert.True(kubectl.Code != 0 && kubectl.Output.Contains(expected.Split('.')[^1], StringComparison.Ordinal),
                    $"kubectl should refuse {Path.GetFileName(file)} naming {expected}: {kubectl.Output}");
                continue;
            }
            sent++;
            foreach (var dryRun in new[] { false, true })
            {
                var answer = await ApiRequest.PostAsync(cluster, Cluster.MailSubmissions(ns) + (dryRun ? "?dryRun=All" : ""), body);
                var message = JsonPath.GetString(answer.Body, "message") ?? "";
                if (answer.Status is < 400 or >= 500 || !Names(message, expected))
                {
                    failures.Add($"{Path.GetFileName(file)}{(dryRun ? " (dry run)" : "")}: expected a refusal naming {expected}, got {answer.Status} {message}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(sent >= 60, $"only {sent} corpus files were sent");
        var stored = await cluster.TryGetAsync(Cluster.MailSubmissions(ns));
        Assert.Empty(stored!["items"]!.AsArray());
        Assert.True(setup.Operator.Operator.Admission!.Refused > 0, "the webhook refused none: the CRD schema did all the work");
    }

    [Fact]
    public async Task Unhealthy_policy_is_refused_naming_the_field_and_the_finding()
    {
        await using var setup = await WebhookSetup.StartAsync(cp);
        var open = Submissions.Modern("open");
        open["spec"]!["trustedNetworks"] = new JsonArray("0.0.0.0/0");
        foreach (var query in new[] { "?dryRun=All", "" })
        {
            var answer = await ApiRequest.PostAsync(setup.Cluster, Cluster.MailSubmissions(setup.Namespace) + query, open);
            Assert.Equal(422, answer.Status);
            Assert.Equal("Invalid", JsonPath.GetString(answer.Body, "reason"));
            Assert.Contains("denied the request", JsonPath.GetString(answer.Body, "message"), StringComparison.Ordinal);
            Assert.Contains("TrustedNetworksOpen", JsonPath.GetString(answer.Body, "message"), StringComparison.Ordinal);
            var causes = answer.Body!["details"]!["causes"]!.AsArray();
            Assert.Contains(causes, c => JsonPath.GetString(c, "field") == "spec.trustedNetworks");
        }
        Assert.Null(await setup.Cluster.SubmissionAsync(setup.Namespace, "open"));

        // An edit to a stored, healthy object is judged the same way; one that leaves the spec alone is not.
        await setup.Cluster.CreateAsync(Cluster.MailSubmissions(setup.Namespace), Submissions.Modern("edited"));
        var edit = await ApiRequest.SendAsync(setup.Cluster, HttpMethod.Patch, $"{Cluster.MailSubmissions(setup.Namespace)}/edited",
            new JsonObject { ["spec"] = new JsonObject { ["trustedNetworks"] = new JsonArray("0.0.0.0/0") } }, "application/merge-patch+json");
        Assert.Equal(422, edit.Status);
        var label = await ApiRequest.SendAsync(setup.Cluster, HttpMethod.Patch, $"{Cluster.MailSubmissions(setup.Namespace)}/edited",
            new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = "mail" } } }, "application/merge-patch+json");
        Assert.Equal(200, label.Status);
    }

    [Fact]
    public async Task Valid_samples_are_admitted_with_their_warnings()
    {
        await using var setup = await WebhookSetup.StartAsync(cp);
        var (cluster, ns) = (setup.Cluster, setup.Namespace);
        foreach (var sample in new[] { "seed", "modern" })
        {
            var body = (JsonObject)YamlDocuments.Parse(File.ReadAllText(Path.Combine(ControlPlaneFixture.RepositoryRoot, "samples", sample + ".yaml")))
                .OfType<JsonObject>().Single(o => JsonPath.GetString(o, "kind") == "MailSubmission");
            body["metadata"]!["namespace"] = ns;
            var dry = await ApiRequest.PostAsync(cluster, Cluster.MailSubmissions(ns) + "?dryRun=All", body);
            var stored = await ApiRequest.PostAsync(cluster, Cluster.MailSubmissions(ns), body);
            Assert.Equal(201, dry.Status);
            Assert.Equal(201, stored.Status);
            Assert.Equal(dry.Warnings, stored.Warnings);
            // kubectl prints each as "Warning: <text>": RFC 7234 warn-code 299, agent "-".
            Assert.All(stored.Warnings, w => Assert.StartsWith("299 - \"", w, StringComparison.Ordinal));
            if (sample == "seed")
            {
                var kubectl = await Kubectl.ApplyDryRunAsync(cp, body, ns);
                Assert.Contains("Warning: spec.auth.profile: LegacyAuthMechanism", kubectl.Output, StringComparison.Ordinal);
                Assert.Contains(stored.Warnings, w => w.Contains("LegacyAuthMechanism", StringComparison.Ordinal) && w.Contains("spec.auth.profile", StringComparison.Ordinal));
            }
            Assert.NotNull(await cluster.SubmissionAsync(ns, JsonPath.GetString(body, "metadata", "name")!));
        }
    }

    [Fact]
    public async Task Malformed_and_oversized_requests_get_a_clear_4xx()
    {
        await using var setup = await WebhookSetup.StartAsync(cp);
        using var client = setup.Certificates.Client();
        var url = $"https://{setup.Operator.Operator.WebhookEndpoint}{SubmissionAdmission.Path}";

        using var junk = await client.PostAsync(url, new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        Assert.Contains("not JSON", await junk.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrongKind = await client.PostAsync(url, new StringContent("""{"apiVersion":"v1","kind":"Pod"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        Assert.Contains("admission.k8s.io/v1", await wrongKind.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Refused from the headers, before a byte of the body is read (a client sending it sees the connection close).
        var huge = await RawRequestAsync(setup, $"POST {SubmissionAdmission.Path} HTTP/1.1\r\nHost: webhook\r\nContent-Length: {9 << 20}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413 ", huge, StringComparison.Ordinal);
        Assert.Contains("exceeds the limit of 8388608", huge, StringComparison.Ordinal);
        var chunked = await RawRequestAsync(setup, $"POST {SubmissionAdmission.Path} HTTP/1.1\r\nHost: webhook\r\nTransfer-Encoding: chunked\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 411 ", chunked, StringComparison.Ordinal);
        var garbage = await RawRequestAsync(setup, "hello\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400 ", garbage, StringComparison.Ordinal);

        using var elsewhere = await client.PostAsync($"https://{setup.Operator.Operator.WebhookEndpoint}/other", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Requests_by_verdict_latency_and_the_serving_certificate_are_in_metrics()
    {
        var port = LoopbackPort.Free();
        await using var setup = await WebhookSetup.StartAsync(cp, metricsPort: port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        async Task<PrometheusText> ScrapeAsync() => PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
        double Verdict(PrometheusText scrape, string verdict) => scrape.Value("mailsub_webhook_requests_total", ("verdict", verdict));

        var before = await ScrapeAsync();
        Assert.Equal("counter", before.Types["mailsub_webhook_requests_total"]);
        Assert.Equal("histogram", before.Types["mailsub_webhook_request_duration_seconds"]);
        Assert.Equal("gauge", before.Types["mailsub_webhook_certificate_expiry_timestamp_seconds"]);
        Assert.Equal(["verdict"], before.Of("mailsub_webhook_requests_total").SelectMany(s => s.Labels.Keys).Distinct());
        Assert.Equal(0, Verdict(before, "error"));
        Assert.Equal(0, before.Value("mailsub_webhook_certificate_renewals_total"));
        using (var served = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(setup.Certificates.Directory, "tls.crt"))))
        {
            Assert.Equal(new DateTimeOffset(served.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(), before.Value("mailsub_webhook_certificate_expiry_timestamp_seconds"));
        }

        // One of each: allowed and denied through the API server, a malformed review and malformed HTTP straight to the webhook.
        Assert.Equal(201, (await ApiRequest.PostAsync(setup.Cluster, Cluster.MailSubmissions(setup.Namespace) + "?dryRun=All", Submissions.Modern("counted"))).Status);
        Assert.Equal(422, (await ApiRequest.PostAsync(setup.Cluster, Cluster.MailSubmissions(setup.Namespace), Submissions.HostBitsInCidr("counted"))).Status);
        using var client = setup.Certificates.Client();
        using var junk = await client.PostAsync($"https://{setup.Operator.Operator.WebhookEndpoint}{SubmissionAdmission.Path}", new StringContent("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        Assert.StartsWith("HTTP/1.1 400 ", await RawRequestAsync(setup, "hello\r\n\r\n"), StringComparison.Ordinal);

        var after = await ScrapeAsync();
        // docs/metrics.md lists every family an operator with the webhook serves.
        var documented = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(ControlPlaneFixture.RepositoryRoot, "docs", "metrics.md")), "`([a-z_]+)`")
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.True(after.Types.Keys.All(documented.Contains), "not in docs/metrics.md: " + string.Join(", ", after.Types.Keys.Where(f => !documented.Contains(f))));
        Assert.Equal(Verdict(before, "allowed") + 1, Verdict(after, "allowed"));
        Assert.Equal(Verdict(before, "denied") + 1, Verdict(after, "denied"));
        Assert.Equal(2, Verdict(after, "error"));
        // The handler's three answers are timed (the server's own refusal never reached it), each well under a second.
        var count = after.Value("mailsub_webhook_request_duration_seconds_count") - before.Value("mailsub_webhook_request_duration_seconds_count");
        Assert.Equal(3, count);
        Assert.Equal(after.Value("mailsub_webhook_request_duration_seconds_count"),
            after.Value("mailsub_webhook_request_duration_seconds_bucket", ("le", "1")));

        // New files (cert-manager renewed the Secret the pod mounts): served and counted without a restart.
        var renewed = WebhookCertificateAuthority.Create([], [IPAddress.Loopback], DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(setup.Certificates.Directory, "tls.key"), renewed.Key);
        await File.WriteAllTextAsync(Path.Combine(setup.Certificates.Directory, "tls.crt"), renewed.Certificate);
        using var next = X509Certificate2.CreateFromPem(renewed.Certificate);
        await Eventually.TrueAsync(async () => (after = await ScrapeAsync()).Value("mailsub_webhook_certificate_renewals_total") == 1,
            TimeSpan.FromSeconds(30), () => "the renewal counted");
        Assert.Equal(new DateTimeOffset(next.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(), after.Value("mailsub_webhook_certificate_expiry_timestamp_seconds"));
    }

    [Fact]
    public async Task Webhook_down_refuses_with_Fail_and_admits_with_Ignore()
    {
        await using var setup = await WebhookSetup.StartAsync(cp, webhookPort: LoopbackPort.Free(), waitUntilServing: false);
        var answer = await ApiRequest.PostAsync(setup.Cluster, Cluster.MailSubmissions(setup.Namespace), Submissions.Modern("while-down"));
        Assert.Equal(500, answer.Status);
        Assert.Contains("failed calling webhook", JsonPath.GetString(answer.Body, "message"), StringComparison.Ordinal);
        Assert.Null(await setup.Cluster.SubmissionAsync(setup.Namespace, "while-down"));

        await setup.SetFailurePolicyAsync("Ignore");
        await Eventually.TrueAsync(async () => (await ApiRequest.PostAsync(setup.Cluster, Cluster.MailSubmissions(setup.Namespace) + "?dryRun=All", Submissions.Modern("while-down"))).Status == 201,
            TimeSpan.FromSeconds(30), () => "failurePolicy Ignore in effect");
        Assert.Equal(201, (await ApiRequest.PostAsync(setup.Cluster, Cluster.MailSubmissions(setup.Namespace), Submissions.Modern("while-down"))).Status);
    }

    /// <summary>
    /// A misspelt field: the 1.20 API server drops what the CRD schema does not know before any
    /// webhook sees the object (server-side field validation came in 1.25), so neither can refuse
    /// it; kubectl's own validation against the published schema does, and the test asks kubectl.
    /// </summary>
    private static readonly string[] PrunedByTheApiServer = ["unknown-field.yaml"];

    /// <summary>
    /// Whether a refusal names the field: the webhook names it as the validator does; the CRD
    /// schema, which refuses some files first, names a list item without its index
    /// (spec.auth.users.name), the item (spec.auth.users[2]) or the list (enums), and says
    /// "API version" for apiVersion.
    /// </summary>
    private static bool Names(string message, string expected)
    {
        if (message.Contains(expected, StringComparison.Ordinal) || (expected == "apiVersion" && message.Contains("API version", StringComparison.Ordinal)))
        {
            return true;
        }
        var unindexed = System.Text.RegularExpressions.Regex.Replace(message, @"\[\d+\]", "");
        for (var field = System.Text.RegularExpressions.Regex.Replace(expected, @"\[\d+\]", ""); field.Count(c => c == '.') >= 1; field = field[..field.LastIndexOf('.')])
        {
            if (unindexed.Contains(field + ":", StringComparison.Ordinal) || unindexed.Contains(field + " ", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Bytes written as they are over TLS (what HttpClient would not send), the answer read until the server closes.</summary>
    private static async Task<string> RawRequestAsync(WebhookSetup setup, string request)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(setup.Operator.Operator.WebhookEndpoint!, cts.Token);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "127.0.0.1" }, cts.Token);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);
        using var reader = new StreamReader(tls, Encoding.UTF8);
        return await reader.ReadToEndAsync(cts.Token);
    }

    private static JsonObject? Readable(string text)
    {
        try
        {
            return YamlDocuments.Parse(text).OfType<JsonObject>().ToList() is [var one] ? one : null;
        }
        catch (YamlSyntaxException)
        {
            return null;
        }
    }
}
