using System.Text.Json.Nodes;
using Mailsub.Runtime.Kinds;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

/// <summary>
/// A 409 Conflict from the real kube-apiserver on a status write is retried. The status write
/// carries the resourceVersion it was computed from; the test changes the resource in the moment
/// between the operator's read and its write (a GitOps tool adding a label), so the server itself
/// refuses the write as stale. Nothing is faked: the transport hook only chooses the moment.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class StatusConflictTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task A_409_on_the_status_write_is_retried_with_the_newer_version()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("conflict");
        var path = $"{Cluster.MailSubmissions(ns)}/racy";
        var interloper = new InterleavedWrite(path + "/status", () => cluster.MergePatchAsync(path, new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["gitops.example.com/synced"] = "yes" } },
        }));
        await using var op = await InProcessOperator.StartAsync(cluster.Config, ns, wrapTransport: interloper.Wrap);

        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("racy"));
        var ready = await Scenario.MakeReadyAsync(cluster, ns, "racy");

        Assert.Equal(409, interloper.StatusCodeOfFirstWrite);
        Assert.True(Interlocked.Read(ref op.Operator.State!.StatusConflicts) >= 1, "the conflict was not counted");
        Assert.Equal(0, op.Operator.Controller!.ErrorsTotal); // a conflict is a retry, not a failed reconcile
        Assert.Contains(op.Log.ToString().Split('\n'), line => line.Contains("msg=\"status conflict:", StringComparison.Ordinal) && line.Contains(ns + "/racy", StringComparison.Ordinal));
        Assert.Equal(ready["metadata"]?["generation"]?.ToJsonString(), ready["status"]?["observedGeneration"]?.ToJsonString());
        Assert.Equal("yes", JsonPath.GetString(ready, "metadata", "labels", "gitops.example.com/synced"));
    }

    /// <summary>Runs <c>write</c> just before the first PATCH to <c>path</c> goes out, and notes the server's answer to it.</summary>
    private sealed class InterleavedWrite(string path, Func<Task> write)
    {
        private readonly string _path = path;
        private readonly Func<Task> _write = write;
        private int _fired;

        public int StatusCodeOfFirstWrite { get; private set; }

        public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Handler(this) { InnerHandler = inner };

        private sealed class Handler(InterleavedWrite owner) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var first = request.Method == HttpMethod.Patch && request.RequestUri!.AbsolutePath == owner._path
                    && Interlocked.Exchange(ref owner._fired, 1) == 0;
                if (first)
                {
                    await owner._write();
                }
                var response = await base.SendAsync(request, cancellationToken);
                if (first)
                {
                    owner.StatusCodeOfFirstWrite = (int)response.StatusCode;
                }
                return response;
            }
        }
    }
}
