using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Incoming;

/// <summary>What was last accepted by Hull for one Planhat object: its hash and, for companies, its account claims.</summary>
public sealed record StoredHash(string Hash, JsonObject? Claims);

/// <summary>
/// The <c>hashes</c> table: partition = connector + object type, row = Planhat <c>_id</c>. Company
/// rows also keep the account claims they were sent with, which is how endusers find the Hull
/// account to link to without asking Planhat.
/// </summary>
public sealed class HashStore(StorageClients storage)
{
    private const int ReadParallelism = 32;
    private static readonly string[] Columns = ["Hash", "Claims"];

    private TableClient Table => storage.Table(StorageNames.HashesTable);

    public static string Partition(string connectorId, IncomingKind kind) => $"{TableKeys.Encode(connectorId)}_{kind.Name}";

    /// <summary>The stored rows for <paramref name="planhatIds"/> (point reads in parallel: a page's ids are not a key range).</summary>
    public async Task<IReadOnlyDictionary<string, StoredHash>> ReadAsync(string connectorId, IncomingKind kind, IEnumerable<string> planhatIds, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = Partition(connectorId, kind);
        var found = new ConcurrentDictionary<string, StoredHash>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(planhatIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                var response = await Table.GetEntityIfExistsAsync<TableEntity>(partition, TableKeys.Encode(id), Columns, ct);
                if (response.HasValue && response.Value?.GetString("Hash") is { } hash)
                {
                    found[id] = new StoredHash(hash, response.Value.GetString("Claims") is { } claims ? JsonNode.Parse(claims) as JsonObject : null);
                }
            });
        return found;
    }

    /// <summary>Records objects Hull accepted, in table transactions of up to 100 rows.</summary>
    public async Task SaveAsync(string connectorId, IncomingKind kind, IEnumerable<IncomingObject> accepted, CancellationToken cancellationToken)
    {
        var partition = Partition(connectorId, kind);
        var actions = accepted
            .GroupBy(o => o.PlanhatId, StringComparer.Ordinal)
            .Select(g => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, TableKeys.Encode(g.Key))
            {
                ["Hash"] = g.Last().Hash,
                ["Claims"] = kind == IncomingKind.Companies ? g.Last().Claims.ToJsonString() : null,
            }))
            .ToList();
        await Parallel.ForEachAsync(actions.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (batch, ct) => await Table.SubmitTransactionAsync(batch, ct));
    }
}
