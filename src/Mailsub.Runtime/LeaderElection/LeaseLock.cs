using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mailsub.Runtime.LeaderElection;

/// <summary>
/// A coordination.k8s.io/v1 Lease as the lock, through the typed client. Update is a replace of
/// the lease last read, carrying its resourceVersion: a 409 means another candidate wrote first.
/// </summary>
public sealed class LeaseLock(IKubernetes client, string @namespace, string name) : ILeaseLock
{
    private V1Lease? _lease;

    public async Task<LeaderElectionRecord?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            _lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            _lease = null;
            return null;
        }
        return ToRecord(_lease.Spec);
    }

    public async Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        var lease = new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = ToSpec(record),
        };
        try
        {
            _lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
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
        _lease.Spec = ToSpec(record);
        // Under NativeAOT the client cannot serialize managedFields[].fieldsV1 (an untyped object);
        // a PUT without managedFields keeps the server's.
        _lease.Metadata.ManagedFields = null;
        try
        {
            _lease = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(_lease, name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public string Describe() => $"{@namespace}/{name}";

    internal static LeaderElectionRecord ToRecord(V1LeaseSpec? spec) => new(
        spec?.HolderIdentity ?? "",
        spec?.LeaseDurationSeconds ?? 0,
        spec?.AcquireTime is { } acquired ? new DateTimeOffset(DateTime.SpecifyKind(acquired, DateTimeKind.Utc)) : null,
        spec?.RenewTime is { } renewed ? new DateTimeOffset(DateTime.SpecifyKind(renewed, DateTimeKind.Utc)) : null,
        spec?.LeaseTransitions ?? 0);

    internal static V1LeaseSpec ToSpec(LeaderElectionRecord record) => new()
    {
        HolderIdentity = record.HolderIdentity,
        LeaseDurationSeconds = record.LeaseDurationSeconds,
        AcquireTime = record.AcquireTime?.UtcDateTime,
        RenewTime = record.RenewTime?.UtcDateTime,
        LeaseTransitions = record.LeaderTransitions,
    };
}
