using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Operator;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Benchmarks.Controller;

/// <summary>
/// `controller --census`: the heap the operator's caches hold for one namespace, kind by kind. Each
/// kind is listed by the operator's own informer (its selector, transform and index, as
/// SubmissionOperator builds them), and the managed heap after a full collection is compared with
/// and without it; then once more after every cached object is read the way a reconcile reads it
/// (metadata, annotations, status), since reading a lazily parsed JSON object expands it.
/// Same object layout as the NativeAOT binary: the runtime's, not the JIT's.
/// </summary>
public static class CacheCensus
{
    public static async Task RunAsync(ApiConnection api, string ns, ApiResource pdb)
    {
        Console.WriteLine($"  census of the operator's caches in {ns} (managed heap after a full GC, bytes):");
        Console.WriteLine($"    {"kind",-22} {"objects",7} {"listed",11} {"per object",10} {"read",11} {"per object",10} {"JSON each",9}");
        long total = 0;
        foreach (var kind in ChildKind.All.Where(k => k.Served == ChildServed.Always).Append(ChildKind.DisruptionBudget))
        {
            var resource = kind == ChildKind.DisruptionBudget ? pdb : kind.Versions[0];
            var informer = new Informer<JsonObject>(api, new JsonObjectKind(resource),
                new InformerOptions { Namespace = ns, LabelSelector = kind.ReadByName ? null : ChildMetadata.SubmissionLabel })
            { Transform = kind.Transform };
            informer.Store.AddIndex(CacheIndexes.BySubmission, CacheIndexes.SubmissionOf);
            total += await MeasureAsync(resource.Plural, informer, objects =>
            {
                foreach (var o in objects)
                {
                    _ = JsonPath.GetString(o, "metadata", "annotations", ChildApplier.ApplyHashAnnotation);
                    _ = JsonPath.GetString(o, "metadata", "resourceVersion");
                    _ = JsonPath.GetInt64(o, "status", "availableReplicas");
                }
            }, o => o.ToJsonString().Length).ConfigureAwait(false);
        }
        var submissions = new Informer<MailSubmission>(api, SubmissionKinds.Submissions, new InformerOptions { Namespace = ns });
        submissions.Store.AddIndex(CacheIndexes.BySecret, CacheIndexes.SecretsOf);
        total += await MeasureAsync("mailsubmissions", submissions, _ => { }, s => SubmissionKinds.Submissions.Write(s).Length).ConfigureAwait(false);
        Console.WriteLine($"    {"all caches",-22} {"",7} {total,11:N0}");
    }

    private static async Task<long> MeasureAsync<T>(string what, Informer<T> informer, Action<IReadOnlyList<T>> read, Func<T, int> jsonLength) where T : class
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await run.ConfigureAwait(false);
        var listed = GC.GetTotalMemory(forceFullCollection: true) - before;
        var objects = informer.Store.List();
        read(objects);
        var afterRead = GC.GetTotalMemory(forceFullCollection: true) - before;
        var n = Math.Max(1, objects.Count);
        var json = objects.Count == 0 ? 0 : objects.Sum(o => (long)jsonLength(o)) / n;
        Console.WriteLine($"    {what,-22} {objects.Count,7} {listed,11:N0} {listed / n,10:N0} {afterRead,11:N0} {afterRead / n,10:N0} {json,9:N0}");
        GC.KeepAlive(informer);
        return afterRead;
    }
}
