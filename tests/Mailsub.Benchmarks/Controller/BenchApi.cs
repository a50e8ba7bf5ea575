using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;

namespace Mailsub.Benchmarks.Controller;

/// <summary>Plain JSON requests to the bench's kube-apiserver, and its request counters.</summary>
public sealed class BenchApi(ApiConnection api) : IDisposable
{
    public ApiConnection Connection { get; } = api;

    public async Task<JsonObject?> SendAsync(HttpMethod method, string path, JsonNode? body, string contentType = "application/json",
        bool allowConflict = false, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, Connection.Resolve(path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }
        using var response = await Connection.SendAsync(request, streaming: false, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (allowConflict && response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return JsonNode.Parse(text) as JsonObject;
    }

    public async Task<JsonObject?> TryGetAsync(string path, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Connection.Resolve(path));
        using var response = await Connection.SendAsync(request, streaming: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)) as JsonObject;
    }

    /// <summary>kube-apiserver's <c>apiserver_request_total</c>, summed by verb, resource and subresource.</summary>
    public async Task<RequestCounts> RequestCountsAsync(CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Connection.Resolve("/metrics"));
        using var response = await Connection.SendCheckedAsync(request, streaming: false, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        return RequestCounts.Parse(text);
    }

    public void Dispose() => Connection.Dispose();
}

/// <summary>Requests the API server has answered, by (verb, resource[/subresource]).</summary>
public sealed class RequestCounts(Dictionary<(string Verb, string Resource), double> counts)
{
    private readonly Dictionary<(string Verb, string Resource), double> _counts = counts;

    /// <summary>Verbs that change nothing; every other verb (POST, PUT, PATCH, APPLY, DELETE...) is a write.</summary>
    private static readonly HashSet<string> ReadVerbs = ["GET", "LIST", "WATCH", "WATCHLIST", "CONNECT"];

    public IReadOnlyDictionary<(string Verb, string Resource), double> Counts => _counts;

    public static RequestCounts Parse(string metrics)
    {
        var counts = new Dictionary<(string, string), double>();
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith("apiserver_request_total{", StringComparison.Ordinal))
            {
                continue;
            }
            var close = line.LastIndexOf('}');
            var labels = Labels(line["apiserver_request_total{".Length..close]);
            var value = double.Parse(line[(close + 1)..].Trim(), CultureInfo.InvariantCulture);
            var resource = labels.GetValueOrDefault("resource") ?? "";
            if (labels.GetValueOrDefault("subresource") is { Length: > 0 } sub)
            {
                resource += "/" + sub;
            }
            var key = (labels.GetValueOrDefault("verb") ?? "", resource);
            counts[key] = counts.GetValueOrDefault(key) + value;
        }
        return new RequestCounts(counts);
    }

    private static Dictionary<string, string> Labels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            var start = eq + 2; // past ="
            var end = text.IndexOf('"', start);
            labels[text[i..eq]] = text[start..end];
            i = end + 2; // past ",
        }
        return labels;
    }

    /// <summary>What happened between <paramref name="before"/> and this, for the given resources only.</summary>
    public RequestCounts Since(RequestCounts before, ISet<string> resources)
    {
        var diff = new Dictionary<(string, string), double>();
        foreach (var (key, value) in _counts)
        {
            var baseResource = key.Resource.Split('/')[0];
            var delta = value - before._counts.GetValueOrDefault(key);
            if (delta > 0 && resources.Contains(baseResource))
            {
                diff[key] = delta;
            }
        }
        return new RequestCounts(diff);
    }

    public double Writes => _counts.Where(c => !ReadVerbs.Contains(c.Key.Verb)).Sum(c => c.Value);

    public double Reads => _counts.Where(c => ReadVerbs.Contains(c.Key.Verb)).Sum(c => c.Value);

    /// <summary>"APPLY configmaps 500, PATCH deployments/status 500, ..." largest first.</summary>
    public string Describe(bool writes, double per = 1) => string.Join(", ", _counts
        .Where(c => ReadVerbs.Contains(c.Key.Verb) != writes)
        .OrderByDescending(c => c.Value).ThenBy(c => c.Key.Resource, StringComparer.Ordinal)
        .Select(c => $"{c.Key.Verb} {c.Key.Resource} {c.Value / per:0.##}"));
}
