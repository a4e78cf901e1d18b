using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Tests.Infrastructure;

/// <summary>
/// Counts the storage requests (<see cref="StorageRequestMetrics.InstrumentName"/>) of the clients
/// built on one meter factory (not other hosts in the process), by service and operation, while alive.
/// </summary>
public sealed class StorageRequestTally : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(string Service, string Operation, string? Table), long> counts = new();

    public StorageRequestTally(IMeterFactory meters)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == StorageRequestMetrics.InstrumentName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            counts.AddOrUpdate(StorageRequestMetrics.AllTagsOf(tags), value, (_, c) => c + value);
        });
        listener.Start();
    }

    public long Count(string service, string operation) => counts.Where(c => c.Key.Service == service && c.Key.Operation == operation).Sum(c => c.Value);

    /// <summary>Requests of this operation named with this table (transactions: <see cref="TableTransactions.SubmitNamedTransactionAsync"/>).</summary>
    public long Count(string service, string operation, string table) => counts.GetValueOrDefault((service, operation, table));

    /// <summary>Requests of this operation on any service.</summary>
    public long Count(string operation) => counts.Where(c => c.Key.Operation == operation).Sum(c => c.Value);

    public void Reset() => counts.Clear();

    public void Dispose() => listener.Dispose();
}
