using System.Diagnostics;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// <c>FetchCompanies</c> / <c>FetchEndusers</c> (timers): one import job per connector of the
/// <c>connectors</c> table, a few connectors at a time; each connector's failure stays its own.
/// </summary>
public sealed class IncomingFetchFunction(
    IncomingKind kind,
    ConnectorRegistry connectors,
    IncomingJobRunner runner,
    IOptions<IncomingOptions> options,
    ProductMetrics metrics,
    ILogger<IncomingFetchFunction> logger) : ITimerFunction
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "success";
        try
        {
            await Parallel.ForEachAsync(connectors.ListAsync(cancellationToken),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.ConnectorParallelism, CancellationToken = cancellationToken },
                async (connector, ct) =>
                {
                    using var scope = logger.ForConnector(connector.Id, connector.Organization);
                    try
                    {
                        await runner.RunAsync(connector, kind, ct);
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        // E.g. the jobs table was unreachable before the job was claimed; other connectors go on.
                        outcome = "error";
                        logger.IncomingJobFailed(kind.Name, string.Empty, 0, e.Message);
                    }
                });
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            metrics.JobCompleted(kind.Function, outcome, Stopwatch.GetElapsedTime(started));
        }
    }
}
