using System.Text.Json.Nodes;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Storage.Batching;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// Which staged rows a flush reads when more are due than one bulk call takes: the longest-waiting,
/// not the first by key, so a row whose key sorts late is not passed over while a stream goes on.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class OutboxReadOrderTests(ProductFixture product)
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z"));

    [Fact]
    public async Task When_more_rows_are_due_than_a_read_takes_the_longest_waiting_come_first()
    {
        var outbox = Outbox();
        var connectorId = Guid.NewGuid().ToString("N");
        await StageAsync(outbox, connectorId, "z-staged-first");
        foreach (var i in Enumerable.Range(0, 9))
        {
            await StageAsync(outbox, connectorId, $"a{i}");
        }

        var read = await outbox.ReadDueAsync(connectorId, OutboxObjectTypes.Company, 4, CancellationToken.None);

        Assert.Equal(["z-staged-first", "a0", "a1", "a2"], read.Select(r => r.HullId));
    }

    [Fact]
    public async Task When_all_due_rows_fit_they_come_in_key_order_and_rows_not_yet_due_stay()
    {
        var outbox = Outbox();
        var connectorId = Guid.NewGuid().ToString("N");
        await StageAsync(outbox, connectorId, "c");
        await StageAsync(outbox, connectorId, "b");
        await StageAsync(outbox, connectorId, "a");
        var deferred = await outbox.FindAsync(connectorId, OutboxObjectTypes.Company, "b", CancellationToken.None);
        Assert.True(await outbox.TryWriteAsync(deferred! with { NotBefore = clock.GetUtcNow().AddMinutes(5) }, deferred, CancellationToken.None));

        var read = await outbox.ReadDueAsync(connectorId, OutboxObjectTypes.Company, 10, CancellationToken.None);

        Assert.Equal(["a", "c"], read.Select(r => r.HullId));
    }

    private OutboxStore Outbox()
    {
        var clients = new StorageClients(product.Services.GetRequiredService<IConfiguration>(), product.Services.GetRequiredService<StorageRequestMetrics>());
        return new OutboxStore(clients, clock, new TableGroupCommit(clients, TimeProvider.System));
    }

    private async Task StageAsync(OutboxStore outbox, string connectorId, string hullId)
    {
        Assert.True(await outbox.StageNewestAsync(new OutboxRow
        {
            ConnectorId = connectorId,
            ObjectType = OutboxObjectTypes.Company,
            HullId = hullId,
            Payload = new JsonObject { ["name"] = hullId },
            Hash = $"hash-{hullId}",
            HullClaims = new JsonObject { ["id"] = hullId },
            Version = 1,
        }, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));
    }
}
