using System.Collections.Concurrent;

namespace Mailsub.Runtime.Kinds;

/// <summary>
/// One shared copy of the strings that repeat across cached objects (property names, the
/// namespace, label keys and values, owner names and UIDs): each cached child otherwise holds its
/// own copy of every one (docs/performance.md). Bounded, so that values that do not repeat cannot
/// grow it without end: once full, strings are returned as they are. Not <see cref="string.Intern"/>,
/// whose table is never freed and shared with the whole process.
/// </summary>
public sealed class StringPool(int capacity = StringPool.DefaultCapacity)
{
    public const int DefaultCapacity = 16_384;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    public int Count => _strings.Count;

    public string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }
        return _strings.Count < capacity ? _strings.GetOrAdd(value, value) : value;
    }
}
