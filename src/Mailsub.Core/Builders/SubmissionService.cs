using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>The Service clients connect to: one TCP port per listener, the same numbers as in the pod.</summary>
public static class SubmissionService
{
    public static V1Service Build(ValidSubmission valid)
    {
        var service = valid.Spec.Workload.Service;
        var metadata = ChildMetadata.For(valid, ChildNames.Service(valid));
        if (service.Annotations.Count > 0)
            metadata.Annotations = service.Annotations.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value);
        var external = service.Type is ServiceKind.LoadBalancer or ServiceKind.NodePort;
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = metadata,
            Spec = new V1ServiceSpec
            {
                Type = service.Type.ToString(),
                Selector = ChildMetadata.Selector(valid),
                // protocol stays explicit: server-side apply on Kubernetes 1.20 rejects a Service
                // port without it (protocol is part of the ports list's merge key).
                Ports = valid.Listeners.Select(l => new V1ServicePort
                {
                    Name = l.ServiceName,
                    Port = l.Port,
                    TargetPort = (IntOrString)l.Port,
                    Protocol = "TCP",
                }).ToList(),
                // The API server refuses externalTrafficPolicy on a ClusterIP Service.
                ExternalTrafficPolicy = external ? service.ExternalTrafficPolicy?.ToString() : null,
            },
        };
    }
}
