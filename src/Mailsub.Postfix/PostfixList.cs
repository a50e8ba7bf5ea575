namespace Mailsub.Postfix;

/// <summary>Postfix's list syntax: elements separated by whitespace or commas, `{ ... }` kept as one element.</summary>
public static class PostfixList
{
    public static IReadOnlyList<string> Split(string value)
    {
        var elements = new List<string>();
        var i = 0;
        while (i < value.Length)
        {
            if (char.IsWhiteSpace(value[i]) || value[i] == ',')
            {
                i++;
                continue;
            }
            var start = i;
            var depth = 0;
            while (i < value.Length && (depth > 0 || !(char.IsWhiteSpace(value[i]) || value[i] == ',')))
            {
                if (value[i] == '{')
                    depth++;
                else if (value[i] == '}' && depth > 0)
                    depth--;
                i++;
            }
            elements.Add(value[start..i]);
        }
        return elements;
    }
}
