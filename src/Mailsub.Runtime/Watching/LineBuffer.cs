using System.Buffers;

namespace Mailsub.Runtime.Watching;

/// <summary>
/// A pooled, growing byte buffer that splits a stream into newline-terminated lines without
/// copying a line out: the caller parses each line in place. Grows only for an object larger
/// than any before (a big Secret), and returns its array to the pool on dispose.
/// </summary>
internal sealed class LineBuffer(int initialSize = 64 * 1024) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _start; // first byte not yet consumed
    private int _end;   // end of the bytes read
    private int _scan;  // where to look for the next newline

    /// <summary>Room to read into; compacts or grows first when the buffer is full.</summary>
    public Memory<byte> FreeSpace()
    {
        if (_end == _buffer.Length)
        {
            var used = _end - _start;
            if (_start > 0 && used < _buffer.Length / 2)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, used);
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, _start, bigger, 0, used);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            _scan -= _start;
            _start = 0;
            _end = used;
        }
        return _buffer.AsMemory(_end);
    }

    public void Advance(int count) => _end += count;

    /// <summary>The next complete line without its newline (blank lines skipped), if one is in.</summary>
    public bool TryTakeLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scan, _end - _scan).IndexOf((byte)'\n');
            if (newline < 0)
            {
                _scan = _end;
                line = default;
                return false;
            }
            var lineEnd = _scan + newline;
            line = _buffer.AsSpan(_start, lineEnd - _start).TrimEnd((byte)'\r');
            _start = _scan = lineEnd + 1;
            if (_start == _end)
            {
                _start = _scan = _end = 0;
            }
            if (!line.IsEmpty)
            {
                return true;
            }
        }
    }

    /// <summary>What is left after the stream ended (a last line without a newline).</summary>
    public ReadOnlySpan<byte> Remainder => _buffer.AsSpan(_start, _end - _start).Trim((byte)'\n');

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
