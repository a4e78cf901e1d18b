using Azure.Core;
using Azure.Core.Pipeline;
using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// A conditional write whose reply is lost is sent again by storage's client and meets itself (409,
/// 412). Each such write carries a token, so the row read back tells it landed: a batch job carries
/// on, an import job keeps its claim, and claimed events stay claimed by the flush that will post them.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class LostStorageReplyTests(ProductFixture product)
{
    [Fact]
    public async Task A_batch_jobs_row_created_and_advanced_with_their_replies_lost_still_count_as_written()
    {
        var lost = new LostReplyPolicy(r => r.Uri.Path.Contains(StorageNames.ExtractJobsTable, StringComparison.Ordinal) && r.Method != RequestMethod.Get, times: 2);
        var store = new ExtractJobStore(Clients(lost));
        string connectorId = Guid.NewGuid().ToString("N"), jobId = Guid.NewGuid().ToString("N");
        var state = new ExtractJobState(ExtractKind.Accounts, null, "blob", 0, 0, 0, 0, false);

        var created = await store.TryWriteAsync(connectorId, jobId, state, default, CancellationToken.None);
        var advanced = await store.TryWriteAsync(connectorId, jobId, state with { Step = 1, Offset = 10 }, created!.Value, CancellationToken.None);

        Assert.Equal(2, lost.Lost);
        Assert.NotNull(advanced);
        var (read, etag) = await store.GetAsync(connectorId, jobId, CancellationToken.None);
        Assert.Equal((1L, 10L), (read!.Step, read.Offset));
        Assert.Equal(advanced, etag);

        // Another delivery's write, met the same way, is still not this one's.
        Assert.Null(await store.TryWriteAsync(connectorId, jobId, state with { Step = 1, Offset = 10 }, created.Value, CancellationToken.None));
        Assert.Null(await store.TryWriteAsync(connectorId, jobId, state, default, CancellationToken.None));
    }

    [Fact]
    public async Task An_import_jobs_checkpoint_written_with_its_reply_lost_is_still_this_runs()
    {
        var lost = new LostReplyPolicy(r => r.Uri.Path.Contains(StorageNames.JobsTable, StringComparison.Ordinal) && r.Method == RequestMethod.Put);
        var jobs = new JobStore(Clients(lost));
        var connectorId = Guid.NewGuid().ToString("N");
        var state = new JobState { Status = "running", JobId = "job-1", StartedAt = DateTimeOffset.UtcNow };
        var created = await jobs.TryWriteAsync(connectorId, IncomingKind.Endusers, state, default, CancellationToken.None);

        var saved = await jobs.TryWriteAsync(connectorId, IncomingKind.Endusers, state with { Offset = 200 }, created!.Value, CancellationToken.None);

        Assert.Equal(1, lost.Lost);
        Assert.NotNull(saved);
        Assert.Equal(200, (await jobs.GetAsync(connectorId, IncomingKind.Endusers, CancellationToken.None)).State!.Offset);
    }

    [Fact]
    public async Task Events_claimed_by_a_transaction_whose_reply_was_lost_stay_this_flushes_to_post()
    {
        var lost = new LostReplyPolicy(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        var ledger = new SentEventLedger(Clients(lost));
        var connectorId = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 150).Select(i => ($"user-{i % 4}", $"event-{i}")).ToList();

        var (claimed, error) = await ledger.ClaimAsync(connectorId, events, CancellationToken.None);

        Assert.Equal(1, lost.Lost);
        Assert.Null(error);
        Assert.Equal(events.ToHashSet(), claimed.ToHashSet());
        Assert.Empty((await ledger.ClaimAsync(connectorId, events, CancellationToken.None)).Claimed);
    }

    private StorageClients Clients(HttpPipelinePolicy policy) =>
        new(new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"])]).Build(),
            eachAttempt: policy);
}
