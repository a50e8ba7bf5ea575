using Mailsub.Testing.ControlPlane;

namespace Mailsub.Operator.Tests;

[CollectionDefinition(ControlPlaneFixture.Collection)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>;
