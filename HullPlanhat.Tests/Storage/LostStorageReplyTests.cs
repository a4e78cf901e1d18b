using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Operations;
using HullPlanhat.Core.Operations.DeadLetters;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Storage.Batching;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task A_large_notification_stored_with_its_reply_lost_is_still_deferred()
    {
        // The upload of the stored notification lands, its reply is lost, and storage's retry meets the blob (409).
        // The intake then took the 409 for a fault of the notification itself and answered Hull 400 (refused): Hull
        // never sent it again, and every object of the batch was lost.
        var lost = new LostReplyPolicy(r => r.Uri.Path.Contains($"/{StorageNames.ClaimCheckContainer}/", StringComparison.Ordinal) && r.Method == RequestMethod.Put);
        var storage = Clients(lost);
        var splitter = new DeferredSplitter(new QueueWriter(storage), storage);
        var body = System.Text.Encoding.UTF8.GetBytes(
            $$"""{"configuration":{"id":"{{Guid.NewGuid():N}}","organization":"lost.hullapp.io","secret":"s"},"channel":"user:update","messages":[]}""");

        await splitter.DeferAsync(Guid.NewGuid().ToString("N"), body, CancellationToken.None);

        Assert.Equal(1, lost.Lost);
    }

    [Fact]
    public async Task A_message_too_large_for_the_queue_stored_with_its_reply_lost_is_still_sent()
    {
        var lost = new LostReplyPolicy(r => r.Uri.Path.Contains($"/{StorageNames.ClaimCheckContainer}/", StringComparison.Ordinal) && r.Method == RequestMethod.Put);
        var storage = Clients(lost);
        var queue = storage.Queue("lostreply-" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateAsync();
        try
        {
            var message = $$"""{"text":"{{new string('x', QueueWriter.MaxInlineBytes)}}"}""";

            await new QueueWriter(storage).SendAsync(queue.Name, message, CancellationToken.None);

            Assert.Equal(1, lost.Lost);
            var received = (await queue.ReceiveMessageAsync()).Value;
            Assert.Equal(message, await new ClaimCheckReader(storage).ReadAsync(received.Body.ToString(), CancellationToken.None));
        }
        finally
        {
            await queue.DeleteAsync();
        }
    }

    [Fact]
    public async Task An_outbox_row_staged_with_its_reply_lost_is_this_writes_and_its_dead_letter_replay_is_staged()
    {
        var lost = new LostReplyPolicy(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        var storage = Clients(lost);
        var outbox = new OutboxStore(storage, TimeProvider.System, new TableGroupCommit(storage, TimeProvider.System));
        var connectorId = Guid.NewGuid().ToString("N");
        var row = new OutboxRow
        {
            ConnectorId = connectorId, ObjectType = OutboxObjectTypes.Company, HullId = "account-1", Payload = new JsonObject { ["name"] = "Acme" },
            Hash = "hash-1", HullClaims = new JsonObject { ["id"] = "account-1" }, Version = 1,
        };
        await product.Services.GetRequiredService<DeadLetterStore>().AddAsync(row with { Attempts = 4 }, "Planhat refused it.", CancellationToken.None);
        var replayer = new DeadLetterReplayer(storage, outbox, new EnduserOutbox(outbox, TimeProvider.System), new SyncStateStore(storage),
            Options.Create(new OutboxOptions()), TimeProvider.System, product.Services.GetRequiredService<OperationsMetrics>(), NullLogger<DeadLetterReplayer>.Instance);

        // The replay stages the row; the reply is lost and storage's retry meets the row (409). It was refused
        // ("a change is staged already") and the dead letter was never marked replaying, so it stayed listed
        // after Planhat took the replay, and the next replay of it sent it once more.
        var outcome = Assert.Single(await replayer.ReplayAsync(connectorId, null, CancellationToken.None));

        Assert.Equal(1, lost.Lost);
        Assert.Equal(ReplayOutcome.Staged, outcome.Outcome);
        Assert.NotNull(Assert.Single(await replayer.ListAsync(connectorId, 10, CancellationToken.None)).ReplayedAt);
        Assert.Equal("hash-1", (await outbox.FindAsync(connectorId, OutboxObjectTypes.Company, "account-1", CancellationToken.None))!.Hash);

        // Another writer's row, met the same way, is still not this one's.
        Assert.False(await outbox.TryWriteAsync(row, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_group_of_outbox_rows_committed_with_its_reply_lost_is_known_landed_at_once_not_one_transaction_per_row()
    {
        var transactions = 0;
        var lost = new LostReplyPolicy(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Interlocked.Increment(ref transactions) > 0
            && r.Content!.TryComputeLength(out var length) && length > 10_000); // a group of rows, not a row alone
        var storage = Clients(lost);
        var outbox = new OutboxStore(storage, TimeProvider.System, new TableGroupCommit(storage, TimeProvider.System));
        var connectorId = Guid.NewGuid().ToString("N");
        var rows = Enumerable.Range(0, 60).Select(i => new OutboxRow
        {
            ConnectorId = connectorId, ObjectType = OutboxObjectTypes.Company, HullId = $"account-{i}", Payload = new JsonObject { ["name"] = $"Acme {i}" },
            Hash = $"hash-{i}", HullClaims = new JsonObject { ["id"] = $"account-{i}" }, Version = 1,
        }).ToList();

        // The rows gather into one transaction or a few (behind a first row sent alone when the partition is idle); a group's reply is lost.
        var written = await Task.WhenAll(rows.Select(r => outbox.TryWriteAsync(r, null, CancellationToken.None)));

        Assert.True(lost.Lost == 1, $"lost {lost.Lost}, matched {lost.Matched}, transactions {transactions}");
        Assert.All(written, Assert.True);
        Assert.InRange(Volatile.Read(ref transactions), 2, 5); // the group, its retry meeting itself, maybe a row sent alone (before: one more per row)
    }

    [Fact]
    public async Task A_planhat_budget_claim_written_with_its_reply_lost_is_counted_once()
    {
        var lost = new LostReplyPolicy(r => r.Uri.Path.Contains(StorageNames.PlanhatBudgetTable, StringComparison.Ordinal) && r.Method != RequestMethod.Get);
        var storage = Clients(lost);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var budget = new SharedPlanhatBudget(storage, Options.Create(new PlanhatOptions { RequestsPerMinute = 120 }), clock, NullLogger<SharedPlanhatBudget>.Instance);
        var token = Guid.NewGuid().ToString("N");

        await budget.WaitAsync(token, CancellationToken.None);

        // The claim of a block landed, its reply was lost, and storage's retry met it (409): it was taken for another
        // instance's, and a second block claimed on top, so the window's share was spent on permits nobody uses.
        Assert.Equal(1, lost.Lost);
        var used = 0;
        await foreach (var row in storage.Table(StorageNames.PlanhatBudgetTable).QueryAsync<TableEntity>(e => e.PartitionKey == token))
        {
            used += row.GetInt32("Used") ?? 0;
        }

        Assert.Equal(4, used);
    }

    [Fact]
    public async Task An_abandoned_notification_claim_taken_over_with_its_reply_lost_is_this_requests()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var jti = Guid.NewGuid().ToString();
        var expires = clock.GetUtcNow().AddHours(1);
        Assert.Equal(ReplayClaim.First, await new NotificationReplayGuard(product.Services.GetRequiredService<StorageClients>(), clock).ClaimAsync(jti, expires, CancellationToken.None));
        clock.Advance(NotificationReplayGuard.AbandonedAfter + TimeSpan.FromSeconds(1));
        var lost = new LostReplyPolicy(r => r.Uri.Path.Contains(NotificationReplayGuard.TableName, StringComparison.Ordinal) && r.Method == RequestMethod.Put);

        // Hull's resend takes the crashed request's claim over; the reply is lost and storage's retry meets the
        // takeover (412). It answered "in progress" (409) while holding the claim itself, so every resend was
        // turned away until the claim was abandoned once more.
        var claim = await new NotificationReplayGuard(Clients(lost), clock).ClaimAsync(jti, expires, CancellationToken.None);

        Assert.Equal(1, lost.Lost);
        Assert.Equal(ReplayClaim.First, claim);
    }

    [Fact]
    public async Task Unseen_hashes_marked_by_a_transaction_whose_reply_was_lost_are_counted_as_marked()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        var shared = product.Services.GetRequiredService<StorageClients>();
        await shared.EnsureCreatedAsync();
        var partition = HashStore.Partition(connectorId, IncomingKind.Companies);
        foreach (var id in new[] { "gone-1", "gone-2", "gone-3" })
        {
            await shared.Table(StorageNames.HashesTable).AddEntityAsync(new TableEntity(partition, id) { ["Hash"] = "h" });
        }

        var lost = new LostReplyPolicy(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));

        // The marks land, the reply is lost and storage's retry fails on the first row marked (412): each row was
        // dropped as "changed meanwhile" and none counted, so the job was saved with UnseenPending false and the next
        // complete run over the same pages skipped its purge: the rows, marked once, were never deleted.
        var (deleted, marked) = await new UnseenHashPurge(Clients(lost)).RunAsync(connectorId, IncomingKind.Companies, DateTimeOffset.UtcNow.AddMinutes(1), "job-2", null,
            new SeenIds(), CancellationToken.None);

        Assert.Equal(1, lost.Lost);
        Assert.Equal((0, 3), (deleted, marked));
        await foreach (var row in shared.Table(StorageNames.HashesTable).QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            Assert.Equal("job-2", row.GetString(UnseenHashPurge.MissedByColumn));
        }
    }

    private StorageClients Clients(HttpPipelinePolicy policy) =>
        new(new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"])]).Build(),
            eachAttempt: policy);
}
