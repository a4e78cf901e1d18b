using System.Diagnostics;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// <c>FlushOutbox</c> (timer): for every connector, companies (and their licenses) first, so
/// endusers can reference them. The host runs one instance at a time.
/// </summary>
public sealed class OutboxFlusher(
    Storage.ConnectorRegistry connectors,
    CompanyFlusher companies,
    Users.EnduserFlusher endusers,
    IOptions<PlanhatOptions> planhatOptions,
    ProductMetrics metrics,
    ILogger<OutboxFlusher> logger) : ITimerFunction
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "success";
        try
        {
            await foreach (var connector in connectors.ListAsync(cancellationToken))
            {
                if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
                {
                    continue;
                }

                using var scope = logger.ForConnector(connector.Id, connector.Organization);
                await companies.FlushAsync(connector, connection, cancellationToken);
                await endusers.FlushAsync(connector, connection, cancellationToken);
            }
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            metrics.JobCompleted(TriggerTable.FlushOutbox, outcome, Stopwatch.GetElapsedTime(started));
        }
    }
}
