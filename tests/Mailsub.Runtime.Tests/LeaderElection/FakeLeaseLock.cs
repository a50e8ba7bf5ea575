using Mailsub.Runtime.LeaderElection;

namespace Mailsub.Runtime.Tests.LeaderElection;

/// <summary>
/// An in-memory lease shared by several candidates, with a version for optimistic concurrency,
/// so tests can run the real election logic against fake time. Can be made to fail like an API
/// server that is down.
/// </summary>
internal sealed class FakeLeaseStore
{
    public readonly Lock Sync = new();
    public LeaderElectionRecord? Record;
    public long Version;
    public bool Down;
    public int Writes;
}

internal sealed class FakeLeaseLock(FakeLeaseStore store) : ILeaseLock
{
    private long _readVersion = -1;

    public Task<LeaderElectionRecord?> GetAsync(CancellationToken cancellationToken)
    {
        lock (store.Sync)
        {
            ThrowIfDown();
            _readVersion = store.Version;
            return Task.FromResult(store.Record);
        }
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        lock (store.Sync)
        {
            ThrowIfDown();
            if (store.Record is not null)
            {
                return Task.FromResult(false);
            }
            Write(record);
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        lock (store.Sync)
        {
            ThrowIfDown();
            if (store.Version != _readVersion)
            {
                return Task.FromResult(false); // 409
            }
            Write(record);
            return Task.FromResult(true);
        }
    }

    public string Describe() => "test/lease";

    private void Write(LeaderElectionRecord record)
    {
        store.Record = record;
        store.Version++;
        store.Writes++;
        _readVersion = store.Version;
    }

    private void ThrowIfDown()
    {
        if (store.Down)
        {
            throw new HttpRequestException("connection refused");
        }
    }
}
