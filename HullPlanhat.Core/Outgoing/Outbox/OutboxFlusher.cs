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
/// endusers can reference them. Connectors are flushed side by side and independently: each within
/// its own time budget, and one connector's failure is logged and does not stop the others. The
/// host runs one instance of this timer at a time, so while one connector's slow Planhat keeps a
/// run going, the connectors already done are flushed again every <see cref="OutboxOptions.RepeatEvery"/>.
/// </summary>
public sealed class OutboxFlusher(
    Storage.ConnectorRegistry connectors,
    CompanyFlusher companies,
    Users.EnduserFlusher endusers,
    Users.SentEventExpiry sentEventExpiry,
    OutboxGauges gauges,
    IOptions<PlanhatOptions> planhatOptions,
    IOptions<OutboxOptions> outboxOptions,
    ProductMetrics metrics,
    ILogger<OutboxFlusher> logger) : ITimerFunction
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var failures = 0;
        try
        {
            var all = new List<Storage.ConnectorRecord>();
            await foreach (var connector in connectors.ListAsync(cancellationToken))
            {
                all.Add(connector);
            }

            var begun = 0;
            var unfinished = all.Count;
            var firstRoundDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var options = new ParallelOptions { MaxDegreeOfParallelism = outboxOptions.Value.ConnectorParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(all, options, async (connector, ct) =>
            {
                Interlocked.Increment(ref begun);
                var flushed = await FlushConnectorAsync(connector, ct);
                if (Interlocked.Decrement(ref unfinished) == 0)
                {
                    firstRoundDone.TrySetResult();
                }

                // While a slow connector holds this run (and so the next ticks), the others keep their schedule.
                while (Volatile.Read(ref begun) == all.Count && !firstRoundDone.Task.IsCompleted)
                {
                    await Task.WhenAny(Task.Delay(outboxOptions.Value.RepeatEvery, ct), firstRoundDone.Task);
                    ct.ThrowIfCancellationRequested();
                    if (!firstRoundDone.Task.IsCompleted)
                    {
                        flushed &= await FlushConnectorAsync(connector, ct);
                    }
                }

                if (!flushed)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        }
        finally
        {
            metrics.JobCompleted(TriggerTable.FlushOutbox, failures == 0 ? "success" : "error", Stopwatch.GetElapsedTime(started));
        }
    }

    /// <returns>False when the connector's flush failed or ran out of time (its rows wait for the next run).</returns>
    private async Task<bool> FlushConnectorAsync(Storage.ConnectorRecord connector, CancellationToken cancellationToken)
    {
        if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
        {
            return true;
        }

        using var scope = logger.ForConnector(connector.Id, connector.Organization);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(outboxOptions.Value.ConnectorTimeout);
        try
        {
            await companies.FlushAsync(connector, connection, budget.Token);
            await endusers.FlushAsync(connector, connection, budget.Token);
            await sentEventExpiry.RunIfDueAsync(connector.Id, budget.Token);
            await gauges.MeasureAsync(connector.Id, budget.Token);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.FunctionFailed(e, TriggerTable.FlushOutbox,
                budget.IsCancellationRequested ? $"The flush took longer than {outboxOptions.Value.ConnectorTimeout}; the rest waits for the next run." : e.Message);
            return false;
        }
    }
}
