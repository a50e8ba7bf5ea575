using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Policy;
using Mailsub.Core.Serialization;
using Mailsub.Operator;
using Mailsub.Runtime.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mailsub.Benchmarks;

/// <summary>
/// The admission webhook's latency against a no-op handler on the same HTTPS server, in one run:
/// one keep-alive TLS connection on loopback (as the API server keeps one), requests alternating
/// between the webhook (the samples and an open relay, which is refused) and a handler that
/// answers a fixed "allowed" with the same body sent; p50 and p99 of each, and their ratio.
/// What the difference is: the AdmissionReview parse, validation, rendering and the policy chain.
/// </summary>
public static class WebhookBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Contains("--quick") ? 200 : 3000;
        var dir = Path.Combine(Path.GetTempPath(), "mailsub-bench-webhook-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            var pems = WebhookCertificateAuthority.Create(["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow);
            File.WriteAllText(Path.Combine(dir, ServingCertificate.CertificateFile), pems.Certificate);
            File.WriteAllText(Path.Combine(dir, ServingCertificate.KeyFile), pems.Key);
            var admission = new SubmissionAdmission((_, _) => ValueTask.FromResult<ExistingCertificate?>(null), NullLogger.Instance);
            var allowed = Encoding.UTF8.GetBytes("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true}}""");
            await using var server = new HttpsServer(new IPEndPoint(IPAddress.Loopback, 0), new ServingCertificate(dir),
                (request, ct) => request.Path == "/noop" ? ValueTask.FromResult(new HttpsResponse(200, allowed)) : admission.HandleAsync(request, ct));
            using var client = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 1,
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // loopback, our own CA
            });
            var bodies = Reviews();
            var webhook = $"https://127.0.0.1:{server.Endpoint.Port}{SubmissionAdmission.Path}";
            var noop = $"https://127.0.0.1:{server.Endpoint.Port}/noop";

            for (var i = 0; i < Math.Max(50, iterations / 10); i++)
            {
                await PostAsync(client, webhook, bodies[i % bodies.Count].Body);
                await PostAsync(client, noop, bodies[i % bodies.Count].Body);
            }
            var times = bodies.ToDictionary(b => b.Name, _ => new List<double>());
            var noopTimes = new List<double>();
            var all = new List<double>();
            for (var i = 0; i < iterations; i++)
            {
                var (name, body) = bodies[i % bodies.Count];
                // Alternate which goes first, so neither always meets a warmer connection.
                if (i % 2 == 0)
                {
                    noopTimes.Add(await PostAsync(client, noop, body));
                }
                var t = await PostAsync(client, webhook, body);
                times[name].Add(t);
                all.Add(t);
                if (i % 2 == 1)
                {
                    noopTimes.Add(await PostAsync(client, noop, body));
                }
            }
            Console.WriteLine($"webhook benchmark: {iterations} AdmissionReviews over one keep-alive TLS connection on loopback, alternating with a no-op handler on the same server; milliseconds");
            Console.WriteLine($"{"handler",-28} {"n",6} {"p50",8} {"p99",8}");
            Row("no-op (fixed allowed)", noopTimes);
            foreach (var (name, list) in times)
            {
                Row("webhook: " + name, list);
            }
            Row("webhook: all", all);
            Console.WriteLine($"ratio webhook/no-op: p50 {Percentile(all, 50) / Percentile(noopTimes, 50):F2}x, p99 {Percentile(all, 99) / Percentile(noopTimes, 99):F2}x");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>AdmissionReview CREATE bodies: the two samples (admitted, seed with warnings) and the modern one as an open relay (refused).</summary>
    private static List<(string Name, byte[] Body)> Reviews()
    {
        var list = new List<(string, byte[])>();
        foreach (var (name, sample, open) in new[] { ("seed (warnings)", "seed", false), ("modern", "modern", false), ("open relay (refused)", "modern", true) })
        {
            var obj = YamlDocuments.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", sample + ".yaml")))
                .OfType<JsonObject>().Single(o => (string?)o["kind"] == "MailSubmission");
            if (open)
            {
                obj["spec"]!["trustedNetworks"] = new JsonArray("0.0.0.0/0");
            }
            var review = new JsonObject
            {
                ["apiVersion"] = "admission.k8s.io/v1",
                ["kind"] = "AdmissionReview",
                ["request"] = new JsonObject { ["uid"] = Guid.NewGuid().ToString(), ["operation"] = "CREATE", ["object"] = obj },
            };
            list.Add((name, Encoding.UTF8.GetBytes(review.ToJsonString())));
        }
        return list;
    }

    private static async Task<double> PostAsync(HttpClient client, string url, byte[] body)
    {
        var watch = Stopwatch.StartNew();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(url, content);
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url}: {(int)response.StatusCode}");
        }
        return watch.Elapsed.TotalMilliseconds;
    }

    private static void Row(string name, List<double> samples) =>
        Console.WriteLine($"{name,-28} {samples.Count,6} {Percentile(samples, 50),8:F3} {Percentile(samples, 99),8:F3}");

    private static double Percentile(List<double> samples, int p)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }
}
