using Mailsub.Testing.ControlPlane;

namespace Mailsub.Runtime.Tests.Integration;

/// <summary>The integration tests share one real control plane and run one at a time.</summary>
[CollectionDefinition(ControlPlaneFixture.Collection)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>;
