using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>The sent-event ledger on Azurite stays bounded: rows older than the retention are purged.</summary>
[Collection(ProductCollection.Name)]
public sealed class SentEventLedgerTests(ProductFixture product)
{
    private SentEventLedger Ledger => product.Services.GetRequiredService<SentEventLedger>();

    [Fact]
    public async Task Purge_deletes_only_rows_written_before_the_cutoff_and_keeps_other_connectors()
    {
        string connectorId = Guid.NewGuid().ToString("N"), other = Guid.NewGuid().ToString("N");
        var sent = Enumerable.Range(0, 230).Select(i => ($"user-{i % 7}", $"event-{i}")).ToList();
        await Ledger.MarkSentAsync(connectorId, sent, CancellationToken.None);
        await Ledger.MarkSentAsync(other, sent.Take(5), CancellationToken.None);

        Assert.Equal(0, await Ledger.PurgeAsync(connectorId, DateTimeOffset.UtcNow.AddMinutes(-10), CancellationToken.None));
        Assert.Empty(await Unsent(connectorId));

        Assert.Equal(230, await Ledger.PurgeAsync(connectorId, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None));
        Assert.Equal(5, (await Unsent(connectorId)).Count);
        Assert.Empty(await Ledger.UnsentAsync(other, "user-0", [Event("event-0")], CancellationToken.None));
    }

    private Task<IReadOnlyList<StagedEvent>> Unsent(string connectorId) =>
        Ledger.UnsentAsync(connectorId, "user-0", Enumerable.Range(0, 5).Select(i => Event($"event-{i * 7}")).ToList(), CancellationToken.None);

    private static StagedEvent Event(string id) => new(id, new System.Text.Json.Nodes.JsonObject { ["action"] = "Logged in" });
}
