using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// <c>POST /fetch/accounts</c>, <c>POST /fetch/users</c>: Hull's schedule (or an operator) starts the
/// connector's import job now instead of at the next timer. Answers <c>{ok:true}</c> at once; the job
/// runs behind it under the same rules as the timer's (interval setting, one run per job: a second
/// call while one runs finds the job claimed and skips).
/// </summary>
public sealed class FetchNowHandler(
    IncomingKind kind,
    ConnectorAuthenticator authenticator,
    IncomingJobRunner runner,
    BackgroundWork background,
    ILogger<FetchNowHandler> logger) : IHttpFunction
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (connector, failure) = await authenticator.AuthenticateAsync(request, cancellationToken);
        if (connector is null)
        {
            return failure!;
        }

        using (logger.ForConnector(connector.Id, connector.Organization))
        {
            logger.IncomingJobRequested(kind.Name);
        }

        background.Start(kind.Function, async stopping =>
        {
            using var scope = logger.ForConnector(connector.Id, connector.Organization);
            await runner.RunAsync(connector, kind, stopping);
        });
        return Results.Json(new OkAnswer(true), BatchAnswerJsonContext.Default.OkAnswer);
    }
}
