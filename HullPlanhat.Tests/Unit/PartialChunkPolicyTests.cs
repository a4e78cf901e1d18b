using HullPlanhat.Core.Outgoing.Outbox;

namespace HullPlanhat.Tests.Unit;

public sealed class PartialChunkPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    private static List<OutboxRow> StagedAgo(params double[] seconds) => seconds.Select((s, i) => new OutboxRow
    {
        ConnectorId = "c",
        ObjectType = OutboxObjectTypes.Enduser,
        HullId = $"u{i}",
        Payload = [],
        Hash = "h",
        HullClaims = [],
        StagedAt = Now - TimeSpan.FromSeconds(s),
    }).ToList();

    [Fact]
    public void A_full_chunk_goes_however_fresh()
    {
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(0, 0, 0), chunkSize: 3, Now, Hold, Quiet));
    }

    [Fact]
    public void A_partial_chunk_still_growing_waits_until_the_stream_pauses_or_its_oldest_row_waited_the_hold()
    {
        Assert.False(PartialChunkPolicy.ShouldSend(StagedAgo(50, 1), chunkSize: 3, Now, Hold, Quiet));
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(50, 2.5), chunkSize: 3, Now, Hold, Quiet)); // nothing staged for 2 s
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(61, 0.1), chunkSize: 3, Now, Hold, Quiet)); // the oldest waited a minute
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(3), chunkSize: 3, Now, Hold, Quiet)); // a single change, once quiet
    }

    [Fact]
    public void Rows_fed_by_a_step_that_held_its_own_chunk_wait_however_quiet_until_the_hold_runs_out()
    {
        // Events inherit their enduser's staging time, so they look quiet while endusers still stream in.
        Assert.False(PartialChunkPolicy.ShouldSend(StagedAgo(30, 20), chunkSize: 3, Now, Hold, Quiet, moreComing: true));
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(30, 20), chunkSize: 3, Now, Hold, Quiet, moreComing: false));
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(61, 20), chunkSize: 3, Now, Hold, Quiet, moreComing: true));
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(0, 0, 0), chunkSize: 3, Now, Hold, Quiet, moreComing: true));
    }

    [Fact]
    public void Without_a_hold_every_chunk_goes_at_once_and_nothing_due_sends_nothing()
    {
        Assert.True(PartialChunkPolicy.ShouldSend(StagedAgo(0), chunkSize: 3, Now, TimeSpan.Zero, Quiet));
        Assert.False(PartialChunkPolicy.ShouldSend(StagedAgo(), chunkSize: 3, Now, Hold, Quiet));
    }
}
