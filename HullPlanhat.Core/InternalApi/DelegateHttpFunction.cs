using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.InternalApi;

/// <summary>Lets one service answer several routes of the trigger table (one keyed function per route).</summary>
public sealed class DelegateHttpFunction(Func<HttpRequest, CancellationToken, Task<IResult>> handle) : IHttpFunction
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) => handle(request, cancellationToken);
}
