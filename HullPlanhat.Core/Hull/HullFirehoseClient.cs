using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Hull;

/// <summary>What Hull accepted of a <see cref="HullFirehoseClient.SendGroupsAsync"/> call.</summary>
/// <param name="Accepted">Per group, whether the request carrying it succeeded.</param>
/// <param name="Requests">POSTs made (each retry counted once).</param>
/// <param name="Error">The first failure, if any; no request started after it.</param>
public sealed record FirehoseDelivery(bool[] Accepted, int Requests, string? Error)
{
    /// <summary>Per group, Hull's answer when it refused that group on its own (400, 413, 422); the other groups went on without it.</summary>
    public string?[] Refused { get; init; } = new string?[Accepted.Length];

    /// <summary>The failure, else the first refusal; null when Hull took everything.</summary>
    public string? FirstProblem => Error ?? Refused.FirstOrDefault(r => r is not null);
}

/// <summary>
/// Writes traits to Hull through the firehose (hull-protocol.md §2): batches of up to
/// <see cref="HullOptions.FirehoseBatchSize"/> entries per POST, each with its own JWT. Retries on
/// 5xx/timeouts come from the client's resilience handler.
/// </summary>
public sealed class HullFirehoseClient(HttpClient http, FirehoseTokenFactory tokens, IOptions<HullOptions> options, TimeProvider clock, ProductMetrics metrics)
{
    /// <summary>Sends entries on their own (each its own group): what Hull refused, and the first failure, are in the answer.</summary>
    public Task<FirehoseDelivery> SendAsync(ConnectorRecord connector, IReadOnlyList<FirehoseEntry> entries, CancellationToken cancellationToken) =>
        SendGroupsAsync(connector, [.. entries.Select(e => (IReadOnlyList<FirehoseEntry>)[e])], cancellationToken);

    /// <summary>
    /// Sends groups of entries (e.g. a user's traits and its account link), never splitting a group
    /// over two POSTs, up to <see cref="HullOptions.FirehoseConcurrency"/> POSTs at once, and reports
    /// which groups Hull accepted instead of throwing, so callers record only what Hull has. A POST
    /// Hull refuses for its content is split in halves and each sent again, down to the group it
    /// refuses on its own (<see cref="FirehoseDelivery.Refused"/>), so one bad object costs a few
    /// POSTs, not its neighbours. After any other failure no further POST starts; those in flight
    /// finish and count.
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

        var delivery = new GroupsDelivery(groups);
        var errors = new string?[batches.Count];
        var failed = false;
        await Parallel.ForEachAsync(Enumerable.Range(0, batches.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.FirehoseConcurrency, CancellationToken = cancellationToken },
            async (b, ct) =>
            {
                if (Volatile.Read(ref failed))
                {
                    return;
                }

                try
                {
                    await PostOrSplitAsync(connector, delivery, batches[b].Start, batches[b].End, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // 401/403/404, or 5xx/timeouts after the retries: what was sent before stays accepted.
                    errors[b] = e.Message;
                    Volatile.Write(ref failed, true);
                }
            });
        return new FirehoseDelivery(delivery.Accepted, delivery.Requests, errors.FirstOrDefault(e => e is not null)) { Refused = delivery.Refused };
    }

    /// <summary>Posts groups [start, end); refused for its content, each half goes on its own, down to a single group.</summary>
    private async Task PostOrSplitAsync(ConnectorRecord connector, GroupsDelivery delivery, int start, int end, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref delivery.Requests);
        try
        {
            await PostAsync(connector, delivery.Groups.Take(start..end).SelectMany(g => g).ToList(), cancellationToken);
            Array.Fill(delivery.Accepted, true, start, end - start);
        }
        catch (HttpRequestException e) when (IsRefusedContent(e.StatusCode))
        {
            if (end - start == 1)
            {
                delivery.Refused[start] = e.Message;
                return;
            }

            var middle = start + ((end - start) / 2);
            await PostOrSplitAsync(connector, delivery, start, middle, cancellationToken);
            await PostOrSplitAsync(connector, delivery, middle, end, cancellationToken);
        }
    }

    // What Hull refuses for the body itself; credentials (401/403), a wrong URL (404) and throttling refuse every body alike.
    private static bool IsRefusedContent(HttpStatusCode? status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity;

    private sealed class GroupsDelivery(IReadOnlyList<IReadOnlyList<FirehoseEntry>> groups)
    {
        public IReadOnlyList<IReadOnlyList<FirehoseEntry>> Groups { get; } = groups;
        public bool[] Accepted { get; } = new bool[groups.Count];
        public string?[] Refused { get; } = new string?[groups.Count];
        public int Requests;
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
            var answer = Excerpt.Of(await response.Content.ReadAsStringAsync(cancellationToken), 300);
            throw new HttpRequestException($"Hull firehose answered {(int)response.StatusCode}: {answer}", null, response.StatusCode);
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
