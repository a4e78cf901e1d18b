using HullPlanhat.Core.Incoming;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>The job-level guard on Azurite: one claim per job row, and a run that lost it cannot checkpoint.</summary>
[Collection(ProductCollection.Name)]
public sealed class JobClaimTests(ProductFixture product)
{
    private static readonly TimeSpan NoHeartbeat = TimeSpan.FromHours(1);
    private JobStore Store => product.Services.GetRequiredService<JobStore>();

    [Fact]
    public async Task Two_runs_reading_the_same_row_cannot_both_claim_the_job()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        var (state, etag) = await Store.GetAsync(connectorId, IncomingKind.Endusers, CancellationToken.None);
        Assert.Null(state);

        await using var first = await ClaimAsync(connectorId, etag);
        await using var second = await ClaimAsync(connectorId, etag);

        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public async Task A_run_whose_job_was_taken_over_cannot_write_its_checkpoint()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        await using var stale = await ClaimAsync(connectorId, default);
        await stale!.SaveAsync(s => s with { Offset = 5000 }, CancellationToken.None);

        // Another host finds the heartbeat stale and takes the job over from the checkpoint.
        var (state, etag) = await Store.GetAsync(connectorId, IncomingKind.Endusers, CancellationToken.None);
        Assert.Equal(5000, state!.Offset);
        await using var takeover = await JobClaim.TryAcquireAsync(Store, connectorId, IncomingKind.Endusers, state with { Owner = "host-b" }, etag,
            TimeProvider.System, NoHeartbeat, CancellationToken.None);
        Assert.NotNull(takeover);

        await Assert.ThrowsAsync<JobClaimLostException>(() => stale.SaveAsync(s => s with { Offset = 10000 }, CancellationToken.None));
        Assert.True(stale.Lost.IsCancellationRequested);
        Assert.Equal(5000, (await Store.GetAsync(connectorId, IncomingKind.Endusers, CancellationToken.None)).State!.Offset);
    }

    private Task<JobClaim?> ClaimAsync(string connectorId, Azure.ETag etag) =>
        JobClaim.TryAcquireAsync(Store, connectorId, IncomingKind.Endusers, JobState.New("host-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, null), etag,
            TimeProvider.System, NoHeartbeat, CancellationToken.None);
}
