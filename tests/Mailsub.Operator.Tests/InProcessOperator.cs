using k8s;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator.Tests;

/// <summary>The operator running in the test process, watching one namespace; stopped (gracefully) on dispose.</summary>
internal sealed class InProcessOperator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;

    private InProcessOperator(KubernetesClientConfiguration config, OperatorOptions options, Func<HttpMessageHandler, HttpMessageHandler>? wrapTransport,
        TimeProvider? certificateClock)
    {
        Operator = new SubmissionOperator(config, options, new KeyValueLoggerFactory(TextWriter.Synchronized(Log), LogLevel.Information), wrapTransport, certificateClock);
        _run = Task.Run(() => Operator.RunAsync(_stop.Token));
    }

    public StringWriter Log { get; } = new();

    public SubmissionOperator Operator { get; }

    public static async Task<InProcessOperator> StartAsync(KubernetesClientConfiguration config, string ns, OperatorOptions? options = null,
        Func<HttpMessageHandler, HttpMessageHandler>? wrapTransport = null, TimeProvider? certificateClock = null)
    {
        var op = new InProcessOperator(config, options ?? Defaults(ns), wrapTransport, certificateClock);
        await Eventually.TrueAsync(() => Task.FromResult(op.Operator.State?.HasSynced == true || op._run.IsCompleted),
            TimeSpan.FromSeconds(60), () => "operator caches synced");
        if (op._run.IsCompleted)
        {
            await op._run; // surfaces the failure
        }
        return op;
    }

    /// <summary>One namespace, two workers, no metrics or probe listeners, no live probe (the cluster IPs lead nowhere without a kubelet).</summary>
    public static OperatorOptions Defaults(string ns) => new()
    {
        LiveProbe = false,
        Namespaces = [ns],
        MetricsBindAddress = "0",
        HealthProbeBindAddress = "0",
        Workers = 2,
    };

    public long ChildWrites => Interlocked.Read(ref Operator.State!.Applier.Writes);

    public long StatusWrites => Interlocked.Read(ref Operator.State!.StatusWrites);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(60));
        _stop.Dispose();
    }
}
