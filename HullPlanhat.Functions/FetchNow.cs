using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Hull's schedules (or an operator) start an import job now; Core checks the query credentials.</summary>
public sealed class FetchNow(FunctionDispatcher dispatcher)
{
    [Function("FetchAccountsNow")]
    public async Task<IActionResult> Accounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fetch/accounts")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.FetchAccountsNow, request, cancellationToken));

    [Function("FetchUsersNow")]
    public async Task<IActionResult> Users(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fetch/users")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.FetchUsersNow, request, cancellationToken));
}
