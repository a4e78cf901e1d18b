using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Hull;

/// <summary>
/// Writes traits to Hull through the firehose (hull-protocol.md §2): batches of up to
/// <see cref="HullOptions.FirehoseBatchSize"/> entries per POST, each with its own JWT. Retries on
/// 5xx/timeouts come from the client's resilience handler.
/// </summary>
public sealed class HullFirehoseClient(HttpClient http, FirehoseTokenFactory tokens, IOptions<HullOptions> options, TimeProvider clock, ProductMetrics metrics)
{
    public async Task SendAsync(ConnectorRecord connector, IReadOnlyList<FirehoseEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var batch in entries.Chunk(options.Value.FirehoseBatchSize))
        {
            var now = clock.GetUtcNow().ToString("O");
            var body = new JsonObject
            {
                ["batch"] = new JsonArray(batch.Select(e => (JsonNode)new JsonObject
                {
                    ["type"] = e.Type,
                    ["headers"] = new JsonObject { ["Hull-Access-Token"] = tokens.Create(connector.Id, connector.Secret, e) },
                    ["body"] = e.Body.DeepClone(),
                    ["timestamp"] = now,
                }).ToArray()),
                ["timestamp"] = now,
                ["sentAt"] = now,
            };

            using var request = new HttpRequestMessage(HttpMethod.Post, FirehoseUrl(connector.Organization))
            {
                Content = JsonContent.Create(body, HullJsonContext.Default.JsonObject),
            };
            request.Headers.Add("Hull-App-Id", connector.Id);
            request.Headers.Add("Hull-Access-Token", connector.Secret);
            request.Headers.Add("Hull-Organization", connector.Organization);
            using var response = await http.SendAsync(request, cancellationToken);
            metrics.FirehoseCall((int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Hull firehose answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
            }
        }
    }

    /// <summary><c>https://firehose.&lt;organization minus its first label&gt;</c>, unless overridden.</summary>
    public Uri FirehoseUrl(string organization)
    {
        if (options.Value.FirehoseUrl is { } overridden)
        {
            return overridden;
        }

        var dot = organization.IndexOf('.');
        return new Uri($"https://firehose.{(dot >= 0 ? organization[(dot + 1)..] : organization)}/");
    }
}
