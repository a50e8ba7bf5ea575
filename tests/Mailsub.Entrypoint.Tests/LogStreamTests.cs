using System.Text;

namespace Mailsub.Entrypoint.Tests;

public class LogStreamTests
{
    /// <summary>Hands out the input a few bytes at a time, as a pipe may.</summary>
    private sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], ct);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8192)]
    public async Task Every_byte_is_passed_on_unchanged_and_each_line_is_counted_once(int chunk)
    {
        byte[] input = [.. "Dec 07 17:43:44 mail postfix/smtpd[1]: connect from x\nsecond line\r\n"u8, 0xff, 0xfe, .. " not UTF-8\nlast, unterminated"u8];
        var output = new MemoryStream();
        var lines = new List<string>();

        await LogStream.CopyAsync(new Trickle(input, chunk), output, lines.Add);

        Assert.Equal(input, output.ToArray());
        Assert.Equal(4, lines.Count);
        Assert.Equal("Dec 07 17:43:44 mail postfix/smtpd[1]: connect from x", lines[0]);
        Assert.Equal("second line", lines[1]);
        Assert.Equal("last, unterminated", lines[3]);
    }

    [Fact]
    public async Task A_run_without_newline_longer_than_any_log_line_is_passed_on_but_not_counted()
    {
        var input = Encoding.ASCII.GetBytes(new string('x', 100_000) + "\nshort\n");
        var output = new MemoryStream();
        var lines = new List<string>();

        await LogStream.CopyAsync(new MemoryStream(input), output, lines.Add);

        Assert.Equal(input, output.ToArray());
        Assert.Equal(["short"], lines);
    }

    private sealed class ClosedStdout : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) =>
            throw new IOException("Broken pipe");
    }

    [Fact]
    public async Task When_stdout_breaks_the_log_is_still_read_and_counted_to_its_end()
    {
        var input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 1000).Select(i => $"line {i}\n")));
        var lines = new List<string>();

        await LogStream.CopyAsync(new Trickle(input, 100), new ClosedStdout(), lines.Add);

        Assert.Equal(1000, lines.Count);
    }
}
