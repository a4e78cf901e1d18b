using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.TwoWay;

/// <summary>
/// Remembers what the outgoing flush wrote to Planhat, on the object's row of the <c>hashes</c>
/// table (merged, so the import's own columns stay), so the next import can tell our own write
/// from a change made in Planhat (<see cref="EchoCheck"/>). The import clears it when it replaces the row.
/// </summary>
public sealed class EchoRecorder(StorageClients storage, TimeProvider clock)
{
    public const string FieldsColumn = "WrittenFields";
    public const string AtColumn = "WrittenAt";

    /// <param name="written">Planhat id and the item Planhat accepted, per object.</param>
    public async Task RecordAsync(string connectorId, IncomingKind kind, IEnumerable<(string PlanhatId, JsonObject Item)> written, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = HashStore.Partition(connectorId, kind);
        var at = clock.GetUtcNow();
        var actions = written
            .GroupBy(w => w.PlanhatId, StringComparer.Ordinal)
            .Select(g => new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(partition, TableKeys.Encode(g.Key))
            {
                [FieldsColumn] = FieldFingerprints.Serialize(FieldFingerprints.OfWritten(g.Last().Item)),
                [AtColumn] = at,
            }))
            .ToList();
        await storage.Table(StorageNames.HashesTable).SubmitInTransactionsAsync(actions, cancellationToken);
    }
}
