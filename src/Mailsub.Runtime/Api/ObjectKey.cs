namespace Mailsub.Runtime.Api;

/// <summary>
/// Namespace and name of an object: the informer cache's key and the work queue's, printed as
/// <c>namespace/name</c> (or <c>name</c> when cluster-scoped), as client-go's MetaNamespaceKeyFunc.
/// </summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : Namespace + "/" + Name;
}
