using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// One informer per watched namespace (or one for all namespaces) of one kind, read as one cache.
/// </summary>
public sealed class InformerSet<T> where T : class
{
    private readonly Dictionary<string, Informer<T>> _byNamespace = new(StringComparer.Ordinal);
    private readonly Informer<T>? _all;

    public InformerSet(ApiConnection api, ResourceKind<T> kind, IReadOnlyList<string> namespaces, string? labelSelector,
        Action<T>? transform, ILogger logger)
    {
        Kind = kind;
        if (namespaces.Count == 0)
        {
            _all = new Informer<T>(api, kind, new InformerOptions { LabelSelector = labelSelector }, logger) { Transform = transform };
        }
        else
        {
            foreach (var ns in namespaces.Distinct(StringComparer.Ordinal))
            {
                _byNamespace[ns] = new Informer<T>(api, kind, new InformerOptions { Namespace = ns, LabelSelector = labelSelector }, logger)
                {
                    Transform = transform,
                };
            }
        }
    }

    public ResourceKind<T> Kind { get; }

    public IEnumerable<Informer<T>> Informers => _all is not null ? [_all] : _byNamespace.Values;

    public bool HasSynced => Informers.All(i => i.HasSynced);

    public void AddHandler(InformerHandler<T> handler)
    {
        foreach (var informer in Informers)
        {
            informer.AddHandler(handler);
        }
    }

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(Informers.Select(i => i.RunAsync(cancellationToken)));

    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Informers.Select(i => i.WaitForSyncAsync(cancellationToken)));

    private Informer<T>? For(string ns) => _all ?? (_byNamespace.TryGetValue(ns, out var i) ? i : null);

    public T? Get(string ns, string name) => For(ns)?.Store.Get(ns, name);

    /// <summary>Adds an index to every informer's store (before they run).</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> values)
    {
        foreach (var informer in Informers)
        {
            informer.Store.AddIndex(name, values);
        }
    }

    public IReadOnlyList<T> ByIndex(string ns, string name, string value) => For(ns)?.Store.ByIndex(name, value) ?? [];
}
