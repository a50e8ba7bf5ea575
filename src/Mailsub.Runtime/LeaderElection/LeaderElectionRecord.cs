namespace Mailsub.Runtime.LeaderElection;

/// <summary>
/// The lease's content, as client-go's resourcelock.LeaderElectionRecord: who holds it, for how
/// long, since when, last renewed when, and how many times it changed hands.
/// </summary>
public sealed record LeaderElectionRecord(
    string HolderIdentity,
    int LeaseDurationSeconds,
    DateTimeOffset? AcquireTime,
    DateTimeOffset? RenewTime,
    int LeaderTransitions);

/// <summary>
/// Where the record lives (a Lease). Reads keep the object's resourceVersion, and
/// <see cref="UpdateAsync"/> writes with it, so of two candidates only one can win.
/// </summary>
public interface ILeaseLock
{
    /// <summary>The record, or null when the lease does not exist. Other failures throw.</summary>
    Task<LeaderElectionRecord?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Creates the lease; false if someone else created it first (409).</summary>
    Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the lease as last read; false on a resourceVersion conflict (409): someone else wrote it.</summary>
    Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken);

    /// <summary>For logs: namespace/name.</summary>
    string Describe();
}
