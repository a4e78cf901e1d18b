using System.ComponentModel.DataAnnotations;

namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>Configuration section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    /// <summary>Failed flush attempts before a row goes to the dead-letter table.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before a failed row's next attempt; doubles with each attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bulk calls per object type and connector in one flush run (5,000 rows each).</summary>
    [Range(1, 1000)]
    public int MaxChunksPerRun { get; set; } = 20;

    /// <summary>Connectors flushed at the same time; each has its own Planhat budget, so one slow Planhat delays only its own connector.</summary>
    [Range(1, 64)]
    public int ConnectorParallelism { get; set; } = 8;

    /// <summary>The longest one connector's flush may take; the rest of its rows wait for the next run.</summary>
    public TimeSpan ConnectorTimeout { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>While a slow connector keeps a flush run going, how often the other connectors are flushed again (the flush schedule's period).</summary>
    public TimeSpan RepeatEvery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an event id is remembered as sent, so a redelivered event is not posted again.</summary>
    public TimeSpan SentEventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The longest a chunk smaller than a bulk call's limit is held back to fill while objects keep
    /// arriving (<see cref="PartialChunkPolicy"/>); zero sends every chunk at once.
    /// </summary>
    public TimeSpan PartialChunkHold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The same for events (analytics calls of up to 5,000): they fill ten times slower than the
    /// endusers that carry them, and an activity keeps its own date, so they may wait longer.
    /// </summary>
    public TimeSpan EventChunkHold { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A held chunk goes as soon as nothing was staged for this long and the per-object queues are empty: the stream ended.</summary>
    public TimeSpan PartialChunkQuiet { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryDelayAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(RetryDelay.Ticks * (1L << Math.Min(attempts, 10)), TimeSpan.FromHours(1).Ticks));
}
