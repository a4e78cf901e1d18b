using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Options;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>
/// Runs a queue function as the Functions host would: competing consumer, adaptive polling,
/// retry after a visibility timeout, poison queue after <see cref="SelfHostOptions.MaxDequeueCount"/> dequeues.
/// </summary>
public sealed class QueueListener(
    TriggerDefinition function,
    StorageClients storage,
    StorageAvailability availability,
    FunctionDispatcher dispatcher,
    IOptions<SelfHostOptions> options,
    IConfiguration configuration,
    ILogger<QueueListener> logger) : BackgroundService
{
    /// <summary>The function this service runs.</summary>
    public TriggerDefinition Function => function;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.GetValue<bool>($"AzureWebJobs:{function.Name}:Disabled"))
        {
            logger.LogInformation("Queue function {Function} is disabled by configuration.", function.Name);
            return;
        }

        var settings = options.Value;
        var queue = storage.Queue(function.Queue!);
        var idle = TimeSpan.FromMilliseconds(50);
        await availability.WaitAsync(stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);

        // Up to QueueConcurrency messages in flight; a new batch is fetched once a batch's worth of
        // them is done (as the Functions host's newBatchThreshold), so workers never wait for a batch's
        // slowest message — and many messages in flight let their table writes share transactions.
        var batchSize = Math.Min(settings.QueueBatchSize, settings.QueueConcurrency);
        using var slots = new SemaphoreSlim(settings.QueueConcurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            var acquired = 0;
            try
            {
                for (; acquired < batchSize; acquired++)
                {
                    await slots.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                if (acquired > 0)
                {
                    slots.Release(acquired);
                }

                break;
            }

            QueueMessage[] messages;
            try
            {
                // No more than can start at once (slots taken above): a message is hidden only from when its handler can start.
                messages = (await queue.ReceiveMessagesAsync(batchSize, settings.ProcessingTimeout, stoppingToken)).Value;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Polling {Queue} failed: {Error}", function.Queue, e.Message);
                messages = [];
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                messages = []; // Shutting down.
            }

            if (batchSize > messages.Length)
            {
                slots.Release(batchSize - messages.Length);
            }

            foreach (var message in messages)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await HandleAsync(message, stoppingToken);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None);
            }

            if (messages.Length == 0)
            {
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollingInterval.Ticks));
                await Task.Delay(idle, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            idle = TimeSpan.FromMilliseconds(50);
            if (messages.Length < batchSize / 2 && settings.PartialBatchWait > TimeSpan.Zero)
            {
                await Task.Delay(settings.PartialBatchWait, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        // Shutting down: wait for the messages in flight (they see the cancellation and stop).
        for (var i = 0; i < settings.QueueConcurrency; i++)
        {
            await slots.WaitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Handles one message; never throws, so one message cannot stop the listener (or the host).
    /// The message stays hidden only a short <see cref="SelfHostOptions.ProcessingTimeout"/>, extended
    /// while the handler runs, so a host killed mid-message gives it back within that time.
    /// </summary>
    private async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var queue = storage.Queue(function.Queue!);
        var receipt = new MessageReceipt(message.MessageId, message.PopReceipt);
        using var handled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hiding = KeepHiddenAsync(queue, receipt, handled.Token);
        try
        {
            await dispatcher.InvokeQueueAsync(function.Name, message.Body.ToString(), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await StopHidingAsync(handled, hiding);
            logger.FunctionFailed(e, function.Name, e.Message);
            await SettleFailureAsync(queue, message, receipt);
            return;
        }
        catch (OperationCanceledException)
        {
            await StopHidingAsync(handled, hiding);
            return; // Shutting down: the message becomes visible again and is retried.
        }

        await StopHidingAsync(handled, hiding);
        await SettleAsync(() => queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt, CancellationToken.None));
    }

    private static async Task StopHidingAsync(CancellationTokenSource handled, Task hiding)
    {
        await handled.CancelAsync();
        await hiding;
    }

    /// <summary>Extends the message's invisibility every third of the processing timeout; each update brings a new pop receipt.</summary>
    private async Task KeepHiddenAsync(QueueClient queue, MessageReceipt receipt, CancellationToken cancellationToken)
    {
        var timeout = options.Value.ProcessingTimeout;
        try
        {
            while (true)
            {
                await Task.Delay(timeout / 3, cancellationToken);
                // Not cancelled once sent: the new pop receipt must be known to delete the message afterwards.
                var updated = await queue.UpdateMessageAsync(receipt.MessageId, receipt.PopReceipt, visibilityTimeout: timeout, cancellationToken: CancellationToken.None);
                receipt.PopReceipt = updated.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            // The message may reappear and run twice: handlers are idempotent.
            logger.LogWarning("Could not keep a {Queue} message hidden: {Error}", function.Queue, e.Message);
        }
    }

    private sealed class MessageReceipt(string messageId, string popReceipt)
    {
        public string MessageId { get; } = messageId;
        public string PopReceipt { get; set; } = popReceipt;
    }

    private async Task SettleFailureAsync(QueueClient queue, QueueMessage message, MessageReceipt receipt)
    {
        if (message.DequeueCount >= options.Value.MaxDequeueCount)
        {
            await SettleAsync(async () =>
            {
                await storage.Queue(StorageNames.PoisonQueue(function.Queue!)).SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
                await queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt, CancellationToken.None);
                logger.MessagePoisoned(function.Queue!, message.DequeueCount);
            });
        }
        else
        {
            await SettleAsync(() => queue.UpdateMessageAsync(receipt.MessageId, receipt.PopReceipt, visibilityTimeout: options.Value.VisibilityTimeout, cancellationToken: CancellationToken.None));
        }
    }

    // A stale pop receipt (404) means the message became visible again and is someone else's now;
    // any other storage failure leaves it to reappear after its visibility timeout. Either way nothing is lost.
    private async Task SettleAsync(Func<Task> settle)
    {
        try
        {
            await settle();
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            logger.LogWarning("Could not settle a {Queue} message: {Error}", function.Queue, e.Message);
        }
    }
}
