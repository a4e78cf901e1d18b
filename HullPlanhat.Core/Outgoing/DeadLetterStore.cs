using Azure.Data.Tables;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// The <c>deadletters</c> table: objects Planhat kept refusing, with their payload and last
/// error, for an operator to inspect and re-send. Nothing is dropped silently.
/// </summary>
public sealed class DeadLetterStore(StorageClients storage, TimeProvider clock)
{
    public async Task AddAsync(OutboxRow row, string error, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var entity = new TableEntity(TableKeys.Encode(row.ConnectorId), $"{row.ObjectType}_{TableKeys.Encode(row.HullId)}_{clock.GetUtcNow():yyyyMMddHHmmssfff}")
        {
            ["ConnectorId"] = row.ConnectorId,
            ["ObjectType"] = row.ObjectType,
            ["HullId"] = row.HullId,
            ["Attempts"] = row.Attempts + 1,
            ["Error"] = error.Length > 8000 ? error[..8000] : error,
            ["HullClaims"] = row.HullClaims.ToJsonString(),
            ["FailedAt"] = clock.GetUtcNow(),
            ["Hash"] = row.Hash, ["PlanhatId"] = row.PlanhatId, ["Version"] = row.Version, // for a replay (Operations/DeadLetters)
        };
        LargeText.Write(entity, "Context", row.Context?.ToJsonString());
        LargeText.Write(entity, "Payload", row.Payload.ToJsonString());
        LargeText.Write(entity, "Attachments", row.Attachments?.ToJsonString());
        await storage.Table(StorageNames.DeadLettersTable).UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }
}
