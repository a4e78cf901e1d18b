using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>The sent-event ledger on Azurite: one claim per event, and bounded (rows older than the retention are purged).</summary>
[Collection(ProductCollection.Name)]
public sealed class SentEventLedgerTests(ProductFixture product)
{
    private SentEventLedger Ledger => product.Services.GetRequiredService<SentEventLedger>();

    [Fact]
    public async Task Purge_deletes_only_rows_written_before_the_cutoff_and_keeps_other_connectors()
    {
        string connectorId = Guid.NewGuid().ToString("N"), other = Guid.NewGuid().ToString("N");
        var sent = Enumerable.Range(0, 230).Select(i => ($"user-{i % 7}", $"event-{i}")).ToList();
        await Ledger.ClaimAsync(connectorId, sent, CancellationToken.None);
        await Ledger.ClaimAsync(other, sent.Take(5), CancellationToken.None);

        Assert.Equal(0, await Ledger.PurgeAsync(connectorId, DateTimeOffset.UtcNow.AddMinutes(-10), CancellationToken.None));
        Assert.Empty(await Unsent(connectorId));

        Assert.Equal(230, await Ledger.PurgeAsync(connectorId, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None));
        Assert.Equal(5, (await Unsent(connectorId)).Count);
        Assert.Empty(await Ledger.UnsentAsync(other, "user-0", [Event("event-0")], CancellationToken.None));
    }

    [Fact]
    public async Task Two_flushes_claiming_the_same_events_at_once_claim_each_event_once()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 250).Select(i => ($"user-{i % 9}", i == 0 ? new string('e', 5_000) : $"event-{i}")).ToList();

        var claims = await Task.WhenAll(
            Ledger.ClaimAsync(connectorId, events, CancellationToken.None),
            Ledger.ClaimAsync(connectorId, events.Skip(100).Append(("user-new", "event-new")), CancellationToken.None));

        Assert.All(claims, c => Assert.Null(c.Error));
        Assert.Empty(claims[0].Claimed.Intersect(claims[1].Claimed));
        Assert.Equal(events.Append(("user-new", "event-new")).ToHashSet(), claims[0].Claimed.Union(claims[1].Claimed).ToHashSet());
        Assert.Empty((await Ledger.ClaimAsync(connectorId, events, CancellationToken.None)).Claimed);
    }

    private Task<IReadOnlyList<StagedEvent>> Unsent(string connectorId) =>
        Ledger.UnsentAsync(connectorId, "user-0", Enumerable.Range(0, 5).Select(i => Event($"event-{i * 7}")).ToList(), CancellationToken.None);

    private static StagedEvent Event(string id) => new(id, new System.Text.Json.Nodes.JsonObject { ["action"] = "Logged in" });
}
