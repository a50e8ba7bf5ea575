using System.Globalization;
using System.Text;

namespace Mailsub.Runtime.Webhooks;

/// <summary>
/// HTTP/1.1 on one connection: a request read whole within the limits, a response written. What
/// it does not read (chunked bodies, oversized heads or bodies, a broken request line) becomes a
/// 4xx naming the reason, after which the server closes the connection.
/// </summary>
internal sealed class HttpConnection(Stream stream, HttpsServerLimits limits)
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    internal readonly record struct ReadResult(bool Closed, HttpsRequest Request, bool KeepAlive, HttpsResponse? Error);

    public async Task<ReadResult> ReadRequestAsync(CancellationToken stop)
    {
        if (_start == _end)
        {
            // Between requests a connection may idle; once the first byte is in, the request has its own deadline.
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
            idle.CancelAfter(limits.IdleTimeout);
            if (!await FillAsync(idle.Token).ConfigureAwait(false))
            {
                return new ReadResult(true, default, false, null);
            }
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(limits.RequestTimeout);
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf(HeadEnd)) < 0)
        {
            if (_end - _start >= limits.MaxHeaderBytes)
            {
                return Refused(431, $"request line and headers exceed {limits.MaxHeaderBytes} bytes");
            }
            if (!await FillAsync(deadline.Token).ConfigureAwait(false))
            {
                return new ReadResult(true, default, false, null);
            }
        }
        var head = Encoding.Latin1.GetString(_buffer, _start, headEnd);
        _start += headEnd + HeadEnd.Length;
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !requestLine[1].StartsWith('/'))
        {
            return Refused(400, "expected a request line \"METHOD /path HTTP/1.1\"");
        }
        long? length = null;
        var keepAlive = requestLine[2] == "HTTP/1.1";
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon <= 0)
            {
                return Refused(400, $"header line {i} has no name");
            }
            var name = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (length is not null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    return Refused(400, "Content-Length must be given once, as a number");
                }
                length = parsed;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                return Refused(411, "chunked bodies are not read: send Content-Length");
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Equals("close", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = false;
            }
        }
        if (length > limits.MaxBodyBytes)
        {
            return Refused(413, $"the body of {length} bytes exceeds the limit of {limits.MaxBodyBytes}");
        }
        var body = new byte[(int)(length ?? 0)];
        var have = Math.Min(body.Length, _end - _start);
        _buffer.AsSpan(_start, have).CopyTo(body);
        _start += have;
        for (var read = have; read < body.Length;)
        {
            var n = await stream.ReadAsync(body.AsMemory(read), deadline.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return new ReadResult(true, default, false, null); // the peer stopped mid-body
            }
            read += n;
        }
        return new ReadResult(false, new HttpsRequest(requestLine[0], requestLine[1], body), keepAlive, null);
    }

    public async Task WriteResponseAsync(HttpsResponse response, bool keepAlive, CancellationToken stop)
    {
        var head = $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {response.Body.Length}\r\n"
            + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(limits.RequestTimeout);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), deadline.Token).ConfigureAwait(false);
        await stream.WriteAsync(response.Body, deadline.Token).ConfigureAwait(false);
        await stream.FlushAsync(deadline.Token).ConfigureAwait(false);
    }

    private static ReadResult Refused(int status, string reason) => new(false, default, false, HttpsResponse.Text(status, reason));

    /// <summary>Reads more into the buffer (compacting or growing it up to the head limit); false at end of stream.</summary>
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, limits.MaxHeaderBytes + HeadEnd.Length));
            }
        }
        var n = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        _ => status < 500 ? "Client Error" : "Server Error",
    };
}
