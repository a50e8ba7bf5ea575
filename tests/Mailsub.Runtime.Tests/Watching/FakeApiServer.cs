using System.Net;
using System.Text;
using System.Threading.Channels;
using Mailsub.Runtime.Api;

namespace Mailsub.Runtime.Tests.Watching;

/// <summary>
/// An HTTP handler that plays an API server from a script: each request is answered by the first
/// unused responder whose predicate matches. Watch answers are <see cref="PushStream"/>s the test
/// writes events into. Every request URL is recorded.
/// </summary>
internal sealed class FakeApiServer : HttpMessageHandler
{
    private readonly List<(Func<HttpRequestMessage, bool> Match, Func<HttpRequestMessage, HttpResponseMessage> Respond)> _script = [];
    private readonly Lock _sync = new();

    public List<string> Requests { get; } = [];

    public ApiConnection Connection() => new(new Uri("https://fake.local/"), this);

    public FakeApiServer On(Func<HttpRequestMessage, bool> match, Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        lock (_sync)
        {
            _script.Add((match, respond));
        }
        return this;
    }

    public FakeApiServer OnList(string json) => On(r => !IsWatch(r), _ => Json(HttpStatusCode.OK, json));

    public FakeApiServer OnWatch(PushStream stream) => On(IsWatch, _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) });

    public FakeApiServer OnWatchStatus(HttpStatusCode code, string json) => On(IsWatch, _ => Json(code, json));

    public FakeApiServer OnWatchThrow() => On(IsWatch, _ => throw new HttpRequestException("connection refused"));

    public static bool IsWatch(HttpRequestMessage r) => r.RequestUri!.Query.Contains("watch=1", StringComparison.Ordinal);

    public static HttpResponseMessage Json(HttpStatusCode code, string json) =>
        new(code) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Func<HttpRequestMessage, HttpResponseMessage>? respond = null;
        lock (_sync)
        {
            Requests.Add(request.RequestUri!.PathAndQuery);
            var index = _script.FindIndex(s => s.Match(request));
            if (index >= 0)
            {
                respond = _script[index].Respond;
                _script.RemoveAt(index);
            }
        }
        if (respond is null)
        {
            // Nothing scripted: hang like an idle server until the caller gives up.
            return Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<HttpResponseMessage>(
                _ => throw new OperationCanceledException(cancellationToken), TaskScheduler.Default);
        }
        return Task.FromResult(respond(request));
    }
}

/// <summary>A response body the test writes into, chunk by chunk; <see cref="Complete"/> ends it.</summary>
internal sealed class PushStream : Stream
{
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
    private ReadOnlyMemory<byte> _current;

    public void Write(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));
    public void Line(string json) => Write(json + "\n");
    public void Complete() => _chunks.Writer.TryComplete();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_current.IsEmpty)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }
            _current = await _chunks.Reader.ReadAsync(cancellationToken);
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>One-line JSON for ConfigMaps and their lists and watch events.</summary>
internal static class Json
{
    public static string ConfigMap(string name, string rv, string value = "v", string ns = "ns") =>
        $$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","resourceVersion":"{{{rv}}}","managedFields":[{"manager":"x"}]},"data":{"k":"{{{value}}}"}}""";

    public static string List(string rv, params string[] items) =>
        $$$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"{{{rv}}}"},"items":[{{{string.Join(",", items)}}}]}""";

    public static string Event(string type, string obj) => $$$"""{"type":"{{{type}}}","object":{{{obj}}}}""";

    public static string Bookmark(string rv) => Event("BOOKMARK", $$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"{{{rv}}}"}}""");

    public static string Expired(string rv) =>
        $$$"""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: {{{rv}}} (999)","reason":"Expired","code":410}}""";
}
