using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Testing.ControlPlane;

namespace Mailsub.Chart.Tests;

/// <summary>What the cluster tests share: helm/kubectl against the fixture's control plane.</summary>
public static class ClusterTools
{
    public static Task<string> Helm(this ControlPlaneFixture cp, params string[] args) => Tools.Helm(cp.KubeconfigPath, args);

    public static Task<string> Kubectl(this ControlPlaneFixture cp, params string[] args) => Tools.Kubectl(cp.KubeconfigPath, null, args);

    public static Task<ToolResult> TryKubectl(this ControlPlaneFixture cp, params string[] args) => Tools.TryKubectl(cp.KubeconfigPath, null, args);

    public static async Task<JsonObject> GetJson(this ControlPlaneFixture cp, params string[] args) =>
        (JsonObject)JsonNode.Parse(await cp.Kubectl(["get", .. args, "-o", "json", "--show-managed-fields"]))!;

    /// <summary>
    /// cert-manager's CRDs (v1.12.9, from MAILSUB_CERT_MANAGER_CRDS or shared/third_party as
    /// hack/controlplane/selftest.sh finds them), so Certificates are a served resource.
    /// </summary>
    public static async Task InstallCertManagerCrdsAsync(this ControlPlaneFixture cp)
    {
        var dir = Environment.GetEnvironmentVariable("MAILSUB_CERT_MANAGER_CRDS");
        if (string.IsNullOrEmpty(dir))
        {
            dir = new[] { Tools.PathOf("..", "shared", "third_party", "cert-manager-v1.12.9"), "/work/shared/third_party/cert-manager-v1.12.9" }
                .FirstOrDefault(Directory.Exists)
                ?? throw new InvalidOperationException("cert-manager CRDs not found: set MAILSUB_CERT_MANAGER_CRDS to the folder holding cert-manager.io_*.yaml");
        }
        var certificates = Directory.GetFiles(dir, "*certificates*.yaml").Where(f => !f.Contains("request", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(certificates);
        foreach (var file in certificates)
            await cp.Kubectl("apply", "--server-side", "--force-conflicts", "-f", file);
        await cp.Kubectl("wait", "--for=condition=established", "crd/certificates.cert-manager.io", "--timeout=60s");
    }

    /// <summary>
    /// A token of the ServiceAccount, minted the 1.20 way: a kubernetes.io/service-account-token
    /// Secret annotated with the account's name, filled in by kube-controller-manager.
    /// </summary>
    public static async Task<string> MintTokenAsync(this ControlPlaneFixture cp, string ns, string serviceAccount)
    {
        var name = serviceAccount + "-test-token";
        await Tools.Kubectl(cp.KubeconfigPath, $$"""
            {"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/service-account-token",
             "metadata":{"name":"{{name}}","namespace":"{{ns}}","annotations":{"kubernetes.io/service-account.name":"{{serviceAccount}}" } } }
            """, "apply", "-f", "-");
        for (var i = 0; i < 100; i++)
        {
            var token = await cp.Kubectl("get", "secret", name, "-n", ns, "-o", "jsonpath={.data.token}");
            if (token.Length > 0)
                return Encoding.UTF8.GetString(Convert.FromBase64String(token));
            await Task.Delay(200);
        }
        throw new TimeoutException($"kube-controller-manager did not fill in the token of {ns}/{name}");
    }
}
