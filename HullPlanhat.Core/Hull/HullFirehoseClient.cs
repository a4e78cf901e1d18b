using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Hull;

/// <summary>What Hull accepted of a <see cref="HullFirehoseClient.SendGroupsAsync"/> call.</summary>
/// <param name="Accepted">Per group, whether the request carrying it succeeded.</param>
/// <param name="Requests">POSTs made (each retry counted once).</param>
/// <param name="Error">The first failure, if any; no request started after it.</param>
public sealed record FirehoseDelivery(bool[] Accepted, int Requests, string? Error);

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
            await PostAsync(connector, batch, cancellationToken);
        }
    }

    /// <summary>
    /// Sends groups of entries (e.g. a user's traits and its account link), never splitting a group
    /// over two POSTs, up to <see cref="HullOptions.FirehoseConcurrency"/> POSTs at once, and reports
    /// which groups Hull accepted instead of throwing, so callers record only what Hull has. After a
    /// failed POST no further one starts; those in flight finish and count.
    /// </summary>
    public async Task<FirehoseDelivery> SendGroupsAsync(ConnectorRecord connector, IReadOnlyList<IReadOnlyList<FirehoseEntry>> groups, CancellationToken cancellationToken)
    {
        var batches = new List<(int Start, int End)>();
        for (var start = 0; start < groups.Count;)
        {
            var end = start;
            var entries = 0;
            while (end < groups.Count && (entries == 0 || entries + groups[end].Count <= options.Value.FirehoseBatchSize))
            {
                entries += groups[end++].Count;
            }

            batches.Add((start, end));
            start = end;
        }

        var accepted = new bool[groups.Count];
        var errors = new string?[batches.Count];
        var requests = 0;
        var failed = false;
        await Parallel.ForEachAsync(Enumerable.Range(0, batches.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.FirehoseConcurrency, CancellationToken = cancellationToken },
            async (b, ct) =>
            {
                if (Volatile.Read(ref failed))
                {
                    return;
                }

                var (start, end) = batches[b];
                Interlocked.Increment(ref requests);
                try
                {
                    await PostAsync(connector, groups.Take(start..end).SelectMany(g => g).ToList(), ct);
                    Array.Fill(accepted, true, start, end - start);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // 4xx, or 5xx/timeouts after the retries: what was sent before stays accepted.
                    errors[b] = e.Message;
                    Volatile.Write(ref failed, true);
                }
            });
        return new FirehoseDelivery(accepted, requests, errors.FirstOrDefault(e => e is not null));
    }

    private async Task PostAsync(ConnectorRecord connector, IReadOnlyList<FirehoseEntry> batch, CancellationToken cancellationToken)
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
