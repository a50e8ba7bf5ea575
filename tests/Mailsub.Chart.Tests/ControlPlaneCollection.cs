using Mailsub.Testing.ControlPlane;

namespace Mailsub.Chart.Tests;

[CollectionDefinition(ControlPlaneFixture.Collection)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>;
