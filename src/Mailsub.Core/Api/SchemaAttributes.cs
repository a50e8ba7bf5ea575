namespace Mailsub.Core.Api;

// The API's OpenAPI constraints, read by the CRD generator. DataAnnotations has look-alikes, but
// they validate through reflection that NativeAOT cannot keep; these only carry data.

/// <summary>The field must be present (OpenAPI required).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>The string must match (OpenAPI pattern, RE2 syntax).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>Longest string (maxLength), or most items (maxItems) or keys (maxProperties).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxLengthAttribute(int length) : Attribute
{
    public int Length { get; } = length;
}

/// <summary>Inclusive bounds of a number (minimum, maximum).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(long minimum, long maximum) : Attribute
{
    public long Minimum { get; } = minimum;
    public long Maximum { get; } = maximum;
}

/// <summary>
/// The list is a map keyed by this field (x-kubernetes-list-type: map), so server-side apply from
/// several managers merges entries instead of replacing the list.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}
