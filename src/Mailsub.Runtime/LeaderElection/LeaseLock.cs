using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.LeaderElection;

/// <summary>
/// A coordination.k8s.io/v1 Lease as the lock, as JSON over the runtime's <see cref="ApiConnection"/>
/// (the typed client, rooted for this alone, added its operations to the binary). Update is a
/// replace of the lease last read, carrying its resourceVersion: a 409 means another candidate
/// wrote first.
/// </summary>
public sealed class LeaseLock(ApiConnection api, string @namespace, string name) : ILeaseLock
{
    private static readonly ApiResource Leases = new("coordination.k8s.io", "v1", "leases", "Lease");

    // Lease times are metav1.MicroTime: RFC 3339 with microseconds.
    private const string MicroTime = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private JsonObject? _lease;

    public async Task<LeaderElectionRecord?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            _lease = await SendAsync(HttpMethod.Get, Leases.ObjectPath(@namespace, name), null, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeNotFoundException)
        {
            _lease = null;
            return null;
        }
        return ToRecord(_lease["spec"] as JsonObject);
    }

    public async Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        var lease = new JsonObject
        {
            ["apiVersion"] = Leases.ApiVersion,
            ["kind"] = Leases.Kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
            ["spec"] = ToSpec(record),
        };
        try
        {
            _lease = await SendAsync(HttpMethod.Post, Leases.CollectionPath(@namespace), lease, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeConflictException)
        {
            return false;
        }
    }

    public async Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        if (_lease is null)
        {
            throw new InvalidOperationException($"Lease {Describe()}: update before a successful read.");
        }
        var lease = new JsonObject
        {
            ["apiVersion"] = Leases.ApiVersion,
            ["kind"] = Leases.Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = @namespace,
                ["resourceVersion"] = JsonPath.GetString(_lease, "metadata", "resourceVersion"),
            },
            ["spec"] = ToSpec(record),
        };
        try
        {
            _lease = await SendAsync(HttpMethod.Put, Leases.ObjectPath(@namespace, name), lease, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeConflictException)
        {
            return false;
        }
    }

    public string Describe() => $"{@namespace}/{name}";

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, api.Resolve(path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        using var response = await api.SendCheckedAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(bytes) as JsonObject
            ?? throw new InvalidOperationException($"{method} {path}: the API server's answer is not a Lease object.");
    }

    private static LeaderElectionRecord ToRecord(JsonObject? spec) => new(
        JsonPath.GetString(spec, "holderIdentity") ?? "",
        (int)(JsonPath.GetInt64(spec, "leaseDurationSeconds") ?? 0),
        Time(JsonPath.GetString(spec, "acquireTime")),
        Time(JsonPath.GetString(spec, "renewTime")),
        (int)(JsonPath.GetInt64(spec, "leaseTransitions") ?? 0));

    private static JsonObject ToSpec(LeaderElectionRecord record) => new()
    {
        ["holderIdentity"] = record.HolderIdentity,
        ["leaseDurationSeconds"] = record.LeaseDurationSeconds,
        ["acquireTime"] = record.AcquireTime?.UtcDateTime.ToString(MicroTime, CultureInfo.InvariantCulture),
        ["renewTime"] = record.RenewTime?.UtcDateTime.ToString(MicroTime, CultureInfo.InvariantCulture),
        ["leaseTransitions"] = record.LeaderTransitions,
    };

    private static DateTimeOffset? Time(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
