using System.Text;

namespace Mailsub.Postfix.Tests;

public class SmtpReplyReaderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_multi_line_reply_split_across_reads_is_one_reply_and_the_pipelined_next_waits_in_the_buffer()
    {
        var seen = new List<string>();
        var reader = new SmtpReplyReader { LineRead = seen.Add };
        var stream = new ChunkStream("250-mail.example.com\r\n250-PIPEL", "INING\r\n250 8BITMIME\r\n354 go ahead\r\n");
        using var ct = new CancellationTokenSource(Bound);

        var ehlo = await reader.ReadAsync(stream, ct.Token);
        var data = await reader.ReadAsync(stream, ct.Token);

        Assert.Equal(250, ehlo.Code);
        Assert.Equal(["mail.example.com", "PIPELINING", "8BITMIME"], ehlo.Lines);
        Assert.Equal(354, data.Code);
        Assert.Equal(["go ahead"], data.Lines);
        Assert.Equal(["250-mail.example.com", "250-PIPELINING", "250 8BITMIME", "354 go ahead"], seen);
    }

    [Fact]
    public async Task A_bare_code_and_LF_only_lines_are_replies()
    {
        using var ct = new CancellationTokenSource(Bound);
        var reply = await new SmtpReplyReader().ReadAsync(new ChunkStream("220\n"), ct.Token);

        Assert.Equal(220, reply.Code);
        Assert.Equal([""], reply.Lines);
    }

    [Fact]
    public async Task An_over_long_line_is_refused()
    {
        using var ct = new CancellationTokenSource(Bound);
        var reader = new SmtpReplyReader(maxLineBytes: 64);

        var e = await Assert.ThrowsAsync<SmtpReplyException>(() => reader.ReadAsync(new ChunkStream("250-" + new string('x', 100) + "\r\n"), ct.Token));
        Assert.Equal("a reply line longer than 64 bytes", e.Message);
    }

    [Fact]
    public async Task Too_many_lines_are_refused()
    {
        using var ct = new CancellationTokenSource(Bound);
        var reader = new SmtpReplyReader(maxLines: 3);

        var e = await Assert.ThrowsAsync<SmtpReplyException>(() => reader.ReadAsync(new ChunkStream(string.Concat(Enumerable.Repeat("250-x\r\n", 10))), ct.Token));
        Assert.Equal("a reply of more than 3 lines", e.Message);
    }

    [Theory]
    [InlineData("hello\r\n")]
    [InlineData("25\r\n")]
    [InlineData("250x\r\n")]
    public async Task What_is_not_a_reply_line_is_refused(string line)
    {
        using var ct = new CancellationTokenSource(Bound);

        var e = await Assert.ThrowsAsync<SmtpReplyException>(() => new SmtpReplyReader().ReadAsync(new ChunkStream(line), ct.Token));
        Assert.StartsWith("not an SMTP reply line: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("250-first\r\n")]
    [InlineData("250-first\r\n250 seco")]
    public async Task The_stream_ending_mid_reply_is_end_of_stream(string sent)
    {
        using var ct = new CancellationTokenSource(Bound);

        await Assert.ThrowsAsync<EndOfStreamException>(() => new SmtpReplyReader().ReadAsync(new ChunkStream(sent), ct.Token));
    }

    [Fact]
    public async Task A_silent_server_is_left_when_the_callers_token_says()
    {
        using var ct = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var stream = new ChunkStream("250-first\r\n") { Silent = true };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SmtpReplyReader().ReadAsync(stream, ct.Token));
    }

    /// <summary>Gives at most one chunk per read (what fits), then end of stream, or (<see cref="Silent"/>) nothing until cancelled.</summary>
    private sealed class ChunkStream(params string[] chunks) : Stream
    {
        private readonly Queue<byte[]> _chunks = new(chunks.Select(Encoding.ASCII.GetBytes));
        private ReadOnlyMemory<byte> _rest;

        public bool Silent { get; init; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_rest.IsEmpty && _chunks.TryDequeue(out var chunk))
                _rest = chunk;
            if (_rest.IsEmpty)
            {
                if (Silent)
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            }
            var count = Math.Min(buffer.Length, _rest.Length);
            _rest[..count].CopyTo(buffer);
            _rest = _rest[count..];
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
