using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using HullPlanhat.Core.Telemetry;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Counts every request the storage clients send (retries included), as
/// <c>hullplanhat.storage.requests</c> tagged by service and operation (<c>queue</c>/<c>send</c>,
/// <c>table</c>/<c>transaction</c>…): storage requests per object are what limits throughput.
/// </summary>
public sealed class StorageRequestMetrics(IMeterFactory meters)
{
    public const string InstrumentName = "hullplanhat.storage.requests";
    public const string DurationInstrumentName = "hullplanhat.storage.duration";
    private const string ServiceTag = "service";
    private const string OperationTag = "operation";
    private const string TableTag = "table";
    private const string TableProperty = "hullplanhat.storage.table";

    private readonly Counter<long> requests = meters.Create(ProductMetrics.Name).CreateCounter<long>(InstrumentName, description: "Storage requests, by service and operation.");
    private readonly Histogram<double> durations = meters.Create(ProductMetrics.Name).CreateHistogram<double>(DurationInstrumentName, unit: "s",
        description: "Storage request time from send to answer (each retry its own), by service and operation.");

    /// <summary>
    /// The service and operation a measurement was tagged with ("?" for a missing tag), for
    /// listeners that count the requests (the benchmarks, the tests).
    /// </summary>
    public static (string Service, string Operation) TagsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var (service, operation, _) = AllTagsOf(tags);
        return (service, operation);
    }

    /// <summary>As <see cref="TagsOf"/>, with the table the request addressed (null when not known).</summary>
    public static (string Service, string Operation, string? Table) AllTagsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string service = "?", operation = "?";
        string? table = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case ServiceTag:
                    service = tag.Value as string ?? "?";
                    break;
                case OperationTag:
                    operation = tag.Value as string ?? "?";
                    break;
                case TableTag:
                    table = tag.Value as string;
                    break;
            }
        }

        return (service, operation, table);
    }

    /// <summary>
    /// Names the table of the requests sent within the scope: a transaction's address (<c>/$batch</c>)
    /// does not, and transactions are most of what a table costs.
    /// </summary>
    public static IDisposable ForTable(string table) =>
        HttpPipeline.CreateHttpMessagePropertiesScope(new Dictionary<string, object?>(StringComparer.Ordinal) { [TableProperty] = table });

    /// <summary>A pipeline policy for the clients of one service (<c>queue</c>, <c>table</c>, <c>blob</c>).</summary>
    public HttpPipelinePolicy For(string service) => new Counting(this, service);

    /// <summary>The operation of a storage request, from its method and address.</summary>
    public static string Operation(string service, string method, string path, string query) => service switch
    {
        "queue" => (method, path.Contains("/messages/", StringComparison.Ordinal), path.EndsWith("/messages", StringComparison.Ordinal)) switch
        {
            ("POST", _, true) => "send",
            ("GET", _, true) when query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) => "peek",
            ("GET", _, true) => "receive",
            ("DELETE", true, _) => "delete",
            ("PUT", true, _) => "update",
            _ => "other",
        },
        "table" => method switch
        {
            "POST" when path.EndsWith("$batch", StringComparison.Ordinal) => "transaction",
            "POST" when path.EndsWith("/Tables", StringComparison.Ordinal) => "create",
            "GET" when path.Contains("(PartitionKey=", StringComparison.Ordinal) => "point-read",
            "GET" => "query",
            "POST" => "insert",
            "PUT" or "MERGE" or "PATCH" => "update",
            "DELETE" => "delete",
            _ => "other",
        },
        _ => method.ToLowerInvariant(),
    };

    /// <summary>The table a request addresses (<c>/{account}/syncstate(PartitionKey=…)</c>, <c>/syncstate()</c>); null for <c>$batch</c> and <c>Tables</c>.</summary>
    public static string? TableOf(string path)
    {
        var segment = path[(path.LastIndexOf('/') + 1)..];
        var name = segment.IndexOf('(') is var open and >= 0 ? segment[..open] : segment;
        return name is "" or "$batch" or "Tables" ? null : name;
    }

    /// <summary>Whether a successful receive's answer (Azure's <c>QueueMessagesList</c> XML, buffered) held no message.</summary>
    public static bool IsEmptyReceive(Response response) =>
        response.Status == 200 && response.ContentStream is MemoryStream && response.Content.ToMemory().Span.IndexOf("<QueueMessage>"u8) < 0;

    private sealed class Counting(StorageRequestMetrics owner, string service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                Count(message, Stopwatch.GetElapsedTime(started));
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            finally
            {
                Count(message, Stopwatch.GetElapsedTime(started));
            }
        }

        private void Count(HttpMessage message, TimeSpan elapsed)
        {
            var operation = Operation(service, message.Request.Method.Method, message.Request.Uri.Path, message.Request.Uri.Query);
            if (operation == "receive" && message.HasResponse && IsEmptyReceive(message.Response))
            {
                operation = "receive-empty";
            }

            var name = message.TryGetProperty(TableProperty, out var named) && named is string scoped ? scoped
                : service == "table" ? TableOf(message.Request.Uri.Path) : null;
            if (name is not null)
            {
                owner.requests.Add(1, new(ServiceTag, service), new(OperationTag, operation), new(TableTag, name));
                owner.durations.Record(elapsed.TotalSeconds, new(ServiceTag, service), new(OperationTag, operation), new(TableTag, name));
            }
            else
            {
                owner.requests.Add(1, new(ServiceTag, service), new(OperationTag, operation));
                owner.durations.Record(elapsed.TotalSeconds, new(ServiceTag, service), new(OperationTag, operation));
            }
        }
    }
}
