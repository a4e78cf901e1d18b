using System.Diagnostics;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace HullPlanhat.Benchmarks;

/// <summary>
/// The storage's own per-message ceiling, measured on the same emulator in the same run: messages
/// sent (a notification's worth at once, as the intake does), received 32 at a time and deleted (as many in flight as the
/// SelfHost's workers keep per queue), on a queue kept shallow (≤ 256 waiting). No product code runs.
/// </summary>
public static class StorageCeiling
{
    private const int SendParallelism = HullPlanhat.Core.Hull.HullOptions.DefaultInlineSplitLimit;
    private static readonly int InFlight = new HullPlanhat.SelfHost.Hosting.SelfHostOptions().QueueConcurrency;
    private const int MaxWaiting = 256;

    /// <returns>Messages per second through send + receive + delete.</returns>
    public static async Task<double> MeasureAsync(string connectionString, int messages)
    {
        var queue = new QueueClient(connectionString, "bench-ceiling-" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync();
        try
        {
            var body = new string('x', 1024); // about a per-object message
            long sent = 0, deleted = 0;
            var time = Stopwatch.StartNew();
            var producer = Parallel.ForEachAsync(Enumerable.Range(0, messages), new ParallelOptions { MaxDegreeOfParallelism = SendParallelism }, async (_, ct) =>
            {
                while (Interlocked.Read(ref sent) - Interlocked.Read(ref deleted) > MaxWaiting)
                {
                    await Task.Delay(1, ct);
                }

                await queue.SendMessageAsync(body, ct);
                Interlocked.Increment(ref sent);
            });

            using var slots = new SemaphoreSlim(InFlight);
            var deletes = new List<Task>();
            var taken = 0;
            while (taken < messages)
            {
                QueueMessage[] received = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
                if (received.Length == 0)
                {
                    await Task.Delay(5);
                    continue;
                }

                taken += received.Length;
                foreach (var message in received)
                {
                    await slots.WaitAsync();
                    deletes.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                            Interlocked.Increment(ref deleted);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }));
                }
            }

            await producer;
            await Task.WhenAll(deletes);
            return messages / time.Elapsed.TotalSeconds;
        }
        finally
        {
            await queue.DeleteAsync();
        }
    }

    /// <summary>
    /// Sends only, <paramref name="parallelism"/> at once, into a queue left to grow as an import's does:
    /// the ceiling of a path that only enqueues (a batch extract).
    /// </summary>
    /// <returns>Messages per second sent.</returns>
    public static async Task<double> MeasureSendsAsync(string connectionString, int messages, int parallelism)
    {
        var queue = new QueueClient(connectionString, "bench-sends-" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync();
        try
        {
            var body = new string('x', 300); // about an extract line's message
            var time = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, messages), new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                async (_, ct) => await queue.SendMessageAsync(body, ct));
            return messages / time.Elapsed.TotalSeconds;
        }
        finally
        {
            await queue.DeleteAsync();
        }
    }
}
