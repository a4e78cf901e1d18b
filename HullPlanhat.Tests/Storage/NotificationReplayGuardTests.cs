using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>The jti table on Azurite: first, replay, in progress, released, expired and abandoned claims.</summary>
[Collection(ProductCollection.Name)]
public sealed class NotificationReplayGuardTests(ProductFixture product)
{
    private readonly ManualClock clock = new();

    private NotificationReplayGuard Guard => new(product.Services.GetRequiredService<StorageClients>(), clock);

    [Fact]
    public async Task A_jti_is_claimed_once_and_replays_see_its_state()
    {
        var jti = Guid.NewGuid().ToString();
        var expires = clock.GetUtcNow().AddHours(1);
        Assert.Equal(ReplayClaim.First, await Guard.ClaimAsync(jti, expires, CancellationToken.None));
        Assert.Equal(ReplayClaim.InProgress, await Guard.ClaimAsync(jti, expires, CancellationToken.None));
        await Guard.AcceptAsync(jti, CancellationToken.None);
        Assert.Equal(ReplayClaim.AlreadyAccepted, await Guard.ClaimAsync(jti, expires, CancellationToken.None));
    }

    [Fact]
    public async Task A_released_jti_can_be_processed_again()
    {
        var jti = Guid.NewGuid().ToString();
        Assert.Equal(ReplayClaim.First, await Guard.ClaimAsync(jti, clock.GetUtcNow().AddHours(1), CancellationToken.None));
        await Guard.ReleaseAsync(jti, CancellationToken.None);
        Assert.Equal(ReplayClaim.First, await Guard.ClaimAsync(jti, clock.GetUtcNow().AddHours(1), CancellationToken.None));
    }

    [Fact]
    public async Task An_abandoned_claim_is_taken_over_and_an_expired_one_forgotten()
    {
        var abandoned = Guid.NewGuid().ToString();
        Assert.Equal(ReplayClaim.First, await Guard.ClaimAsync(abandoned, clock.GetUtcNow().AddHours(1), CancellationToken.None));
        clock.Advance(NotificationReplayGuard.AbandonedAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(ReplayClaim.InProgress, await Guard.ClaimAsync(abandoned, clock.GetUtcNow().AddHours(1), CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(ReplayClaim.First, await Guard.ClaimAsync(abandoned, clock.GetUtcNow().AddHours(1), CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(30), NotificationReplayGuard.AbandonedAfter); // a host killed mid-request holds Hull's resends back no longer

        var expired = Guid.NewGuid().ToString();
        Assert.Equal(ReplayClaim.First, await Guard.ClaimAsync(expired, clock.GetUtcNow().AddMinutes(1), CancellationToken.None));
        await Guard.AcceptAsync(expired, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(ReplayClaim.First, await Guard.ClaimAsync(expired, clock.GetUtcNow().AddHours(1), CancellationToken.None));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
