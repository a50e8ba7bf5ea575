using System.Collections.Concurrent;

namespace Mailsub.Runtime.Kinds;

/// <summary>
/// One shared copy of the strings that repeat across cached objects (property names, the
/// namespace, label keys and values, owner names and UIDs): each cached child otherwise holds its
/// own copy of every one (docs/performance.md). Bounded: once it holds <c>capacity</c> strings it
/// starts afresh, so the names of submissions deleted long ago cannot fill it for good (objects
/// cached before keep the copies they have; only later ones stop sharing with them). Not
/// <see cref="string.Intern"/>, whose table is never freed and shared with the whole process.
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
        if (_strings.Count >= capacity)
        {
            _strings.Clear();
        }
        return _strings.GetOrAdd(value, value);
    }
}
