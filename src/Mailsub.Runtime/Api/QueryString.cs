using System.Text;

namespace Mailsub.Runtime.Api;

/// <summary>Builds <c>path?k=v&amp;...</c> with escaped values, skipping empty ones.</summary>
internal sealed class QueryString(string path)
{
    private readonly StringBuilder _text = new(path);
    private bool _first = true;

    public QueryString Add(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }
        _text.Append(_first ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        _first = false;
        return this;
    }

    public override string ToString() => _text.ToString();
}
