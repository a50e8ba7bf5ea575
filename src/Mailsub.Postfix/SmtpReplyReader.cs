using System.Text;

namespace Mailsub.Postfix;

/// <summary>One SMTP reply as it came off the wire: its code and the text of each line (after "NNN-" / "NNN ").</summary>
public sealed record SmtpReplyLines(int Code, IReadOnlyList<string> Lines);

/// <summary>What a server sent is not an SMTP reply the reader accepts: a malformed or over-long line, too many lines.</summary>
public sealed class SmtpReplyException(string message) : IOException(message);

/// <summary>
/// Reads SMTP replies (RFC 5321 4.2, multi-line included) off a stream the caller opened, bounded
/// so that no server can make a client buffer without end: each line in length, each reply in
/// lines, each read in time by the caller's token. It does no IO of its own beyond reading that
/// stream. Bytes after one reply stay buffered for the next (pipelining); the stream may be
/// swapped between replies (STARTTLS), when the buffer is empty.
/// </summary>
public sealed class SmtpReplyReader(int maxLineBytes = SmtpReplyReader.DefaultMaxLineBytes, int maxLines = SmtpReplyReader.DefaultMaxLines)
{
    /// <summary>Four times RFC 5321's 512-octet reply line: room for long EHLO keywords, not for a flood.</summary>
    public const int DefaultMaxLineBytes = 4096;

    /// <summary>Far more than an EHLO reply of every extension Postfix knows.</summary>
    public const int DefaultMaxLines = 100;

    private readonly byte[] _buffer = new byte[maxLineBytes];
    private int _start;
    private int _end;

    /// <summary>Called with each line as it is read, CRLF removed, also when the reply it starts then fails: for a transcript.</summary>
    public Action<string>? LineRead { get; init; }

    /// <summary>The next reply. An <see cref="EndOfStreamException"/> when the stream ends first, an <see cref="SmtpReplyException"/> when it is not one.</summary>
    public async Task<SmtpReplyLines> ReadAsync(Stream stream, CancellationToken ct)
    {
        var lines = new List<string>();
        while (lines.Count < maxLines)
        {
            var line = await ReadLineAsync(stream, ct).ConfigureAwait(false);
            LineRead?.Invoke(line);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var code) || (line.Length > 3 && line[3] is not (' ' or '-')))
            {
                throw new SmtpReplyException($"not an SMTP reply line: \"{line}\"");
            }
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ')
            {
                return new SmtpReplyLines(code, lines);
            }
        }
        throw new SmtpReplyException($"a reply of more than {maxLines} lines");
    }

    private async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                throw new SmtpReplyException($"a reply line longer than {_buffer.Length} bytes");
            }
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }
            _end += read;
        }
    }
}
