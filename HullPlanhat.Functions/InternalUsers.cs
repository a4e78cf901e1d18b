using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>
/// Hull Processor's wrapper over Planhat's users API. Anonymous at the Functions level: the
/// Core handler checks Basic auth itself. The {userId} route value reaches Core via HttpRequest.
/// </summary>
public sealed class InternalUsers(FunctionDispatcher dispatcher)
{
    [Function("InternalUsersList")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/internal/users")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.InternalUsersList, request, cancellationToken));

    [Function("InternalUsersGet")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/internal/users/{userId}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.InternalUsersGet, request, cancellationToken));

    [Function("InternalUsersCreate")]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/internal/users")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.InternalUsersCreate, request, cancellationToken));

    [Function("InternalUsersUpdate")]
    public async Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/internal/users/{userId}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.InternalUsersUpdate, request, cancellationToken));
}
