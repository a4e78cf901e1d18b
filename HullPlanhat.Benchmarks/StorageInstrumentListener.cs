using System.Diagnostics.Metrics;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Benchmarks;

/// <summary>Listens to one of the product's storage instruments (it runs in this process), keyed "service operation [table]".</summary>
public static class StorageInstrumentListener
{
    public static MeterListener Start<T>(string instrumentName, Action<string, T> measured) where T : struct
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == instrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<T>((_, value, tags, _) =>
        {
            var (service, operation, table) = StorageRequestMetrics.AllTagsOf(tags);
            measured(table is null ? $"{service} {operation}" : $"{service} {operation} {table}", value);
        });
        listener.Start();
        return listener;
    }
}
