using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>
/// A batch job's messages driven by hand (the host's own ImportExtract and account workers are off):
/// copies of a message whose step is done stop, a step committed but never handed on is handed on by
/// its message's copy, and a deep per-object queue holds the next chunk back.
/// </summary>
public sealed class ExtractJobStepTests : IAsyncLifetime
{
    private const string ConnectorId = "steps-connector";
    private ProductHost host = null!;
    private QueueClient extracts = null!;
    private QueueClient accounts = null!;
    private ExtractJobHandler jobs = null!;

    public async Task InitializeAsync()
    {
        host = await ProductHost.StartAsync(new Dictionary<string, string?>
        {
            [$"AzureWebJobs:{TriggerTable.ImportExtract}:Disabled"] = "true",
            [$"AzureWebJobs:{TriggerTable.OutgoingAccount}:Disabled"] = "true",
            ["Hull:ExtractLinesPerChunk"] = "10",
            ["Hull:FlowControl:BackPressureDepth"] = "15",
            ["Hull:ExtractBackPressureWait"] = "00:00:01.500",
            ["Hull:ExtractBackPressureRetry"] = "00:00:00",
        }, storage: await AzuriteProcess.StartAsync(privateInstance: true));
        var base64 = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        extracts = new QueueClient(host.Azurite.ConnectionString, TriggerTable.ExtractsQueue, base64);
        accounts = new QueueClient(host.Azurite.ConnectionString, TriggerTable.AccountsQueue, base64);
        jobs = host.Services.GetRequiredService<ExtractJobHandler>();
    }

    public async Task DisposeAsync()
    {
        var azurite = host.Azurite;
        await host.DisposeAsync();
        await azurite.DisposeAsync();
    }

    [Fact]
    public async Task Copies_of_done_steps_stop_a_lost_hand_on_is_recovered_and_a_deep_queue_holds_the_next_chunk_back()
    {
        var lines = Enumerable.Range(0, 30).Select(i => new JsonObject { ["id"] = $"s{i}", ["external_id"] = $"step-{i}", ["name"] = $"Step {i}" }.ToJsonString());
        var (_, url) = await host.SandboxAdmin.AddExtractAsync(string.Join('\n', lines) + "\n");
        var jobId = Guid.NewGuid().ToString("N");
        var start = JsonSerializer.Serialize(new ExtractJobMessage
        {
            JobId = jobId,
            ConnectorId = ConnectorId,
            Kind = ExtractKind.Accounts,
            ProtectedUrl = host.Services.GetRequiredService<ConnectorSecretProtector>().Protect(url.ToString()),
        }, ExtractJobJsonContext.Default.ExtractJobMessage);

        await jobs.HandleAsync(start, CancellationToken.None);
        var step0 = Assert.Single(await TakeAsync(extracts));
        Assert.Equal(0, Parse(step0).Step);

        await jobs.HandleAsync(step0, CancellationToken.None);
        Assert.Equal(10, await DepthAsync(accounts));
        var step1 = Assert.Single(await TakeAsync(extracts));
        Assert.Equal(1, Parse(step1).Step);

        // Copies delivered again after their step was committed and handed on: nothing more is enqueued or sent.
        await jobs.HandleAsync(step0, CancellationToken.None);
        await jobs.HandleAsync(start, CancellationToken.None);
        Assert.Equal(10, await DepthAsync(accounts));
        Assert.Empty(await TakeAsync(extracts));
        Assert.Equal(2, host.Logs.All.Count(l => l.EventName == "connector.batch.stale"));

        // Step 1 is committed, then "the host dies" before step 2's message is sent.
        await jobs.HandleAsync(step1, CancellationToken.None);
        Assert.Equal(20, await DepthAsync(accounts));
        await TakeAsync(extracts);
        var store = host.Services.GetRequiredService<ExtractJobStore>();
        var (state, etag) = await store.GetAsync(ConnectorId, jobId, CancellationToken.None);
        Assert.NotNull(await store.TryWriteAsync(ConnectorId, jobId, state! with { HandedOn = false }, etag, CancellationToken.None));

        // Step 1's message comes back: it sends step 2's message instead of enqueuing anything.
        await jobs.HandleAsync(step1, CancellationToken.None);
        Assert.Equal(20, await DepthAsync(accounts));
        var step2 = Assert.Single(await TakeAsync(extracts));
        Assert.Equal(2, Parse(step2).Step);

        // 20 accounts wait (≥ 15): the chunk waits, then hands the same step on instead of enqueuing.
        await Task.Delay(QueueBackPressure.CacheFor); // the depth read before step 1's chunk may still be cached
        await jobs.HandleAsync(step2, CancellationToken.None);
        Assert.Equal(20, await DepthAsync(accounts));
        Assert.Contains(host.Logs.All, l => l.EventName == "connector.batch.slowed");
        var retried = Assert.Single(await TakeAsync(extracts));
        Assert.Equal(2, Parse(retried).Step);

        // The workers drain the queue: the last chunk goes, and the job ends with every line enqueued once.
        await accounts.ClearMessagesAsync();
        await jobs.HandleAsync(retried, CancellationToken.None);
        Assert.Equal(10, await DepthAsync(accounts));
        var finished = await TakeAsync(extracts);
        foreach (var message in finished)
        {
            await jobs.HandleAsync(message, CancellationToken.None);
        }

        var summary = Assert.Single(host.Logs.All, l => l.EventName == "connector.batch.success");
        Assert.Equal(("30", "30", "0"), (summary["Lines"], summary["Enqueued"], summary["Skipped"]));
        Assert.Empty(await TakeAsync(extracts));
    }

    private static ExtractJobMessage Parse(string text) => JsonSerializer.Deserialize(text, ExtractJobJsonContext.Default.ExtractJobMessage)!;

    private static async Task<int> DepthAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private static async Task<List<string>> TakeAsync(QueueClient queue)
    {
        var taken = new List<string>();
        foreach (var message in (await queue.ReceiveMessagesAsync(32)).Value)
        {
            taken.Add(message.Body.ToString());
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return taken;
    }
}
