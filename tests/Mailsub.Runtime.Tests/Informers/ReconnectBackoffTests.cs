using Mailsub.Runtime.Informers;

namespace Mailsub.Runtime.Tests.Informers;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void DoublesWithJitterUpToTheCapAndResets()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(30), jitter: 0.5, new Random(7));
        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Next()).ToList();

        for (var i = 0; i < 5; i++)
        {
            var step = 800 * Math.Pow(2, i);
            Assert.InRange(delays[i].TotalMilliseconds, step, step * 1.5);
        }
        Assert.All(delays.Skip(6), d => Assert.InRange(d, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)));
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 800, 1200);
    }
}
