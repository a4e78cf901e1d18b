using System.Diagnostics.Metrics;
using HullPlanhat.Core.Telemetry;

namespace HullPlanhat.Core.Operations;

/// <summary>Operator actions on the product's meter (<see cref="ProductMetrics.Name"/>).</summary>
public sealed class OperationsMetrics
{
    private readonly Counter<long> actions;
    private readonly Counter<long> previewed;
    private readonly Counter<long> replayed;
    private readonly Counter<long> forgotten;

    public OperationsMetrics(IMeterFactory meters)
    {
        // The factory returns the product's one meter for this name; instruments are added to it.
        var meter = meters.Create(ProductMetrics.Name);
        actions = meter.CreateCounter<long>("hullplanhat.operations.requests", description: "Operator API requests, by action and status.");
        previewed = meter.CreateCounter<long>("hullplanhat.operations.previewed", description: "Objects previewed, by object type and decision.");
        replayed = meter.CreateCounter<long>("hullplanhat.operations.replayed", description: "Dead letters and poison messages replayed, by source and outcome.");
        forgotten = meter.CreateCounter<long>("hullplanhat.operations.hashes_forgotten", description: "Stored hashes forgotten by resync, by kind.");
    }

    public void Request(string action, int status) => actions.Add(1, new("action", action), new("status", status));

    public void Previewed(string objectType, string decision, int count = 1) => previewed.Add(count, new("object_type", objectType), new("decision", decision));

    public void Replayed(string source, string outcome) => replayed.Add(1, new("source", source), new("outcome", outcome));

    public void Forgotten(string kind, int count) => forgotten.Add(count, new KeyValuePair<string, object?>("kind", kind));
}
