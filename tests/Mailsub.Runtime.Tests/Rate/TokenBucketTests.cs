using Mailsub.Runtime.Rate;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.Rate;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AFullBucketAllowsABurstThenSpacesReservationsAtTheRate()
    {
        var bucket = new TokenBucket(10, 100, _time);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        }
        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(200), bucket.Reserve()); // reservations queue up behind each other
        Assert.Equal(TimeSpan.FromMilliseconds(300), bucket.Reserve());
    }

    [Fact]
    public void TokensRefillWithTimeUpToTheBurst()
    {
        var bucket = new TokenBucket(10, 2, _time);
        bucket.Reserve();
        bucket.Reserve();
        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.Reserve()); // in debt by one token

        _time.Advance(TimeSpan.FromMilliseconds(300)); // pays the debt, then refills two (the burst)
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.Reserve());

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.NotEqual(TimeSpan.Zero, bucket.Reserve()); // never more than the burst
    }
}
