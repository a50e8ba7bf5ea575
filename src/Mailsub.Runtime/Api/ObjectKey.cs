namespace Mailsub.Runtime.Api;

/// <summary>
/// Namespace and name of an object: the informer cache's key and the work queue's, printed as
/// <c>namespace/name</c> (or <c>name</c> when cluster-scoped), as client-go's MetaNamespaceKeyFunc.
/// A class, not a struct: the queues, limiters and caches keyed by it then share the code NativeAOT
/// compiles once for reference types instead of a copy each (the binary stays as small as with strings).
/// </summary>
public sealed record ObjectKey(string? Namespace, string Name)
{
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : Namespace + "/" + Name;
}
