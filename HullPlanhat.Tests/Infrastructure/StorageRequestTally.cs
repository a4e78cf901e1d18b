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
    private readonly ConcurrentDictionary<(string Service, string Operation), long> counts = new();

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
            var (service, operation) = StorageRequestMetrics.TagsOf(tags);
            counts.AddOrUpdate((service, operation), value, (_, c) => c + value);
        });
        listener.Start();
    }

    public long Count(string service, string operation) => counts.GetValueOrDefault((service, operation));

    /// <summary>Requests of this operation on any service.</summary>
    public long Count(string operation) => counts.Where(c => c.Key.Operation == operation).Sum(c => c.Value);

    public void Dispose() => listener.Dispose();
}
