using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Mailsub.Core.Api;

/// <summary>
/// The wire names of the API's enums, as the source-generated serializer writes them: the CRD's
/// `enum` lists and the reader's error messages come from here, so they cannot disagree.
/// </summary>
public static class EnumValues
{
    private static readonly FrozenDictionary<Type, IReadOnlyList<string>> All = new[]
    {
        Entry<OriginSource>(), Entry<MailToCommandsSource>(), Entry<AuthProfile>(), Entry<IssuerKind>(),
        Entry<SmtpTlsLevel>(), Entry<TlsProfile>(), Entry<PrivateKeyAlgorithm>(), Entry<TlsProtocol>(), Entry<RelayTlsLevel>(), Entry<PullPolicy>(),
        Entry<ServiceKind>(), Entry<TrafficPolicy>(), Entry<ProxyProtocol>(),
    }.ToFrozenDictionary();

    public static IReadOnlyList<string>? Of(Type type) =>
        All.TryGetValue(Nullable.GetUnderlyingType(type) ?? type, out var values) ? values : null;

    public static IReadOnlyList<string>? Of(string fullName) =>
        All.FirstOrDefault(e => e.Key.FullName == fullName).Value;

    /// <summary>The wire name of one value, as a resource author writes it.</summary>
    public static string NameOf<T>(T value) where T : struct, Enum =>
        JsonSerializer.Serialize(value, (JsonTypeInfo<T>)ApiJsonContext.Default.GetTypeInfo(typeof(T))!).Trim('"');

    private static KeyValuePair<Type, IReadOnlyList<string>> Entry<T>() where T : struct, Enum =>
        new(typeof(T), Enum.GetValues<T>().Select(NameOf).ToList());
}
