using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HullPlanhat.Core.Telemetry;

/// <summary>
/// The product's OpenTelemetry instruments (meter and activity source <c>HullPlanhat</c>); the
/// infra alerts and dashboard are built on these names.
/// </summary>
public sealed class ProductMetrics : IDisposable
{
    public const string Name = "HullPlanhat";
    public static readonly ActivitySource Activities = new(Name);

    private readonly Meter meter;
    private readonly Counter<long> synced;
    private readonly Counter<long> skipped;
    private readonly Counter<long> failed;
    private readonly Counter<long> planhatCalls;
    private readonly Counter<long> planhatThrottled;
    private readonly Counter<long> firehoseCalls;
    private readonly Counter<long> deadLetters;
    private readonly Histogram<double> jobDuration;

    public ProductMetrics(IMeterFactory meters)
    {
        meter = meters.Create(Name);
        synced = meter.CreateCounter<long>("hullplanhat.objects.synced", description: "Objects written to Planhat or Hull.");
        skipped = meter.CreateCounter<long>("hullplanhat.objects.skipped", description: "Objects skipped, by reason.");
        failed = meter.CreateCounter<long>("hullplanhat.objects.failed", description: "Objects that failed to sync.");
        planhatCalls = meter.CreateCounter<long>("hullplanhat.planhat.calls", description: "Planhat API calls, by endpoint and status.");
        planhatThrottled = meter.CreateCounter<long>("hullplanhat.planhat.throttled", description: "Planhat 429 answers.");
        firehoseCalls = meter.CreateCounter<long>("hullplanhat.firehose.calls", description: "Hull firehose POSTs, by status.");
        deadLetters = meter.CreateCounter<long>("hullplanhat.deadletters", description: "Rows moved to the dead-letter table.");
        jobDuration = meter.CreateHistogram<double>("hullplanhat.job.duration", unit: "s", description: "Timer job durations.");
    }

    /// <summary>Registers the outbox gauges; called once, by <c>OutboxGauges</c>.</summary>
    public void ObserveOutbox(Func<IEnumerable<Measurement<long>>> depth, Func<IEnumerable<Measurement<double>>> oldestAgeSeconds)
    {
        meter.CreateObservableGauge("hullplanhat.outbox.depth", depth, description: "Rows waiting in the outbox.");
        meter.CreateObservableGauge("hullplanhat.outbox.oldest_age_seconds", oldestAgeSeconds, unit: "s", description: "Age of the oldest outbox row.");
    }

    public void Synced(string objectType, string direction, int count = 1) =>
        synced.Add(count, new("object_type", objectType), new("direction", direction));

    public void Skipped(string objectType, string reason) =>
        skipped.Add(1, new("object_type", objectType), new("reason", reason));

    public void Failed(string objectType, int count = 1) => failed.Add(count, new KeyValuePair<string, object?>("object_type", objectType));

    public void PlanhatCall(string method, Uri? uri, int status)
    {
        var endpoint = $"{method} {EndpointOf(uri)}";
        planhatCalls.Add(1, new("endpoint", endpoint), new("status", status));
        if (status == 429)
        {
            planhatThrottled.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
        }
    }

    public void FirehoseCall(int status) => firehoseCalls.Add(1, new KeyValuePair<string, object?>("status", status));

    public void DeadLettered(string objectType) => deadLetters.Add(1, new KeyValuePair<string, object?>("object_type", objectType));

    public void JobCompleted(string job, string outcome, TimeSpan duration) =>
        jobDuration.Record(duration.TotalSeconds, new("job", job), new("outcome", outcome));

    public void Dispose() => meter.Dispose();

    // "/planhat/companies/abc" → "companies": low-cardinality tags, and never a tenant token from a path.
    private static string EndpointOf(Uri? uri)
    {
        var segments = uri?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        string[] known = ["companies", "leancompanies", "endusers", "licenses", "users", "analytics"];
        return segments.FirstOrDefault(s => known.Contains(s)) ?? "other";
    }
}
