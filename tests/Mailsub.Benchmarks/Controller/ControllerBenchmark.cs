using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using Mailsub.Core.Builders;
using Mailsub.Core.Serialization;
using Mailsub.Operator;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mailsub.Benchmarks.Controller;

/// <summary>
/// `make bench-controller`: the NativeAOT operator (bin/mailsub run) against a real
/// kube-apiserver 1.20, beside a floor measured on the same API server in the same run.
/// <list type="bullet">
/// <item>Convergence: N MailSubmissions, created before the operator starts, from its spawn until the
/// bench's watch has seen every one Ready. The floor is a bare loop that server-side applies the
/// same pre-rendered children (the core's builders, stamped as ChildApplier stamps them) and the
/// same final status, patches each Deployment's status as the stand-in kubelet does in the
/// operator phase, and records the same Ready Event, with as many concurrent workers as the
/// operator has (--workers). Each phase gets a fresh namespace; with --rounds the order alternates.</item>
/// <item>Idle writes: once the operator's queue is empty after convergence, a quiet period in which
/// the bench's watches count every change of the MailSubmissions, their child kinds and Events,
/// the API server's apiserver_request_total counts mutating requests on those resources, and the
/// operator's /metrics counts its writes and reconciles.</item>
/// <item>Memory: the operator's VmRSS once its queue is empty after convergence and again after the
/// quiet period, and VmHWM (peak), from /proc; VmRSS with one resource.</item>
/// <item>Startup: spawn to the first "reconciled" log line, with N resources and with one.</item>
/// <item>Writes per resource until all Ready, against the floor's.</item>
/// </list>
/// Each figure is printed beside its goal (issue 14). With --scale 100,500,2000 it runs the operator
/// and the floor at each size instead and prints the cost curve: RSS, VmHWM, convergence against the
/// floor, startup and API requests per resource, and the memory each further resource adds.
/// No kube-controller-manager runs (its Deployment controller would overwrite the stand-in's
/// status and create 2N Pods); nothing else writes to the bench namespaces.
/// </summary>
public static class ControllerBenchmark
{
    // The goals of issue 14, for 500 resources on this 2-core machine.
    private const double ConvergenceGoal = 1.15, MemoryGoalMiB = 48, MemoryOneGoalMiB = 32, StartupGoalSeconds = 0.3;

    /// <summary>The resources whose requests and changes are counted.</summary>
    private static readonly HashSet<string> Counted =
        ["mailsubmissions", "configmaps", "secrets", "deployments", "services", "poddisruptionbudgets", "events"];

    private sealed record Settings(int Count, int Rounds, int Workers, double QuietSeconds, string Exe, string Only, IReadOnlyList<int> Scale, bool Census);

    private sealed record OperatorPhase(double Convergence, double FirstReconcile, double FirstReconcileBegan, double Discovered, double CachesSynced, double Settle,
        double Rss, double RssIdle, double Peak, RequestCounts Requests, double Reconciles, IReadOnlyDictionary<string, long> IdleChanges,
        RequestCounts IdleRequests, double IdleOperatorWrites, double IdleReconciles, RequestCounts SettleRequests);

    private sealed record FloorPhase(double Convergence, RequestCounts Requests);

    private sealed record StartupPhase(double FirstReconcile, double FirstReconcileBegan, double Discovered, double CachesSynced, double Rss);

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var settings = new Settings(
            Count: (int)Option(args, "--count", quick ? 50 : 500),
            Rounds: (int)Option(args, "--rounds", 1),
            Workers: (int)Option(args, "--workers", 2),
            QuietSeconds: Option(args, "--quiet", quick ? 5 : 20),
            Exe: Text(args, "--bin") ?? Path.Combine(RepositoryRoot.Path, "bin", "mailsub"),
            Only: Text(args, "--only") ?? "operator,floor,startup",
            Scale: Text(args, "--scale")?.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray() ?? [],
            Census: args.Contains("--census"));
        if (!File.Exists(settings.Exe))
        {
            Console.Error.WriteLine($"controller benchmark: {settings.Exe} is missing: run make build");
            return 2;
        }

        Console.WriteLine($"controller benchmark: {settings.Count} MailSubmissions, {settings.Rounds} round(s), operator --workers {settings.Workers} " +
            $"and floor concurrency {settings.Workers}, quiet period {settings.QuietSeconds:0} s; {Environment.ProcessorCount} cores, load {LoadAverage()}");
        Console.WriteLine("starting kube-apiserver 1.20 and etcd (no kube-controller-manager: the bench plays the kubelet on Deployment status) ...");
        var controlPlane = await StartControlPlaneAsync().ConfigureAwait(false);
        try
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(controlPlane.KubeconfigPath);
            using var api = new BenchApi(ApiConnection.FromConfig(config));
            await InstallCrdAsync(api).ConfigureAwait(false);
            var pdb = await new ApiDiscovery(api.Connection).FirstServedAsync(
                [WellKnownResources.PodDisruptionBudgetsV1, WellKnownResources.PodDisruptionBudgetsV1Beta1], CancellationToken.None).ConfigureAwait(false)
                ?? throw new InvalidOperationException("no PodDisruptionBudget version served");
            var build = new BuildOptions(BuildOptions.DefaultPostfixImage,
                pdb == WellKnownResources.PodDisruptionBudgetsV1Beta1 ? DisruptionBudgetApiVersion.V1Beta1 : DisruptionBudgetApiVersion.V1);

            if (settings.Scale.Count > 0)
            {
                await RunScaleAsync(api, controlPlane.KubeconfigPath, pdb, build, settings).ConfigureAwait(false);
                return 0;
            }
            var operators = new List<OperatorPhase>();
            var floors = new List<FloorPhase>();
            var startups = new List<StartupPhase>();
            for (var round = 0; round < settings.Rounds; round++)
            {
                var operatorFirst = round % 2 == 0;
                Console.WriteLine($"round {round + 1} of {settings.Rounds} ({(operatorFirst ? "operator, then floor" : "floor, then operator")})");
                for (var step = 0; step < 2; step++)
                {
                    if ((step == 0) == operatorFirst)
                    {
                        if (!settings.Only.Contains("operator", StringComparison.Ordinal))
                        {
                            continue;
                        }
                        operators.Add(await RunOperatorAsync(api, controlPlane.KubeconfigPath, pdb, settings).ConfigureAwait(false));
                    }
                    else if (settings.Only.Contains("floor", StringComparison.Ordinal))
                    {
                        floors.Add(await RunFloorAsync(api, pdb, build, settings).ConfigureAwait(false));
                    }
                }
                if (settings.Only.Contains("startup", StringComparison.Ordinal))
                {
                    startups.Add(await RunStartupAsync(api, controlPlane.KubeconfigPath, pdb, settings).ConfigureAwait(false));
                }
            }
            if (operators.Count > 0 && floors.Count > 0 && startups.Count > 0)
            {
                Report(settings, operators, floors, startups);
            }
            return 0;
        }
        finally
        {
            await controlPlane.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The fixture's control plane from a folder holding only etcd and kube-apiserver, so start.sh runs no controller-manager.</summary>
    private static async Task<ControlPlaneFixture> StartControlPlaneAsync()
    {
        var source = ControlPlaneFixture.BinaryDirectory();
        var bin = Directory.CreateTempSubdirectory("mailsub-bench-bin-").FullName;
        foreach (var binary in new[] { "etcd", "kube-apiserver" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, binary), Path.Combine(source, binary));
        }
        Environment.SetEnvironmentVariable("MAILSUB_CP_BIN_DIR", bin);
        var controlPlane = new ControlPlaneFixture();
        try
        {
            await controlPlane.InitializeAsync().ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(bin, recursive: true); // start.sh has started them; the links are no longer needed
        }
        Console.WriteLine($"  control plane ready in {controlPlane.LastStartDuration.TotalSeconds:0.0} s");
        return controlPlane;
    }

    private static async Task InstallCrdAsync(BenchApi api)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "crds"), "*.yaml"))
        {
            foreach (var doc in YamlDocuments.Parse(await File.ReadAllTextAsync(file).ConfigureAwait(false)))
            {
                if (doc is JsonObject crd)
                {
                    await api.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, allowConflict: true).ConfigureAwait(false);
                }
            }
        }
        var deadline = Stopwatch.StartNew();
        while (await api.TryGetAsync(SubmissionKinds.SubmissionResource.CollectionPath(null)).ConfigureAwait(false) is null)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the MailSubmission CRD is not served after 60 s");
            }
            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    private static async Task<OperatorPhase> RunOperatorAsync(BenchApi api, string kubeconfig, ApiResource pdb, Settings settings)
    {
        var ns = await Workload.CreateNamespaceAsync(api, "bench-op").ConfigureAwait(false);
        Console.WriteLine($"  operator: creating {settings.Count} MailSubmissions in {ns} ...");
        await Workload.CreateAsync(api, ns, settings.Count, CancellationToken.None).ConfigureAwait(false);
        await using var kubelet = new StandInKubelet(api, settings.Workers);
        await using var watch = new NamespaceWatch(api.Connection, ns, settings.Count, pdb, kubelet);
        await watch.StartAsync(CancellationToken.None).ConfigureAwait(false);

        var before = await api.RequestCountsAsync().ConfigureAwait(false);
        await using var op = OperatorUnderTest.Start(settings.Exe, kubeconfig, ns, settings.Workers, watch.Clock);
        Console.WriteLine($"  operator: spawned {settings.Exe} run --namespace {ns} --workers {settings.Workers}; log in {op.LogPath} ...");
        await WaitConvergedAsync(watch, settings.Count, () => op.HasExited ? "the operator exited:\n" + op.Tail() : null,
            () => op.Tail(10)).ConfigureAwait(false);
        var convergence = watch.LastReadySeconds;
        var requests = (await api.RequestCountsAsync().ConfigureAwait(false)).Since(before, Counted);
        var atConvergence = await op.MetricsAsync().ConfigureAwait(false);
        Console.WriteLine($"  operator: {settings.Count} Ready in {convergence:0.00} s (first reconcile at {await op.FirstReconcile.ConfigureAwait(false):0.000} s); " +
            $"{atConvergence.GetValueOrDefault("controller_runtime_reconcile_total"):0} reconciles, {requests.Writes:0} writes");

        // Quiet period: from the moment the queue is empty, nothing should be written.
        var settle = await op.WaitIdleAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
        var settleRequests = (await api.RequestCountsAsync().ConfigureAwait(false)).Since(before, Counted);
        var (rss, _) = op.Memory();
        var apiBefore = await api.RequestCountsAsync().ConfigureAwait(false);
        var opBefore = await op.MetricsAsync().ConfigureAwait(false);
        Console.WriteLine($"  operator: queue empty {settle:0.0} s later; quiet period of {settings.QuietSeconds:0} s ...");
        watch.OpenWindow();
        await Task.Delay(TimeSpan.FromSeconds(settings.QuietSeconds)).ConfigureAwait(false);
        var changes = watch.CloseWindow();
        var idleRequests = (await api.RequestCountsAsync().ConfigureAwait(false)).Since(apiBefore, Counted);
        var opAfter = await op.MetricsAsync().ConfigureAwait(false);
        var (rssAfter, peak) = op.Memory();
        double Delta(string metric) => opAfter.GetValueOrDefault(metric) - opBefore.GetValueOrDefault(metric);
        var result = new OperatorPhase(convergence, await op.FirstReconcile.ConfigureAwait(false), op.FirstReconcileBegan, op.Discovered, await op.CachesSynced.ConfigureAwait(false),
            settle, rss, rssAfter, peak, requests, atConvergence.GetValueOrDefault("controller_runtime_reconcile_total"), changes,
            idleRequests, Delta("mailsub_child_writes_total") + Delta("mailsub_status_writes_total"), Delta("controller_runtime_reconcile_total"),
            settleRequests);
        Console.WriteLine($"  operator: idle {changes.Values.Sum()} changes seen, {idleRequests.Writes:0} API writes, " +
            $"{result.IdleOperatorWrites:0} operator writes, {result.IdleReconciles:0} reconciles; RSS {result.Rss:0.0} MiB converged, {result.RssIdle:0.0} MiB idle, peak {peak:0.0} MiB");
        // What the idle VmRSS is made of (docs/performance.md): the GC heap as the runtime counts it beside the mappings.
        Console.WriteLine($"  operator: idle memory: GC heap {opAfter.GetValueOrDefault("dotnet_total_memory_bytes") / (1 << 20):0.0} MiB; {MemoryMap.Read(op.Id).Describe()}");
        if (settings.Census)
        {
            await CacheCensus.RunAsync(api.Connection, ns, pdb).ConfigureAwait(false);
        }
        return result;
    }

    private static async Task<FloorPhase> RunFloorAsync(BenchApi api, ApiResource pdb, BuildOptions build, Settings settings)
    {
        var ns = await Workload.CreateNamespaceAsync(api, "bench-floor").ConfigureAwait(false);
        Console.WriteLine($"  floor: creating {settings.Count} MailSubmissions in {ns}, pre-rendering their children and status ...");
        await Workload.CreateAsync(api, ns, settings.Count, CancellationToken.None).ConfigureAwait(false);
        var items = await Workload.PrerenderAsync(api, ns, build, CancellationToken.None).ConfigureAwait(false);
        await using var watch = new NamespaceWatch(api.Connection, ns, settings.Count, pdb, kubelet: null);
        await watch.StartAsync(CancellationToken.None).ConfigureAwait(false);

        var apply = new ServerSideApply(api.Connection);
        var events = new EventRecorder(api.Connection, "mailsub-operator", NullLogger.Instance);
        var work = Channel.CreateUnbounded<FloorItem>();
        foreach (var item in items)
        {
            work.Writer.TryWrite(item);
        }
        work.Writer.Complete();
        var before = await api.RequestCountsAsync().ConfigureAwait(false);
        Console.WriteLine($"  floor: applying with {settings.Workers} concurrent workers ...");
        watch.Clock.Restart();
        var workers = Enumerable.Range(0, settings.Workers).Select(_ => Task.Run(async () =>
        {
            await foreach (var item in work.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                string? deployment = null;
                long generation = 0, replicas = 0;
                foreach (var (resource, body) in item.Children)
                {
                    var result = await apply.ApplyAsync(new JsonObjectKind(resource), body, CancellationToken.None).ConfigureAwait(false);
                    if (resource == WellKnownResources.Deployments)
                    {
                        deployment = JsonPath.GetString(result, "metadata", "name");
                        generation = JsonPath.GetInt64(result, "metadata", "generation") ?? 1;
                        replicas = JsonPath.GetInt64(result, "spec", "replicas") ?? 1;
                    }
                }
                await StandInKubelet.PatchAsync(api, item.Submission.Metadata.NamespaceProperty!, deployment!, generation, replicas, CancellationToken.None).ConfigureAwait(false);
                await apply.ApplyStatusAsync(SubmissionKinds.SubmissionsJson, item.Status, CancellationToken.None).ConfigureAwait(false);
                var message = JsonPath.GetString(((JsonArray)item.Status["status"]!["conditions"]!)[0], "message")!;
                await events.RecordAsync(item.Submission, "Normal", "Ready", message, CancellationToken.None).ConfigureAwait(false);
            }
        })).ToArray();
        await WaitConvergedAsync(watch, settings.Count, () => workers.FirstOrDefault(w => w.IsFaulted)?.Exception?.ToString(), () => "").ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);
        var convergence = watch.LastReadySeconds;
        var requests = (await api.RequestCountsAsync().ConfigureAwait(false)).Since(before, Counted);
        Console.WriteLine($"  floor: {settings.Count} Ready in {convergence:0.00} s; {requests.Writes:0} writes");
        return new FloorPhase(convergence, requests);
    }

    private static async Task<StartupPhase> RunStartupAsync(BenchApi api, string kubeconfig, ApiResource pdb, Settings settings)
    {
        var ns = await Workload.CreateNamespaceAsync(api, "bench-one").ConfigureAwait(false);
        await Workload.CreateAsync(api, ns, 1, CancellationToken.None).ConfigureAwait(false);
        await using var kubelet = new StandInKubelet(api, 1);
        await using var watch = new NamespaceWatch(api.Connection, ns, 1, pdb, kubelet);
        await watch.StartAsync(CancellationToken.None).ConfigureAwait(false);
        await using var op = OperatorUnderTest.Start(settings.Exe, kubeconfig, ns, settings.Workers, watch.Clock);
        await WaitConvergedAsync(watch, 1, () => op.HasExited ? "the operator exited:\n" + op.Tail() : null, () => op.Tail(10)).ConfigureAwait(false);
        var result = new StartupPhase(await op.FirstReconcile.ConfigureAwait(false), op.FirstReconcileBegan, op.Discovered,
            await op.CachesSynced.ConfigureAwait(false), op.Memory().Rss);
        Console.WriteLine($"  one resource: first reconcile {result.FirstReconcile:0.000} s after spawn (caches synced {result.CachesSynced:0.000} s), " +
            $"Ready at {watch.LastReadySeconds:0.00} s, RSS {result.Rss:0.0} MiB");
        return result;
    }

    /// <summary>Waits for every MailSubmission to be Ready, printing progress every 10 s; fails after 15 min or when <paramref name="failed"/> says why.</summary>
    private static async Task WaitConvergedAsync(NamespaceWatch watch, int count, Func<string?> failed, Func<string> context)
    {
        var limit = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        while (!watch.AllReady.IsCompleted)
        {
            await Task.WhenAny(watch.AllReady, Task.Delay(250)).ConfigureAwait(false);
            if (failed() is { } why)
            {
                throw new InvalidOperationException(why);
            }
            if (limit.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new TimeoutException($"{watch.ReadyCount} of {count} Ready after 15 min\n{context()}");
            }
            if (limit.Elapsed - lastProgress >= TimeSpan.FromSeconds(10))
            {
                lastProgress = limit.Elapsed;
                Console.WriteLine($"    {watch.ReadyCount} of {count} Ready after {watch.Clock.Elapsed.TotalSeconds:0} s");
            }
        }
    }

    private static void Report(Settings settings, List<OperatorPhase> operators, List<FloorPhase> floors, List<StartupPhase> startups)
    {
        var rounds = operators.Count;
        var ratio = Median(operators.Zip(floors, (o, f) => o.Convergence / f.Convergence));
        var idleChanges = operators.Max(o => o.IdleChanges.Values.Sum());
        var idleApiWrites = operators.Max(o => o.IdleRequests.Writes);
        var idleOperatorWrites = operators.Max(o => o.IdleOperatorWrites);
        var rss = Median(operators.Select(o => o.Rss));
        var rssIdle = Median(operators.Select(o => o.RssIdle));
        var peak = Median(operators.Select(o => o.Peak));
        var rssOne = Median(startups.Select(s => s.Rss));
        var startupMany = Median(operators.Select(o => o.FirstReconcileBegan));
        var startupOne = Median(startups.Select(s => s.FirstReconcileBegan));
        var writesOperator = Median(operators.Select(o => o.Requests.Writes / settings.Count));
        var writesFloor = Median(floors.Select(f => f.Requests.Writes / settings.Count));
        string Verdict(bool pass) => pass ? "PASS" : "MISS";
        string Of(int n) => rounds > 1 ? $"median of {n}" : "";
        string Worst() => rounds > 1 ? "worst round" : "";
        string OfWorst(double worst) => rounds > 1 ? $"median of {rounds}, worst {worst:0.0}" : "";

        Console.WriteLine();
        Console.WriteLine($"controller benchmark: {settings.Count} MailSubmissions, operator --workers {settings.Workers}, floor {settings.Workers} workers, " +
            $"{rounds} round(s), quiet {settings.QuietSeconds:0} s; load {LoadAverage()}");
        Console.WriteLine($"{"figure",-50} {"operator",10} {"floor",8} {"ratio",7} {"goal",10}  verdict");
        void Row(string figure, double value, string format, string goal, bool pass, string note, double floor = double.NaN, double ratio = double.NaN) =>
            Console.WriteLine($"{figure,-50} {value.ToString(format, CultureInfo.InvariantCulture),10} " +
                $"{(double.IsNaN(floor) ? "" : floor.ToString("0.00", CultureInfo.InvariantCulture)),8} " +
                $"{(double.IsNaN(ratio) ? "" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x"),7} {goal,10}  {Verdict(pass)} {note}");
        Row($"memory: VmRSS at {settings.Count}, queue empty (MiB)", rss, "0.0", $"<= {MemoryGoalMiB}", rss <= MemoryGoalMiB, OfWorst(operators.Max(o => o.Rss)));
        Row($"memory: VmRSS at {settings.Count}, after {settings.QuietSeconds:0} s idle (MiB)", rssIdle, "0.0", $"<= {MemoryGoalMiB}", rssIdle <= MemoryGoalMiB, OfWorst(operators.Max(o => o.RssIdle)));
        Row("memory: VmHWM, the peak (MiB)", peak, "0.0", "", true, "(no goal) " + OfWorst(operators.Max(o => o.Peak)));
        Row("memory: VmRSS with 1 resource (MiB)", rssOne, "0.0", $"<= {MemoryOneGoalMiB}", rssOne <= MemoryOneGoalMiB, OfWorst(startups.Max(s => s.Rss)));
        Row($"startup: spawn to first reconcile, {settings.Count} (s)", startupMany, "0.000", $"<= {StartupGoalSeconds}", startupMany <= StartupGoalSeconds, Of(rounds));
        Row("startup: spawn to first reconcile, 1 (s)", startupOne, "0.000", "", true, "(no goal) " + Of(rounds));
        Row("convergence: spawn to all Ready (s)", Median(operators.Select(o => o.Convergence)), "0.00", $"<= {ConvergenceGoal}x", ratio <= ConvergenceGoal, Of(rounds),
            Median(floors.Select(f => f.Convergence)), ratio);
        Row("writes per resource until all Ready", writesOperator, "0.00", "<= floor", writesOperator <= writesFloor, Of(rounds), writesFloor, writesOperator / writesFloor);
        Row("idle writes: changes seen by watches", idleChanges, "0", "0", idleChanges == 0, Worst());
        Row("idle writes: API server mutating requests", idleApiWrites, "0", "0", idleApiWrites == 0, Worst());
        Row("idle writes: operator's own counters", idleOperatorWrites, "0", "0", idleOperatorWrites == 0, Worst());

        Console.WriteLine();
        Console.WriteLine("detail (last round)");
        var o = operators[^1];
        var f = floors[^1];
        var s = startups[^1];
        var n = (double)settings.Count;
        Console.WriteLine($"  startup, seconds after spawn: with {settings.Count}: discovery done {o.Discovered:0.000}, caches synced {o.CachesSynced:0.000}, " +
            $"first reconcile began {o.FirstReconcileBegan:0.000}, ended {o.FirstReconcile:0.000}; with 1: discovery done {s.Discovered:0.000}, " +
            $"caches synced {s.CachesSynced:0.000}, first reconcile began {s.FirstReconcileBegan:0.000}, ended {s.FirstReconcile:0.000} (RSS {s.Rss:0.0} MiB)");
        Console.WriteLine($"  operator: {o.Reconciles / n:0.00} reconciles per resource until all Ready; queue empty {o.Settle:0.0} s after the last Ready");
        Console.WriteLine($"  writes per resource until all Ready: operator {o.Requests.Writes / n:0.00}, floor {f.Requests.Writes / n:0.00} " +
            $"(operator until its queue was empty: {o.SettleRequests.Writes / n:0.00})");
        Console.WriteLine($"    operator: {o.Requests.Describe(writes: true, n)}");
        Console.WriteLine($"    floor:    {f.Requests.Describe(writes: true, n)}");
        Console.WriteLine($"  reads per resource (GET, LIST; the bench's own watches included): operator {o.Requests.Reads / n:0.00}, floor {f.Requests.Reads / n:0.00}");
        Console.WriteLine($"    operator: {o.Requests.Describe(writes: false, n)}");
        if (o.IdleChanges.Count > 0 || o.IdleRequests.Writes > 0)
        {
            Console.WriteLine($"  idle: changes {string.Join(", ", o.IdleChanges.Select(c => $"{c.Key} {c.Value}"))}; requests {o.IdleRequests.Describe(writes: true)}; " +
                $"operator reconciles {o.IdleReconciles:0}");
        }
        if (rounds > 1)
        {
            Console.WriteLine($"  convergence by round (operator/floor s): {string.Join(", ", operators.Zip(floors, (a, b) => $"{a.Convergence:0.00}/{b.Convergence:0.00}"))}");
        }
    }

    /// <summary>
    /// The cost curve: at each size of --scale, the operator and the floor (--rounds of each,
    /// alternating), then one table of how memory, convergence, startup and requests grow.
    /// </summary>
    private static async Task RunScaleAsync(BenchApi api, string kubeconfig, ApiResource pdb, BuildOptions build, Settings settings)
    {
        var curve = new List<(int Count, List<OperatorPhase> Operators, List<FloorPhase> Floors)>();
        foreach (var count in settings.Scale)
        {
            var at = settings with { Count = count };
            var operators = new List<OperatorPhase>();
            var floors = new List<FloorPhase>();
            for (var round = 0; round < settings.Rounds; round++)
            {
                Console.WriteLine($"scale {count}: round {round + 1} of {settings.Rounds}");
                if (round % 2 == 0)
                {
                    operators.Add(await RunOperatorAsync(api, kubeconfig, pdb, at).ConfigureAwait(false));
                    floors.Add(await RunFloorAsync(api, pdb, build, at).ConfigureAwait(false));
                }
                else
                {
                    floors.Add(await RunFloorAsync(api, pdb, build, at).ConfigureAwait(false));
                    operators.Add(await RunOperatorAsync(api, kubeconfig, pdb, at).ConfigureAwait(false));
                }
            }
            curve.Add((count, operators, floors));
        }

        Console.WriteLine();
        Console.WriteLine($"cost curve: operator --workers {settings.Workers}, {settings.Rounds} round(s) per size (medians), quiet {settings.QuietSeconds:0} s; load {LoadAverage()}");
        Console.WriteLine($"{"resources",9} {"RSS MiB",8} {"idle MiB",8} {"VmHWM",8} {"KiB/res",8} {"conv s",8} {"floor s",8} {"ratio",6} {"startup",8} {"req/res",8} {"writes/res",10}");
        double? previousRss = null;
        var previousCount = 0;
        foreach (var (count, operators, floors) in curve)
        {
            var rss = Median(operators.Select(o => o.RssIdle));
            var perResource = previousRss is { } p ? (rss - p) * 1024 / (count - previousCount) : double.NaN;
            var convergence = Median(operators.Select(o => o.Convergence));
            var floor = Median(floors.Select(f => f.Convergence));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,9} {Median(operators.Select(o => o.Rss)),8:0.0} {rss,8:0.0} {Median(operators.Select(o => o.Peak)),8:0.0} {perResource,8:0.0} " +
                $"{convergence,8:0.00} {floor,8:0.00} {convergence / floor,5:0.00}x {Median(operators.Select(o => o.FirstReconcileBegan)),8:0.000} " +
                $"{Median(operators.Select(o => (o.Requests.Reads + o.Requests.Writes) / count)),8:0.00} {Median(operators.Select(o => o.Requests.Writes / count)),10:0.00}"));
            previousRss = rss;
            previousCount = count;
        }
        Console.WriteLine("  KiB/res: idle VmRSS added per resource since the previous size; req/res: API requests (the bench's own watches included) per resource until all Ready");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && double.TryParse(args[at + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value : fallback;
    }

    private static string? Text(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
