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
/// endusers can reference them, then the events of accepted endusers. Connectors are flushed side by side and independently: each within
/// its own time budget, and one connector's failure is logged and does not stop the others. The
/// host runs one instance of this timer at a time, so while one connector's slow Planhat keeps a
/// run going, the connectors already done are flushed again every <see cref="OutboxOptions.RepeatEvery"/>.
/// </summary>
public sealed class OutboxFlusher(
    Storage.ConnectorRegistry connectors,
    CompanyFlusher companies,
    Users.EnduserFlusher endusers,
    Users.EventFlusher events,
    Users.SentEventExpiry sentEventExpiry,
    Intake.QueueBackPressure queued,
    OutboxGauges gauges,
    IOptions<PlanhatOptions> planhatOptions,
    IOptions<OutboxOptions> outboxOptions,
    ProductMetrics metrics,
    Operations.Runs.RunRecorder runs,
    ILogger<OutboxFlusher> logger) : ITimerFunction
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var failures = 0;
        try
        {
            using var slots = new SemaphoreSlim(outboxOptions.Value.ConnectorParallelism);
            var flushing = new Dictionary<string, Task>(StringComparer.Ordinal);
            async Task FlushInSlotAsync(Storage.ConnectorRecord connector)
            {
                await slots.WaitAsync(cancellationToken);
                try
                {
                    if (!await FlushConnectorAsync(connector, cancellationToken))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                finally
                {
                    slots.Release();
                }
            }

            async Task StartIdleConnectorsAsync()
            {
                await foreach (var connector in connectors.ListAsync(cancellationToken))
                {
                    if (!flushing.TryGetValue(connector.Id, out var running) || running.IsCompleted)
                    {
                        flushing[connector.Id] = FlushInSlotAsync(connector);
                    }
                }
            }

            await StartIdleConnectorsAsync();
            var firstRound = Task.WhenAll(flushing.Values.ToList());
            // While a slow connector holds this run (and so the next ticks), the others, and connectors registered meanwhile, keep their schedule.
            while (!firstRound.IsCompleted)
            {
                await Task.WhenAny(Task.Delay(outboxOptions.Value.RepeatEvery, cancellationToken), firstRound);
                cancellationToken.ThrowIfCancellationRequested();
                if (!firstRound.IsCompleted)
                {
                    await StartIdleConnectorsAsync();
                }
            }

            await Task.WhenAll(flushing.Values);
        }
        finally
        {
            metrics.JobCompleted(TriggerTable.FlushOutbox, failures == 0 ? "success" : "error", Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Whether objects are still queued for staging (any connector's: the queues are shared), so a
    /// pause in staging is not the end of a stream; unknown counts as no.
    /// </summary>
    private async Task<bool> ObjectsQueuedAsync(CancellationToken cancellationToken)
    {
        if (outboxOptions.Value.PartialChunkHold <= TimeSpan.Zero && outboxOptions.Value.EventChunkHold <= TimeSpan.Zero)
        {
            return false; // Nothing is ever held: no need to know.
        }

        return await queued.QueuedOrUnknownAsync(cancellationToken) > 0;
    }

    /// <returns>False when the connector's flush failed or ran out of time (its rows wait for the next run).</returns>
    private async Task<bool> FlushConnectorAsync(Storage.ConnectorRecord connector, CancellationToken cancellationToken)
    {
        if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
        {
            return true;
        }

        using var scope = logger.ForConnector(connector.Id, connector.Organization);
        await using var run = runs.Begin(TriggerTable.FlushOutbox, connector.Id);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(outboxOptions.Value.ConnectorTimeout);
        try
        {
            var moreComing = await ObjectsQueuedAsync(budget.Token);
            var companiesHeld = await companies.FlushAsync(connector, connection, moreComing, budget.Token);
            var endusersHeld = await endusers.FlushAsync(connector, connection, companiesHeld, moreComing, budget.Token);
            await events.FlushAsync(connector, connection, endusersHeld || moreComing, budget.Token);
            await sentEventExpiry.RunIfDueAsync(connector.Id, budget.Token);
            await gauges.MeasureAsync(connector.Id, budget.Token);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            run.Fail(budget.IsCancellationRequested ? "Timed out." : e.Message);
            logger.FunctionFailed(e, TriggerTable.FlushOutbox,
                budget.IsCancellationRequested ? $"The flush took longer than {outboxOptions.Value.ConnectorTimeout}; the rest waits for the next run." : e.Message);
            return false;
        }
    }
}
