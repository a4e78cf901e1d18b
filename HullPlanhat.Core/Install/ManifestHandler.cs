using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.Install;

/// <summary><c>GET /manifest.json</c> and <c>GET /readme.md</c>: what Hull reads to install the connector. No auth, as Hull fetches them.</summary>
public sealed class ManifestHandler(ReadOnlyMemory<byte> content, string contentType) : IHttpFunction
{
    public static ManifestHandler Manifest() => new(ConnectorManifest.Json, "application/json; charset=utf-8");

    public static ManifestHandler Readme() => new(ConnectorManifest.Readme, "text/markdown; charset=utf-8");

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Hull's dashboard reads the manifest from the browser too.
        request.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
        return Task.FromResult(Results.Bytes(content, contentType));
    }
}
