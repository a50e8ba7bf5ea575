using System.Diagnostics;
using Mailsub.EndToEnd.Tests;
using Mailsub.Testing.Postfix;

namespace Mailsub.Benchmarks.EndToEnd;

/// <summary>
/// MailSubmission apply → the first message accepted with 250 through its Service's ClusterIP: the
/// namespace and Secrets exist first (not timed), then the clock runs from the apply through the
/// operator's children, the scheduler, the kubelet, Postfix's start, readiness and kube-proxy's
/// rules, to a client's STARTTLS + AUTH + one message. One attempt every 200 ms, bounded.
/// </summary>
public static class FirstMessage
{
    public const string Password = "first password";

    public static async Task<(Submission Submission, TimeSpan Elapsed, int Attempts)> MeasureAsync(NodeFixture node, string ns, string name, TimeSpan bound)
    {
        await Submission.PrepareAsync(node, ns, name, new Dictionary<string, string> { ["alice-password"] = Password },
            TlsMaterial.SelfSigned("mail.example.com"));
        var watch = Stopwatch.StartNew();
        var submission = await Submission.ApplyAsync(node, ns, name, Submission.Modern(ns, name, node.SinkAddress, replicas: 1));
        for (var attempt = 1; ; attempt++)
        {
            Exception? last = null;
            if (submission.Host.Length > 0 || await submission.TryResolveHostAsync())
            {
                try
                {
                    await MailStream.SendOnceAsync(submission, Password, $"{name}-first");
                    return (submission, watch.Elapsed, attempt);
                }
                catch (Exception e)
                {
                    last = e; // no endpoint yet, Postfix still starting, kube-proxy's rules not yet written
                }
            }
            if (watch.Elapsed > bound)
                throw new TimeoutException($"{ns}/{name}: no message accepted {bound.TotalSeconds:0} s after the apply ({attempt} attempts); last: {last?.Message ?? "no ClusterIP"}");
            await Task.Delay(200);
        }
    }
}
